// microtls against node:tls (OpenSSL inside Node, configured through the
// node:tls API): a representative subset of suites x groups, RSA and
// Ed25519 certificates, client certificates and HelloRetryRequest, in both
// roles. Each case checks the reply and what both sides negotiated.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { CipherSuite, NamedGroup, SignatureScheme, TLS13 } from '../../core/registry.js';
import { exchange, expectClose, microConnect, microListen, readLine, send, shutdown } from '../helpers/microtls.js';
import { NODE_GROUP, OPENSSL_GROUP, cleanup, nodeTlsClient, nodeTlsServer, pki, pkiDer, within } from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };

type Suite = keyof typeof CipherSuite;
type Group = keyof typeof NamedGroup;

const SUBSET: [Suite, Group][] = [
  ['TLS_AES_128_GCM_SHA256', 'x25519'],
  ['TLS_AES_256_GCM_SHA384', 'secp256r1'],
  ['TLS_CHACHA20_POLY1305_SHA256', 'secp384r1'],
  ['TLS_AES_128_GCM_SHA256', 'secp521r1'],
  ['TLS_AES_256_GCM_SHA384', 'x448'],
];

for (const [suite, group] of SUBSET) {
  test(`microtls client vs node:tls server: ${suite} ${group}`, T, async () => {
    // The server offers exactly this suite and group, so the handshake can only succeed with them.
    const srv = await nodeTlsServer({ ciphers: suite, ecdhCurve: OPENSSL_GROUP[group] });
    const peer = await microConnect(srv.port, { groups: [NamedGroup[group]] });
    assert.equal(await exchange(peer, 'ping node'), 'edon gnip');
    const n = peer.conn.negotiated();
    assert.ok(n);
    assert.equal(n.version, TLS13);
    assert.equal(n.cipherSuite, CipherSuite[suite]);
    assert.equal(n.group, NamedGroup[group]);
    assert.equal(n.signatureScheme, SignatureScheme.ecdsa_secp256r1_sha256);
    const s = await within(srv.session, 5000, 'node:tls session');
    assert.equal(s.cipher, suite);
    assert.equal(s.protocol, 'TLSv1.3');
    await shutdown(peer);
    await srv.stop();
  });

  test(`node:tls client vs microtls server: ${suite} ${group}`, T, async () => {
    const srv = await microListen({ groups: [NamedGroup[group]] });
    const [c, peer] = await Promise.all([
      nodeTlsClient(srv.port, { ciphers: suite, ecdhCurve: OPENSSL_GROUP[group] }),
      srv.accept(),
    ]);
    assert.equal(c.cipher, suite);
    assert.equal(c.group, NODE_GROUP[group]);
    const reply = c.exchange('ping microtls');
    assert.equal(await readLine(peer), 'ping microtls');
    await send(peer, 'sltorcim gnip\n');
    assert.equal(await reply, 'sltorcim gnip');
    const n = peer.conn.negotiated();
    assert.ok(n);
    assert.equal(n.cipherSuite, CipherSuite[suite]);
    assert.equal(n.group, NamedGroup[group]);
    c.socket.end(); // node:tls sends close_notify
    await expectClose(peer);
    await shutdown(peer);
    await srv.stop();
  });
}

test('microtls client verifies an RSA server certificate from node:tls (rsa_pss_rsae_sha256)', T, async () => {
  const srv = await nodeTlsServer({
    cert: readFileSync(pki('server-rsa.crt')), key: readFileSync(pki('server-rsa.key')), sigalgs: 'rsa_pss_rsae_sha256',
  });
  const peer = await microConnect(srv.port);
  assert.equal(await exchange(peer, 'rsa'), 'asr');
  const n = peer.conn.negotiated();
  assert.ok(n);
  assert.equal(n.signatureScheme, SignatureScheme.rsa_pss_rsae_sha256);
  assert.deepEqual(n.peerCertificates[0], pkiDer('server-rsa.crt'));
  await shutdown(peer);
  await srv.stop();
});

test('microtls client authenticates with client-ecdsa to node:tls (requestCert, rejectUnauthorized)', T, async () => {
  const srv = await nodeTlsServer({ requestCert: true, rejectUnauthorized: true });
  const peer = await microConnect(srv.port, { cert: 'client-ecdsa' });
  assert.equal(await exchange(peer, 'mutual'), 'lautum');
  const s = await within(srv.session, 5000, 'node:tls session');
  assert.equal(s.peerCertificate?.subject.CN, 'client-ecdsa');
  assert.equal(s.socket.authorized, true);
  await shutdown(peer);
  await srv.stop();
});

// The first ClientHello carries one key share (x25519 for microtls, the first
// listed group for OpenSSL), so ending with the other group proves a retry.
test('microtls client retries after HelloRetryRequest from node:tls (ecdhCurve P-256)', T, async () => {
  const srv = await nodeTlsServer({ ecdhCurve: 'P-256' });
  const peer = await microConnect(srv.port, { groups: [NamedGroup.x25519, NamedGroup.secp256r1] });
  assert.equal(await exchange(peer, 'retry'), 'yrter');
  assert.equal(peer.conn.negotiated()?.group, NamedGroup.secp256r1);
  await shutdown(peer);
  await srv.stop();
});

test('microtls server signs with Ed25519 and verifies a node:tls client certificate', T, async () => {
  const srv = await microListen({ cert: 'server-ed25519', verify: 'require' });
  const [c, peer] = await Promise.all([
    nodeTlsClient(srv.port, { cert: readFileSync(pki('client-rsa.crt')), key: readFileSync(pki('client-rsa.key')) }),
    srv.accept(),
  ]);
  assert.equal(c.socket.getPeerX509Certificate()?.subject, 'O=microtls\nCN=server-ed25519');
  const reply = c.exchange('ed25519');
  assert.equal(await readLine(peer), 'ed25519');
  await send(peer, '91552de\n');
  assert.equal(await reply, '91552de');
  const n = peer.conn.negotiated();
  assert.ok(n);
  assert.equal(n.signatureScheme, SignatureScheme.ed25519);
  assert.deepEqual(n.peerCertificates[0], pkiDer('client-rsa.crt'));
  c.socket.destroy();
  await srv.stop();
});

test('microtls server sends HelloRetryRequest to a node:tls client offering a P-256 share first', T, async () => {
  const srv = await microListen({ groups: [NamedGroup.x25519] });
  const [c, peer] = await Promise.all([nodeTlsClient(srv.port, { ecdhCurve: 'P-256:X25519' }), srv.accept()]);
  assert.equal(c.group, 'X25519');
  const reply = c.exchange('hrr');
  assert.equal(await readLine(peer), 'hrr');
  await send(peer, 'rrh\n');
  assert.equal(await reply, 'rrh');
  assert.equal(peer.conn.negotiated()?.group, NamedGroup.x25519);
  c.socket.destroy();
  await srv.stop();
});

test('bulk: a 1 MB line each way between a microtls client and node:tls (flow control both ways)', T, async () => {
  const srv = await nodeTlsServer();
  const peer = await microConnect(srv.port);
  let line = '';
  for (let i = 0; line.length < 1 << 20; i++) line += i.toString(36) + ',';
  const reply = await exchange(peer, line, 15000);
  assert.equal(reply, [...line].reverse().join(''));
  await shutdown(peer);
  await srv.stop();
});
