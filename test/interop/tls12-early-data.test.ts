// A TLS 1.3 session with 0-RTT taken to a server that now negotiates TLS 1.2
// (reconfigured, or a downgraded deployment behind the same address). A TLS
// 1.2 server cannot skip the early data records (and the compatibility
// ChangeCipherSpec) after our ClientHello, so RFC 8446 D.3 has the client
// fail on its TLS 1.2 ServerHello: WRONG_VERSION_ON_EARLY_DATA with a
// protocol_version alert in the clear (as BoringSSL), before any flight of
// ours. Connecting again with the same session and no early data is a clean
// full TLS 1.2 handshake, whose TLS 1.2 ticket then resumes. Against
// openssl s_server -tls1_2, gnutls-serv held to TLS 1.2 and our own server
// held to TLS 1.2.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import type { TicketKey } from '../../core/engine/types.js';
import { TLS12, TLS13 } from '../../core/registry.js';
import { exchange, failsWith, microConnect, microListen, readLine, send, shutdown, type MicroServer } from '../helpers/microtls.js';
import { GNUTLS_SERV_READY, cleanup, freePort, handshakeMessages, opensslServer, pki, spawnProc } from '../helpers/peers.js';
import type { MicrotlsError } from '../../ports/node/socket-io.js';

after(cleanup);
const T = { timeout: 30000 };
const PROTOCOL_VERSION = 70;

/** A TLS 1.3 session allowing 0-RTT, from an `openssl s_server -early_data` that then exits. */
async function opensslTicket(): Promise<Uint8Array> {
  const issuer = await opensslServer({ mode: 'plain', extra: ['-early_data'] });
  const peer = await microConnect(issuer.port);
  await send(peer, 'full\n');
  await issuer.waitFor(/^full$/m);
  issuer.write('ticket\n'); // the tickets come before this line
  assert.equal(await readLine(peer), 'ticket');
  const session = peer.conn.getSession();
  assert.ok(session, 'a ticket arrived');
  await shutdown(peer);
  await issuer.waitExit();
  return session;
}

test('0-RTT to openssl s_server -tls1_2: WRONG_VERSION_ON_EARLY_DATA at its ServerHello; without early data a full TLS 1.2 handshake, then TLS 1.2 resumption', T, async () => {
  const session = await opensslTicket();
  const srv = await opensslServer({ version: '1.2', msg: true, naccept: 3 });

  const e = await failsWith(microConnect(srv.port, { session, earlyData: 'early\n' }), 'WRONG_VERSION_ON_EARLY_DATA');
  assert.equal(e.alertSent, PROTOCOL_VERSION);
  assert.match(e.message, /RFC 8446 D\.3/);
  // s_server sent its whole first flight and got no flight from us: only our ClientHello.
  await srv.waitFor(/ServerHelloDone/);

  const full = await microConnect(srv.port, { session });
  const n = full.conn.negotiated();
  assert.equal(n?.version, TLS12);
  assert.equal(n?.mode, 'full');
  assert.equal(full.conn.earlyDataStatus(), 'not_sent');
  assert.equal(await exchange(full, 'again'), 'niaga');
  const session12 = full.conn.getSession();
  assert.ok(session12, 'the TLS 1.2 ticket replaces the TLS 1.3 session');
  await shutdown(full);

  const resumed = await microConnect(srv.port, { session: session12 });
  assert.equal(resumed.conn.negotiated()?.version, TLS12);
  assert.equal(resumed.conn.negotiated()?.mode, 'resumed');
  assert.equal(await exchange(resumed, 'resumed'), 'demuser');
  await shutdown(resumed);
  await srv.waitExit();

  const hellos = handshakeMessages(srv.stdout()).filter((m) => m.dir === 'received' && m.name === 'ClientHello');
  assert.equal(hellos.length, 3);
  assert.equal(handshakeMessages(srv.stdout()).filter((m) => m.dir === 'received' && m.name === 'ClientKeyExchange').length, 1,
    'the first connection sent no ClientKeyExchange, the third resumed');
});

test('0-RTT offered with no early data bytes and no compatibility ChangeCipherSpec: s_server -tls1_2 reads our protocol_version alert in the clear', T, async () => {
  const session = await opensslTicket();
  const srv = await opensslServer({ version: '1.2', msg: true });
  const e = await failsWith(microConnect(srv.port, { session, earlyData: '', middleboxCompat: false }), 'WRONG_VERSION_ON_EARLY_DATA');
  assert.equal(e.alertSent, PROTOCOL_VERSION);
  await srv.waitExit();
  assert.match(srv.stdout(), /<<< TLS 1\.2, Alert \[length 0002\], fatal protocol_version/);
});

/** gnutls-serv --echo on a free port with the test PKI's ECDSA chain; ready once it listens. */
async function gnutlsServ(...extra: string[]) {
  const port = await freePort();
  const p = spawnProc('gnutls-serv', ['-p', String(port), '--echo', '--x509certfile', pki('server-ecdsa-chain.crt'),
    '--x509keyfile', pki('server-ecdsa.key'), ...extra]);
  await p.waitFor(GNUTLS_SERV_READY);
  return { p, port };
}

test('0-RTT to gnutls-serv held to TLS 1.2 with a ticket from gnutls-serv --earlydata: WRONG_VERSION_ON_EARLY_DATA; without early data a full TLS 1.2 handshake', T, async () => {
  const issuer = await gnutlsServ('--earlydata');
  let session: Uint8Array | null;
  try {
    const first = await microConnect(issuer.port);
    assert.equal(first.conn.negotiated()?.version, TLS13);
    assert.equal(await exchange(first, 'ticket'), 'ticket'); // the tickets come before the echo
    session = first.conn.getSession();
    await shutdown(first);
  } finally {
    await issuer.p.stop();
  }
  assert.ok(session);
  const srv = await gnutlsServ('--priority', 'NORMAL:-VERS-ALL:+VERS-TLS1.2');
  try {
    const e = await failsWith(microConnect(srv.port, { session, earlyData: 'early\n' }), 'WRONG_VERSION_ON_EARLY_DATA');
    assert.equal(e.alertSent, PROTOCOL_VERSION);
    const full = await microConnect(srv.port, { session });
    assert.equal(full.conn.negotiated()?.version, TLS12);
    assert.equal(full.conn.negotiated()?.mode, 'full');
    assert.equal(await exchange(full, 'gnutls'), 'gnutls');
    await shutdown(full);
  } finally {
    await srv.p.stop();
  }
});

/** A TLS 1.3 session allowing 0-RTT from a microtls server with these ticket keys. */
async function microTicket(ticketKeys: TicketKey[]): Promise<Uint8Array> {
  const issuer = await microListen({ ticketKeys, maxEarlyData: 1000 });
  try {
    const cP = microConnect(issuer.port);
    const s = await issuer.accept();
    const c = await cP;
    assert.equal(c.conn.negotiated()?.version, TLS13);
    await send(s, 'tickets sent\n');
    assert.equal(await readLine(c), 'tickets sent');
    const session = c.conn.getSession();
    assert.ok(session);
    await shutdown(c);
    return session;
  } finally {
    await issuer.stop();
  }
}

/** Asserts that a settled handshake failed with this error name; returns the error. */
function failed(r: PromiseSettledResult<unknown>, name: string): Promise<MicrotlsError> {
  return failsWith(r.status === 'rejected' ? Promise.reject(r.reason) : Promise.resolve(r.value), name);
}

/** One connection to srv: the client's promise and the server side's (both settled, errors kept). */
async function connectPair(srv: MicroServer, o: Parameters<typeof microConnect>[1]) {
  const client = microConnect(srv.port, o);
  const server = srv.accept();
  return Promise.allSettled([client, server]);
}

test('0-RTT to a microtls server held to TLS 1.2 (same ticket keys): WRONG_VERSION_ON_EARLY_DATA; then full TLS 1.2 and resumption', T, async () => {
  const ticketKeys: TicketKey[] = [{ name: randomBytes(16), key: randomBytes(32) }];
  const session = await microTicket(ticketKeys);
  const srv = await microListen({ ticketKeys, maxEarlyData: 1000, maxVersion: TLS12 });
  try {
    const [c1, s1] = await connectPair(srv, { session, earlyData: 'early\n' });
    await failed(c1, 'WRONG_VERSION_ON_EARLY_DATA');
    // Our TLS 1.2 server meets the compatibility ChangeCipherSpec where ClientKeyExchange belongs.
    const e1 = await failed(s1, 'UNEXPECTED_CCS');
    assert.match(e1.message, /ChangeCipherSpec in state SERVER_HELLO_DONE_SENT \(the client is sending TLS 1\.3 0-RTT data\)/);

    // Without a compatibility ChangeCipherSpec the server meets the 0-RTT record itself.
    const [c2, s2] = await connectPair(srv, { session, earlyData: 'early\n', middleboxCompat: false });
    await failed(c2, 'WRONG_VERSION_ON_EARLY_DATA');
    const e2 = await failed(s2, 'UNEXPECTED_MESSAGE');
    assert.match(e2.message, /application data before keys/);

    // No 0-RTT bytes and no ChangeCipherSpec: the server reads our alert.
    const [c3, s3] = await connectPair(srv, { session, earlyData: '', middleboxCompat: false });
    await failed(c3, 'WRONG_VERSION_ON_EARLY_DATA');
    const e3 = await failed(s3, 'FATAL_ALERT_RECEIVED');
    assert.equal(e3.alertReceived, PROTOCOL_VERSION);

    const [c4, s4] = await connectPair(srv, { session });
    assert.ok(c4.status === 'fulfilled' && s4.status === 'fulfilled', 'full TLS 1.2 handshake with the TLS 1.3 session offered');
    for (const n of [c4.value.conn.negotiated(), s4.value.conn.negotiated()]) {
      assert.equal(n?.version, TLS12);
      assert.equal(n?.mode, 'full');
      assert.equal(n?.earlyData, 'none');
    }
    await send(c4.value, 'ping\n');
    assert.equal(await readLine(s4.value), 'ping');
    const session12 = c4.value.conn.getSession();
    assert.ok(session12);
    await shutdown(c4.value);
    await shutdown(s4.value);

    // A TLS 1.2 session allows no 0-RTT: writeEarlyData() sends nothing, and the session resumes.
    const [c5, s5] = await connectPair(srv, { session: session12, earlyData: 'not with TLS 1.2\n' });
    assert.ok(c5.status === 'fulfilled' && s5.status === 'fulfilled');
    assert.equal(c5.value.earlyWritten, 0);
    assert.equal(c5.value.conn.earlyDataStatus(), 'not_sent');
    assert.equal(c5.value.conn.negotiated()?.mode, 'resumed');
    assert.equal(s5.value.conn.negotiated()?.version, TLS12);
    await shutdown(c5.value);
    await shutdown(s5.value);
  } finally {
    await srv.stop();
  }
});
