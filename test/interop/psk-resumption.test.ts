// External PSKs and session resumption against real peers. PSK: microtls
// client vs `openssl s_server -psk` (with and without a certificate) and
// microtls server vs `openssl s_client -psk`, in psk_dhe_ke and psk_ke, with
// the GCM and the two CCM suites. Resumption: tickets from s_server, from a
// microtls server to `s_client -sess_out/-sess_in`, and with node:tls both
// ways. Each case checks what microtls negotiated and what the peer says
// (its ServerHello from -msg, "Reused, TLSv1.3", isSessionReused()).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, test } from 'node:test';
import type { PskMode } from '../../core/engine/types.js';
import { Context as PskContext } from '../../core/profiles/client-psk.js';
import { CipherSuite } from '../../core/registry.js';
import { exchange, microConnect, microListen, readLine, send, shutdown, type MicroPeer } from '../helpers/microtls.js';
import {
  cleanup, clientHellos, nodeTlsClient, nodeTlsServer, opensslClient, opensslServer, serverHelloExtensions, serverHellos, within, type NodeClient,
} from '../helpers/peers.js';
import { PSK_IDENTITY, microPskClient, microPskServer, opensslPsk, tempPath } from '../helpers/psk.js';

after(cleanup);
const T = { timeout: 20000 };

const SUPPORTED_GROUPS = 10;
const PRE_SHARED_KEY = 41;
const KEY_SHARE = 51;

type Suite = keyof typeof CipherSuite;
const PSK_SUITES: Suite[] = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];
const MODES: PskMode[] = ['psk_dhe_ke', 'psk_ke'];
const suiteKey = (code: number) => (Object.keys(CipherSuite) as Suite[]).find((k) => CipherSuite[k] === code)!;

/** The ServerHello in openssl's -msg output selected the PSK, with a key share exactly in psk_dhe_ke. */
function assertPskServerHello(stdout: string, mode: PskMode, suite: Suite): void {
  const hellos = serverHellos(stdout);
  assert.equal(hellos.length, 1, 'one ServerHello');
  assert.equal(hellos[0].cipherSuite, CipherSuite[suite]);
  const [ext] = serverHelloExtensions(stdout);
  assert.ok(ext.includes(PRE_SHARED_KEY), 'ServerHello selects the PSK');
  assert.equal(ext.includes(KEY_SHARE), mode === 'psk_dhe_ke', 'key_share exactly in psk_dhe_ke');
}

function assertMicroPsk(peer: MicroPeer, mode: PskMode, suite: Suite, how: 'psk' | 'resumed'): void {
  const n = peer.conn.negotiated();
  assert.ok(n);
  assert.equal(n.mode, how);
  assert.equal(n.pskMode, mode);
  assert.equal(n.cipherSuite, CipherSuite[suite]);
  assert.equal(n.group === null, mode === 'psk_ke', 'a group exactly in psk_dhe_ke');
  assert.equal(n.signatureScheme, null, 'no CertificateVerify with a PSK');
  assert.deepEqual(n.peerCertificates, []);
}

for (const mode of MODES) {
  for (const suite of PSK_SUITES) {
    test(`external PSK ${mode} ${suite}: microtls client vs openssl s_server -psk -nocert`, T, async () => {
      const srv = await opensslServer({ nocert: true, msg: true, ciphersuites: suite, extra: opensslPsk(mode === 'psk_ke') });
      const peer = await microConnect(srv.port, { ...microPskClient(mode), cipherSuites: [CipherSuite[suite]] });
      assert.equal(await exchange(peer, 'psk client'), 'tneilc ksp');
      assertMicroPsk(peer, mode, suite, 'psk');
      await shutdown(peer);
      await srv.waitExit();
      assertPskServerHello(srv.stdout(), mode, suite);
      assert.match(srv.output(), new RegExp('^Ciphersuite: ' + suite + '$', 'm'));
    });

    test(`external PSK ${mode} ${suite}: microtls server vs openssl s_client -psk`, T, async () => {
      const asked: string[] = [];
      const srv = await microListen({ ...microPskServer(mode, asked), cipherSuites: [CipherSuite[suite]] });
      const cl = opensslClient(srv.port, { msg: true, ciphersuites: suite, extra: opensslPsk(mode === 'psk_ke') });
      const peer = await srv.accept();
      assertMicroPsk(peer, mode, suite, 'psk');
      assert.deepEqual(asked, [PSK_IDENTITY]);
      cl.write('from s_client\n');
      assert.equal(await readLine(peer), 'from s_client');
      await send(peer, 'from microtls\n');
      await cl.waitFor(/^from microtls$/m);
      await shutdown(peer);
      await cl.waitExit();
      assertPskServerHello(cl.stdout(), mode, suite);
      assert.match(cl.stdout(), new RegExp('^Reused, TLSv1\\.3, Cipher is ' + suite + '$', 'm'));
      await srv.stop();
    });
  }
}

test('external PSK psk_ke with no key exchange group (client-psk profile): the ClientHello has neither supported_groups nor key_share (RFC 8446 9.2), s_server accepts it', T, async () => {
  const srv = await opensslServer({ nocert: true, msg: true, extra: opensslPsk(true) });
  const peer = await microConnect(srv.port, { ...microPskClient('psk_ke'), groups: [], profile: PskContext });
  assert.equal(await exchange(peer, 'no groups'), 'spuorg on');
  assertMicroPsk(peer, 'psk_ke', 'TLS_AES_128_GCM_SHA256', 'psk');
  await shutdown(peer);
  await srv.waitExit();
  const [hello] = clientHellos(srv.stdout());
  assert.ok(hello.extensions.includes(PRE_SHARED_KEY), 'the PSK is offered');
  assert.ok(!hello.extensions.includes(SUPPORTED_GROUPS) && !hello.extensions.includes(KEY_SHARE), 'extensions: ' + hello.extensions.join(','));
});

test('external PSK against openssl s_server that also has a certificate: the PSK is used, no certificate sent', T, async () => {
  const srv = await opensslServer({ msg: true, extra: opensslPsk() });
  const peer = await microConnect(srv.port, microPskClient('psk_dhe_ke'));
  assert.equal(await exchange(peer, 'both'), 'htob');
  assertMicroPsk(peer, 'psk_dhe_ke', 'TLS_AES_128_GCM_SHA256', 'psk');
  await shutdown(peer);
  await srv.waitExit();
  assertPskServerHello(srv.stdout(), 'psk_dhe_ke', 'TLS_AES_128_GCM_SHA256');
});

test('microtls server with a certificate and a PSK: s_client -psk gets the PSK handshake', T, async () => {
  const srv = await microListen(microPskServer('psk_dhe_ke', [], 'server-ecdsa'));
  const cl = opensslClient(srv.port, { extra: opensslPsk() });
  const peer = await srv.accept();
  assertMicroPsk(peer, 'psk_dhe_ke', 'TLS_AES_128_GCM_SHA256', 'psk');
  cl.endInput();
  await cl.waitExit();
  assert.match(cl.stdout(), /^Reused, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256$/m);
  await srv.stop();
});

// --- resumption with tickets ---

for (const mode of MODES) {
  test(`resumption (${mode}): microtls client, tickets from openssl s_server`, T, async () => {
    const srv = await opensslServer({ naccept: 2, msg: true, extra: mode === 'psk_ke' ? ['-allow_no_dhe_kex'] : [] });
    const first = await microConnect(srv.port, { pskModes: [mode] });
    assert.equal(await exchange(first, 'full'), 'lluf');
    assert.equal(first.conn.negotiated()?.mode, 'full');
    const session = first.conn.getSession();
    assert.ok(session, 'a ticket arrived before the reply');
    await shutdown(first);

    const second = await microConnect(srv.port, { pskModes: [mode], session });
    assert.equal(await exchange(second, 'resumed'), 'demuser');
    assertMicroPsk(second, mode, 'TLS_AES_128_GCM_SHA256', 'resumed');
    await shutdown(second);
    await srv.waitExit();
    const ext = serverHelloExtensions(srv.stdout());
    assert.equal(ext.length, 2);
    assert.ok(!ext[0].includes(PRE_SHARED_KEY), 'first handshake is a full one');
    assert.ok(ext[1].includes(PRE_SHARED_KEY), 'second ServerHello selects the ticket');
    assert.equal(ext[1].includes(KEY_SHARE), mode === 'psk_dhe_ke');
    assert.match(srv.output(), /^ +1 session cache hits$/m);
  });
}

/** The microtls side reads a line and answers it reversed, while the node client sends it and waits for the answer. */
async function nodeExchange(c: NodeClient, peer: MicroPeer, line: string): Promise<string> {
  const [reply] = await Promise.all([c.exchange(line), readLine(peer).then((l) => send(peer, [...(l ?? '')].reverse().join('') + '\n'))]);
  return reply;
}

for (const mode of MODES) {
  test(`resumption (${mode}): openssl s_client -sess_out / -sess_in against the microtls server`, T, async () => {
    const file = tempPath('s_client.sess');
    const srv = await microListen({ pskModes: [mode] });
    const extra = mode === 'psk_ke' ? ['-allow_no_dhe_kex'] : [];
    const c1 = opensslClient(srv.port, { extra: ['-sess_out', file, ...extra] });
    const p1 = await srv.accept();
    assert.equal(p1.conn.negotiated()?.mode, 'full');
    // The tickets come before this reply, so s_client has written the session once it shows the reply.
    c1.write('first\n');
    assert.equal(await readLine(p1), 'first');
    await send(p1, 'reply\n');
    await c1.waitFor(/^reply$/m);
    c1.endInput();
    await c1.waitExit();
    assert.match(c1.stdout(), /^New, TLSv1\.3, /m);
    assert.ok(existsSync(file), 's_client wrote the session');

    const c2 = opensslClient(srv.port, { msg: true, extra: ['-sess_in', file, ...extra] });
    const p2 = await srv.accept();
    assertMicroPsk(p2, mode, 'TLS_AES_128_GCM_SHA256', 'resumed');
    c2.write('again\n');
    assert.equal(await readLine(p2), 'again');
    await shutdown(p2);
    await c2.waitExit();
    assert.match(c2.stdout(), /^Reused, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256$/m);
    assertPskServerHello(c2.stdout(), mode, 'TLS_AES_128_GCM_SHA256');
    await srv.stop();
  });
}

test('resumption: microtls client against a node:tls server (Node session tickets)', T, async () => {
  const srv = await nodeTlsServer();
  const first = await microConnect(srv.port);
  assert.equal(await exchange(first, 'node one'), 'eno edon');
  const suite = first.conn.negotiated()!.cipherSuite; // node prefers TLS_AES_256_GCM_SHA384
  const session = first.conn.getSession();
  assert.ok(session);
  await shutdown(first);
  assert.equal((await within(srv.nth(0), 5000, 'first node session')).reused, false);

  const second = await microConnect(srv.port, { session });
  assert.equal(await exchange(second, 'node two'), 'owt edon');
  assertMicroPsk(second, 'psk_dhe_ke', suiteKey(suite), 'resumed');
  assert.equal((await within(srv.nth(1), 5000, 'second node session')).reused, true);
  await shutdown(second);
  await srv.stop();
});

test('resumption: node:tls client with the session from its "session" event against the microtls server', T, async () => {
  const srv = await microListen();
  const [c1, p1] = await Promise.all([nodeTlsClient(srv.port), srv.accept()]);
  assert.equal(await nodeExchange(c1, p1, 'ticket please'), 'esaelp tekcit');
  assert.equal(c1.reused, false);
  assert.ok(c1.sessions.length > 0, 'node received a ticket');
  c1.socket.end();

  const [c2, p2] = await Promise.all([nodeTlsClient(srv.port, { session: c1.sessions[c1.sessions.length - 1] }), srv.accept()]);
  assert.equal(c2.reused, true, 'node:tls resumed');
  assertMicroPsk(p2, 'psk_dhe_ke', 'TLS_AES_128_GCM_SHA256', 'resumed');
  assert.equal(await nodeExchange(c2, p2, 'resumed node'), 'edon demuser');
  c2.socket.end();
  await srv.stop();
});
