// microtls client (TLS 1.2 and 1.3 offered, as by default) against a
// node:tls server limited to TLS 1.2 (maxVersion 'TLSv1.2'): ECDSA and RSA
// certificates with GCM and ChaCha20 over x25519 and P-256, a client
// certificate, ticket resumption, ALPN and SNI. Each case checks the reply
// and what both sides negotiated.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { CipherSuite, NamedGroup, SignatureScheme, TLS12 } from '../../core/registry.js';
import { exchange, microConnect, shutdown } from '../helpers/microtls.js';
import { OPENSSL_GROUP, cleanup, nodeTlsServer, pki, pkiDer, within } from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };
const TLS12_ONLY = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;
const RSA = { cert: readFileSync(pki('server-rsa.crt')), key: readFileSync(pki('server-rsa.key')) };

type Suite = keyof typeof CipherSuite;
const CASES: [Suite, string, 'x25519' | 'secp256r1', boolean][] = [
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'x25519', false],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'secp256r1', false],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'x25519', false],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'secp256r1', true],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305', 'x25519', true],
];

for (const [suite, name, group, rsa] of CASES) {
  test(`microtls client vs node:tls server (TLS 1.2): ${suite} ${group}`, T, async () => {
    // The server allows only this suite and group (and P-256 for its ECDSA key), so nothing else can succeed.
    const p256 = group === 'secp256r1';
    const srv = await nodeTlsServer({ ...TLS12_ONLY, ciphers: name, ecdhCurve: p256 ? 'P-256' : OPENSSL_GROUP[group] + ':P-256', ...(rsa ? RSA : {}) });
    const peer = await microConnect(srv.port, { groups: p256 ? [NamedGroup.secp256r1] : [NamedGroup[group], NamedGroup.secp256r1] });
    assert.equal(await exchange(peer, 'ping node'), 'edon gnip');
    const n = peer.conn.negotiated();
    assert.ok(n);
    assert.equal(n.version, TLS12);
    assert.equal(n.cipherSuite, CipherSuite[suite]);
    assert.equal(n.group, NamedGroup[group]);
    assert.equal(n.signatureScheme, rsa ? SignatureScheme.rsa_pss_rsae_sha256 : SignatureScheme.ecdsa_secp256r1_sha256);
    const s = await within(srv.session, 5000, 'node:tls session');
    assert.equal(s.protocol, 'TLSv1.2');
    assert.equal(s.cipher, suite, 'node reports the standard name');
    await shutdown(peer);
    await srv.stop();
  });
}

test('microtls client authenticates to a node:tls server (TLS 1.2, requestCert)', T, async () => {
  const srv = await nodeTlsServer({ ...TLS12_ONLY, requestCert: true, rejectUnauthorized: true });
  const peer = await microConnect(srv.port, { cert: 'client-ecdsa' });
  assert.equal(await exchange(peer, 'who am i'), 'i ma ohw');
  const s = await within(srv.session, 5000, 'node:tls session');
  assert.ok(s.peerCertificate);
  assert.deepEqual(new Uint8Array(s.peerCertificate.raw), pkiDer('client-ecdsa.crt'));
  await shutdown(peer);
  await srv.stop();
});

test('microtls client resumes a node:tls TLS 1.2 session from its ticket, with ALPN and SNI', T, async () => {
  let sni: string | undefined;
  const srv = await nodeTlsServer({
    ...TLS12_ONLY, ALPNProtocols: ['h2', 'http/1.1'],
    SNICallback: (name, cb) => { sni = name; cb(null); },
  });
  const first = await microConnect(srv.port, { alpn: ['http/1.1'] });
  assert.equal(await exchange(first, 'one'), 'eno');
  assert.equal(first.conn.negotiated()!.alpn, 'http/1.1');
  const session = first.conn.getSession();
  assert.ok(session);
  await shutdown(first);
  const second = await microConnect(srv.port, { alpn: ['http/1.1'], session });
  assert.equal(await exchange(second, 'two'), 'owt');
  const n = second.conn.negotiated()!;
  assert.equal(n.mode, 'resumed');
  assert.equal(n.version, TLS12);
  assert.equal(n.alpn, 'http/1.1');
  const s = await within(srv.nth(1), 5000, 'second node:tls session');
  assert.equal(s.reused, true);
  assert.equal(sni, 'localhost');
  await shutdown(second);
  await srv.stop();
});
