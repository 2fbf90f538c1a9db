// microtls server (TLS 1.2 and 1.3 enabled) against node:tls clients held to
// TLS 1.2 (maxVersion 'TLSv1.2') and `gnutls-cli --priority
// NORMAL:-VERS-ALL:+VERS-TLS1.2`: every TLS 1.2 suite x ECDSA and RSA
// certificates x x25519 and P-256, client certificates, ticket resumption,
// and extended_master_secret required: a GnuTLS client without it
// (%NO_SESSION_HASH) is refused unless the server allows it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { CipherSuite, NamedGroup, TLS12 } from '../../core/registry.js';
import { microListen, readLine, send, shutdown, type MicroOptions, type MicroServer } from '../helpers/microtls.js';
import { cleanup, nodeTlsClient, pki, pkiDer, spawnProc } from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };

type Suite = keyof typeof CipherSuite;
type Group = 'x25519' | 'secp256r1';

/** Our suites with OpenSSL's and GnuTLS's names for their cipher and key exchange, and the certificate each needs. */
const SUITES: [Suite, string, string, 'server-ecdsa' | 'server-rsa'][] = [
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'AES-128-GCM:+ECDHE-ECDSA', 'server-ecdsa'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'AES-256-GCM:+ECDHE-ECDSA', 'server-ecdsa'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'CHACHA20-POLY1305:+ECDHE-ECDSA', 'server-ecdsa'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CCM', 'ECDHE-ECDSA-AES128-CCM', 'AES-128-CCM:+ECDHE-ECDSA', 'server-ecdsa'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8', 'ECDHE-ECDSA-AES128-CCM8', 'AES-128-CCM-8:+ECDHE-ECDSA', 'server-ecdsa'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'AES-128-GCM:+ECDHE-RSA', 'server-rsa'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'AES-256-GCM:+ECDHE-RSA', 'server-rsa'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305', 'CHACHA20-POLY1305:+ECDHE-RSA', 'server-rsa'],
];
// (In TLS 1.2 supported_groups also names the curves of the ECDSA keys a client verifies, RFC 8422 5.1: P-256 always.)
const GROUPS: [Group, string, string][] = [
  ['x25519', 'X25519:prime256v1', 'GROUP-X25519:+GROUP-SECP256R1'], ['secp256r1', 'prime256v1', 'GROUP-SECP256R1'],
];
const ALL_SUITES = SUITES.map(([s]) => CipherSuite[s]);

async function server(o: MicroOptions = {}): Promise<MicroServer> {
  return microListen({ cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, ...ALL_SUITES], ...o });
}

// --- node:tls ---

for (const [suite, name, , cert] of SUITES) {
  for (const [group, nodeGroup] of GROUPS) {
    // node:tls (OpenSSL 3.0 underneath) has no CCM suites enabled by default; it takes them when named.
    test(`TLS 1.2 server ${suite} ${group} (${cert}) vs node:tls maxVersion TLSv1.2`, T, async () => {
      const srv = await server({ cert });
      try {
        const clientP = nodeTlsClient(srv.port, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: name, ecdhCurve: nodeGroup });
        const peer = await srv.accept();
        const client = await clientP;
        assert.equal(client.socket.getProtocol(), 'TLSv1.2');
        assert.equal(client.cipher, suite);
        const n = peer.conn.negotiated();
        assert.ok(n);
        assert.equal(n.version, TLS12);
        assert.equal(n.cipherSuite, CipherSuite[suite]);
        assert.equal(n.group, NamedGroup[group]);
        client.socket.write('from node\n');
        assert.equal(await readLine(peer), 'from node');
        await send(peer, 'from microtls\n');
        client.socket.end();
        await shutdown(peer);
      } finally {
        await srv.stop();
      }
    });
  }
}

test('TLS 1.2 server: node:tls client certificate (requestCert) and ticket resumption', T, async () => {
  const srv = await server({ verify: 'require' });
  try {
    const cert = { cert: readFileSync(pki('client-ecdsa.crt')), key: readFileSync(pki('client-ecdsa.key')) };
    const opts = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ...cert } as const;
    const firstP = nodeTlsClient(srv.port, opts);
    const p1 = await srv.accept();
    const first = await firstP;
    assert.deepEqual(p1.conn.negotiated()?.peerCertificates[0], pkiDer('client-ecdsa.crt'));
    first.socket.write('one\n');
    assert.equal(await readLine(p1), 'one');
    // node delivers the ticket ('session') after the handshake.
    await send(p1, 'ok\n');
    await first.exchange('x').catch(() => undefined);
    assert.ok(first.sessions.length > 0, 'node:tls got a session ticket');
    first.socket.end();
    await shutdown(p1);
    const secondP = nodeTlsClient(srv.port, { ...opts, session: first.sessions[first.sessions.length - 1] });
    const p2 = await srv.accept();
    const second = await secondP;
    assert.equal(second.reused, true);
    assert.equal(p2.conn.negotiated()?.mode, 'resumed');
    second.socket.end();
    await shutdown(p2);
  } finally {
    await srv.stop();
  }
});

// --- GnuTLS ---

function gnutlsCli(port: number, priority: string, extra: string[] = []) {
  return spawnProc('gnutls-cli', ['--port', String(port), '--x509cafile', pki('ca.crt'), '--sni-hostname', 'localhost',
    '--priority', priority, ...extra, '127.0.0.1']);
}

const ONLY_TLS12 = 'NORMAL:-VERS-ALL:+VERS-TLS1.2';

for (const [suite, , gnutls, cert] of SUITES) {
  for (const [group, , gnutlsGroup] of GROUPS) {
    test(`TLS 1.2 server ${suite} ${group} (${cert}) vs gnutls-cli ${ONLY_TLS12}`, T, async () => {
      const srv = await server({ cert });
      try {
        const priority = ONLY_TLS12 + ':-CIPHER-ALL:+' + gnutls.split(':+')[0] + ':-KX-ALL:+' + gnutls.split(':+')[1] + ':-GROUP-ALL:+' + gnutlsGroup;
        const cl = gnutlsCli(srv.port, priority);
        const peer = await srv.accept();
        const n = peer.conn.negotiated();
        assert.ok(n);
        assert.equal(n.version, TLS12);
        assert.equal(n.cipherSuite, CipherSuite[suite]);
        assert.equal(n.group, NamedGroup[group]);
        await cl.waitFor(/- Handshake was completed/);
        assert.match(cl.stdout(), /- Description: \(TLS1\.2-X\.509\)/);
        assert.match(cl.stdout(), /- Options: .*extended master secret/);
        assert.match(cl.stdout(), /safe renegotiation/);
        cl.write('from gnutls\n');
        assert.equal(await readLine(peer), 'from gnutls');
        await send(peer, 'from microtls\n');
        await cl.waitFor(/from microtls/);
        cl.endInput();
        await shutdown(peer);
        await cl.waitExit();
      } finally {
        await srv.stop();
      }
    });
  }
}

test('TLS 1.2 server refuses a gnutls-cli without extended_master_secret (%NO_SESSION_HASH): handshake_failure', T, async () => {
  const srv = await server();
  try {
    const cl = gnutlsCli(srv.port, ONLY_TLS12 + ':%NO_SESSION_HASH');
    await assert.rejects(srv.accept(), /EXTENDED_MASTER_SECRET_REQUIRED/);
    await cl.waitExit();
    assert.match(cl.output(), /Handshake failed/i);
  } finally {
    await srv.stop();
  }
});

test('requireExtendedMasterSecret: false accepts it, and issues no ticket for such a session (RFC 7627 5.3)', T, async () => {
  const srv = await server({ requireExtendedMasterSecret: false });
  try {
    const cl = gnutlsCli(srv.port, ONLY_TLS12 + ':%NO_SESSION_HASH');
    const peer = await srv.accept();
    assert.equal(peer.conn.negotiated()?.version, TLS12);
    assert.ok(peer.log.some((l) => /without extended_master_secret/.test(l)), peer.log.join('\n'));
    assert.ok(!peer.log.includes('sent NewSessionTicket'));
    await cl.waitFor(/- Handshake was completed/);
    assert.doesNotMatch(cl.stdout(), /extended master secret/);
    cl.endInput();
    await shutdown(peer);
    await cl.waitExit();
  } finally {
    await srv.stop();
  }
});

test('TLS 1.2 server: gnutls-cli resumes with a ticket (--resume)', T, async () => {
  const srv = await server();
  try {
    const cl = gnutlsCli(srv.port, ONLY_TLS12, ['--resume']);
    const p1 = await srv.accept();
    assert.equal(p1.conn.negotiated()?.mode, 'full');
    const p2 = await srv.accept();
    assert.equal(p2.conn.negotiated()?.mode, 'resumed');
    await cl.waitFor(/This is a resumed session/);
    cl.endInput();
    await shutdown(p2);
    await cl.waitExit();
  } finally {
    await srv.stop();
  }
});
