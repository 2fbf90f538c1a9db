// Version negotiation end to end: a man in the middle that strips
// supported_versions from our client's ClientHello toward an openssl
// s_server that speaks TLS 1.2 and 1.3 makes the server answer with TLS 1.2
// and the RFC 8446 4.1.3 sentinel in ServerHello.random: our client must
// abort with illegal_parameter. Also microtls client <-> microtls server
// over TLS 1.2 (every suite kind, resumption, a version restricted on either
// side), and our client against node:tls and gnutls-serv held to TLS 1.2.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { CipherSuite, TLS12, TLS13 } from '../../core/registry.js';
import { exchange, failsWith, microConnect, microListen, readLine, send, shutdown } from '../helpers/microtls.js';
import { cleanup, freePort, GNUTLS_SERV_READY, nodeTlsServer, opensslServer, pki, spawnProc } from '../helpers/peers.js';
import { tamperProxy } from '../helpers/proxy.js';

after(cleanup);
const T = { timeout: 20000 };

const SUPPORTED_VERSIONS = 43;

/**
 * The ClientHello record (one record, one message) without its
 * supported_versions extension, lengths adjusted: what a downgrading
 * attacker sends on.
 */
function stripSupportedVersions(rec: Buffer): Buffer {
  let p = 5 + 4 + 2 + 32;
  p += 1 + rec[p]; // legacy_session_id
  p += 2 + rec.readUInt16BE(p); // cipher_suites
  p += 1 + rec[p]; // legacy_compression_methods
  const extStart = p;
  const end = p + 2 + rec.readUInt16BE(p);
  for (p += 2; p < end; ) {
    const type = rec.readUInt16BE(p);
    const len = 4 + rec.readUInt16BE(p + 2);
    if (type === SUPPORTED_VERSIONS) {
      const out = Buffer.concat([rec.subarray(0, p), rec.subarray(p + len)]);
      out.writeUInt16BE(out.readUInt16BE(3) - len, 3);
      const body = ((out[6] << 16) | (out[7] << 8) | out[8]) - len;
      out[6] = body >> 16;
      out[7] = (body >> 8) & 0xff;
      out[8] = body & 0xff;
      out.writeUInt16BE(out.readUInt16BE(extStart) - len, extStart);
      return out;
    }
    p += len;
  }
  throw new Error('no supported_versions in the ClientHello');
}

test('downgrade: supported_versions stripped on the way to a TLS 1.2+1.3 s_server; our client sees the sentinel (illegal_parameter)', T, async () => {
  const srv = await opensslServer({ version: 'any', msg: true });
  const proxy = await tamperProxy(srv.port);
  try {
    proxy.editFirst('toServer', stripSupportedVersions);
    const e = await failsWith(microConnect(proxy.port), 'DOWNGRADE_DETECTED');
    assert.equal(e.alertSent, 47, 'illegal_parameter');
    assert.equal(proxy.tampered(), 1);
    await srv.waitExit();
    // s_server answered with TLS 1.2, the sentinel in its random, and got our alert.
    assert.match(srv.stdout(), />>> TLS 1\.2, Handshake \[length [0-9a-f]+\], ServerHello/);
    assert.match(srv.stdout(), /<<< TLS 1\.2, Alert \[length 0002\], fatal illegal_parameter/);
  } finally {
    await proxy.stop();
  }
});

test('no downgrade: the same s_server without the proxy negotiates TLS 1.3 with our client', T, async () => {
  const srv = await opensslServer({ version: 'any' });
  const c = await microConnect(srv.port);
  assert.equal(c.conn.negotiated()?.version, TLS13);
  assert.equal(await exchange(c, 'abc'), 'cba');
  await shutdown(c);
  await srv.waitExit();
});

test('our client held to TLS 1.2 (maxVersion) accepts a TLS 1.2 s_server: no sentinel from a server that does not do 1.3 either', T, async () => {
  const srv = await opensslServer({ version: '1.2' });
  const c = await microConnect(srv.port, { maxVersion: TLS12 });
  assert.equal(c.conn.negotiated()?.version, TLS12);
  assert.equal(await exchange(c, 'abc'), 'cba');
  await shutdown(c);
  await srv.waitExit();
});

// --- microtls client <-> microtls server over TLS 1.2 ---

const PAIRS: [string, number, string][] = [
  ['ECDHE_ECDSA AES-128-GCM', CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 'server-ecdsa'],
  ['ECDHE_ECDSA ChaCha20-Poly1305', CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, 'server-ecdsa'],
  ['ECDHE_ECDSA AES-128-CCM_8', CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, 'server-ecdsa'],
  ['ECDHE_RSA AES-256-GCM', CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, 'server-rsa'],
];
for (const [name, suite, cert] of PAIRS) {
  test(`microtls client <-> microtls server over TLS 1.2: ${name}, then a resumption with the ticket`, T, async () => {
    const opts = { maxVersion: TLS12, cipherSuites: [suite] };
    const srv = await microListen({ cert, cipherSuites: [suite] });
    try {
      const c1P = microConnect(srv.port, opts);
      const s1 = await srv.accept();
      const c1 = await c1P;
      for (const n of [c1.conn.negotiated(), s1.conn.negotiated()]) {
        assert.equal(n?.version, TLS12);
        assert.equal(n?.cipherSuite, suite);
        assert.equal(n?.mode, 'full');
      }
      await send(c1, 'ping\n');
      assert.equal(await readLine(s1), 'ping');
      await send(s1, 'pong\n');
      assert.equal(await readLine(c1), 'pong');
      const session = c1.conn.getSession();
      assert.ok(session, 'the client kept the TLS 1.2 ticket');
      await shutdown(c1);
      await shutdown(s1);
      const c2P = microConnect(srv.port, { ...opts, session });
      const s2 = await srv.accept();
      const c2 = await c2P;
      assert.equal(c2.conn.negotiated()?.mode, 'resumed');
      assert.equal(s2.conn.negotiated()?.mode, 'resumed');
      await send(c2, 'again\n');
      assert.equal(await readLine(s2), 'again');
      await shutdown(c2);
      await shutdown(s2);
    } finally {
      await srv.stop();
    }
  });
}

test('microtls over TLS 1.2 with a client certificate (server verify: require)', T, async () => {
  const srv = await microListen({ verify: 'require' });
  try {
    const cP = microConnect(srv.port, { maxVersion: TLS12, cert: 'client-ecdsa' });
    const s = await srv.accept();
    const c = await cP;
    assert.equal(s.conn.negotiated()?.version, TLS12);
    assert.equal(s.conn.negotiated()?.peerCertificates.length, 1);
    await send(c, 'hi\n');
    assert.equal(await readLine(s), 'hi');
    await shutdown(c);
    await shutdown(s);
  } finally {
    await srv.stop();
  }
});

test('microtls server held to TLS 1.3 refuses our TLS 1.2-only client with protocol_version, and the reverse', T, async () => {
  for (const [server, client] of [[{ minVersion: TLS13 }, { maxVersion: TLS12 }], [{ maxVersion: TLS12 }, { minVersion: TLS13 }]]) {
    const srv = await microListen(server);
    try {
      const cP = failsWith(microConnect(srv.port, client), 'FATAL_ALERT_RECEIVED');
      await failsWith(srv.accept(), 'VERSION_MISMATCH');
      const e = await cP;
      assert.equal(e.alertReceived, 70, 'protocol_version');
    } finally {
      await srv.stop();
    }
  }
});

// --- our client against node:tls and gnutls-serv held to TLS 1.2 ---

test('microtls client vs node:tls server maxVersion TLSv1.2: ECDSA and RSA certificates', T, async () => {
  for (const cert of ['server-ecdsa', 'server-rsa']) {
    const srv = await nodeTlsServer({
      minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
      ...(cert === 'server-rsa' ? { cert: readFileSync(pki('server-rsa.crt')), key: readFileSync(pki('server-rsa.key')) } : {}),
    });
    try {
      const c = await microConnect(srv.port);
      assert.equal(c.conn.negotiated()?.version, TLS12);
      const session = await srv.session;
      assert.equal(session.protocol, 'TLSv1.2');
      assert.match(session.cipher, cert === 'server-rsa' ? /^TLS_ECDHE_RSA_/ : /^TLS_ECDHE_ECDSA_/);
      assert.equal(await exchange(c, 'node'), 'edon');
      await shutdown(c);
    } finally {
      await srv.stop();
    }
  }
});

test('microtls client vs gnutls-serv NORMAL:-VERS-ALL:+VERS-TLS1.2', T, async () => {
  const port = await freePort();
  const p = spawnProc('gnutls-serv', ['-p', String(port), '--echo', '--x509certfile', pki('server-ecdsa-chain.crt'),
    '--x509keyfile', pki('server-ecdsa.key'), '--priority', 'NORMAL:-VERS-ALL:+VERS-TLS1.2']);
  try {
    await p.waitFor(GNUTLS_SERV_READY);
    const c = await microConnect(port);
    assert.equal(c.conn.negotiated()?.version, TLS12);
    assert.equal(await exchange(c, 'gnutls'), 'gnutls');
    await shutdown(c);
  } finally {
    await p.stop();
  }
});
