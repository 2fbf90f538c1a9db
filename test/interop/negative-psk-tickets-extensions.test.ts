// Failures around PSKs, tickets, 0-RTT, KeyUpdate and extensions: each
// must end in the right error code and alert, seen from both sides. Real
// peers where one can produce the fault (a wrong -psk, an unknown
// -psk_identity, a stale ticket, a raw ClientHello over TCP); in memory
// where none can (a client sending more 0-RTT than the server allows, a
// KeyUpdate flood).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { after, test } from 'node:test';
import type { TicketKey } from '../../core/engine/types.js';
import { Alert, ErrorCode, Status } from '../../core/errors.js';
import { ExtensionType } from '../../core/registry.js';
import { clientContext, handshake, serverContext, transfer } from '../engine/pair.js';
import { exchange, microConnect, microListen, readLine, send, shutdown, failsWith } from '../helpers/microtls.js';
import { cleanup, clientHelloExtensions, opensslClient, opensslServer, track, within } from '../helpers/peers.js';
import { PSK_HEX, microPskClient, microPskServer, opensslPsk, tempPath } from '../helpers/psk.js';

after(cleanup);
const T = { timeout: 20000 };

const WRONG_KEY = PSK_HEX.replace(/^../, 'ff');

// --- bad binder, unknown identity ---

test('bad binder: s_client with the right identity and a wrong -psk: microtls server BAD_BINDER, decrypt_error', T, async () => {
  const srv = await microListen(microPskServer('psk_dhe_ke'));
  const cl = opensslClient(srv.port, { extra: opensslPsk(false, WRONG_KEY) });
  const e = await failsWith(srv.accept(), 'BAD_BINDER');
  assert.equal(e.alertSent, Alert.decrypt_error);
  await cl.waitFor(/alert decrypt error/);
  await srv.stop();
});

test('bad binder: microtls client with a wrong key vs s_server -psk: OpenSSL 3.0 answers illegal_parameter', T, async () => {
  const srv = await opensslServer({ nocert: true, extra: opensslPsk() });
  const e = await failsWith(microConnect(srv.port, microPskClient('psk_dhe_ke', WRONG_KEY)), 'FATAL_ALERT_RECEIVED');
  // RFC 8446 4.2.11 asks for decrypt_error; OpenSSL 3.0 sends illegal_parameter (SSL_R_BINDER_DOES_NOT_VERIFY).
  assert.equal(e.alertReceived, Alert.illegal_parameter);
  await srv.waitFor(/binder does not verify/);
});

test('unknown PSK identity at a microtls server without a certificate: UNKNOWN_PSK_IDENTITY, unknown_psk_identity', T, async () => {
  const asked: string[] = [];
  const srv = await microListen(microPskServer('psk_dhe_ke', asked));
  const cl = opensslClient(srv.port, { extra: opensslPsk(false, PSK_HEX, 'somebody else') });
  const e = await failsWith(srv.accept(), 'UNKNOWN_PSK_IDENTITY');
  assert.equal(e.alertSent, Alert.unknown_psk_identity);
  assert.deepEqual(asked, ['somebody else']);
  await cl.waitFor(/alert unknown psk identity/);
  await srv.stop();
});

test('unknown PSK identity at a microtls server with a certificate: a full handshake instead', T, async () => {
  const srv = await microListen(microPskServer('psk_dhe_ke', [], 'server-ecdsa'));
  const cl = opensslClient(srv.port, { extra: opensslPsk(false, PSK_HEX, 'somebody else') });
  const peer = await srv.accept();
  assert.equal(peer.conn.negotiated()?.mode, 'full');
  cl.endInput();
  await cl.waitExit();
  assert.match(cl.stdout(), /^New, TLSv1\.3, /m);
  await srv.stop();
});

test('unknown PSK identity at s_server -nocert: the microtls client gets handshake_failure', T, async () => {
  const srv = await opensslServer({ nocert: true, extra: opensslPsk() });
  const e = await failsWith(microConnect(srv.port, microPskClient('psk_dhe_ke', PSK_HEX, 'somebody else')), 'FATAL_ALERT_RECEIVED');
  assert.equal(e.alertReceived, Alert.handshake_failure);
});

// --- expired tickets ---

test('expired ticket, client side: a clock past the ticket lifetime offers no ticket, full handshake', T, async () => {
  const srv = await opensslServer({ naccept: 2 });
  const first = await microConnect(srv.port);
  assert.equal(await exchange(first, 'ticket'), 'tekcit');
  const session = first.conn.getSession();
  assert.ok(session);
  await shutdown(first);
  const later = Date.now() + 7201 * 1000; // s_server's tickets live 7200 s
  const second = await microConnect(srv.port, { session, now: () => later });
  assert.equal(second.conn.negotiated()?.mode, 'full');
  assert.ok(second.log.includes('saved session not usable: full handshake'), second.log.join('\n'));
  await shutdown(second);
  await srv.waitExit();
  assert.match(srv.output(), /^ +0 session cache hits$/m);
});

test('expired ticket, server side: the microtls server refuses its own stale ticket from s_client -sess_in', T, async () => {
  let skew = 0;
  const srv = await microListen({ ticketLifetime: 60, now: () => Date.now() + skew });
  const file = tempPath('s_client.sess');
  const c1 = opensslClient(srv.port, { extra: ['-sess_out', file] });
  const p1 = await srv.accept();
  c1.write('first\n');
  assert.equal(await readLine(p1), 'first');
  await send(p1, 'reply\n'); // after the tickets: s_client has saved the session once it prints this
  await c1.waitFor(/^reply$/m);
  c1.endInput();
  await c1.waitExit();

  skew = 61 * 1000;
  const c2 = opensslClient(srv.port, { extra: ['-sess_in', file] });
  const p2 = await srv.accept();
  assert.equal(p2.conn.negotiated()?.mode, 'full');
  c2.endInput();
  await c2.waitExit();
  assert.match(c2.stdout(), /^New, TLSv1\.3, /m);
  await srv.stop();
});

// --- 0-RTT above the limit (in memory: OpenSSL's client keeps to the ticket's limit) ---

/** A session whose ticket allows 1000 bytes of 0-RTT, from a server sealing with `keys`. */
function sessionAllowing1000(keys: TicketKey[]): Uint8Array {
  const client = clientContext().newConnection();
  const server = serverContext({ ticketKeys: keys, maxEarlyData: 1000 }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  transfer(server, client);
  assert.equal(client.read(new Uint8Array(1)), Status.WANT_READ, 'the tickets are processed');
  const session = client.getSession();
  assert.ok(session);
  return session;
}

test('0-RTT above max_early_data: a server now allowing 10 bytes gets 100: EARLY_DATA_LIMIT, unexpected_message', () => {
  const keys: TicketKey[] = [{ name: randomBytes(16), key: randomBytes(32) }];
  const session = sessionAllowing1000(keys);

  const atLimit = clientContext().newConnection();
  assert.equal(atLimit.setSession(session), 0);
  assert.equal(atLimit.writeEarlyData(new Uint8Array(10).fill(0x61)), 10);
  const ok = serverContext({ ticketKeys: keys, maxEarlyData: 10 }).newConnection();
  transfer(atLimit, ok);
  assert.equal(ok.accept(), Status.EARLY_DATA, '10 bytes are within the limit');
  assert.equal(ok.readEarlyData(new Uint8Array(64)), 10);

  const over = clientContext().newConnection();
  assert.equal(over.setSession(session), 0);
  assert.equal(over.writeEarlyData(new Uint8Array(100)), 100, 'the ticket allowed 1000');
  const strict = serverContext({ ticketKeys: keys, maxEarlyData: 10 }).newConnection();
  transfer(over, strict);
  assert.equal(strict.accept(), ErrorCode.EARLY_DATA_LIMIT);
  assert.equal(strict.lastError()?.alertSent, Alert.unexpected_message);
  transfer(strict, over);
  // The server's flight (up to its Finished) went out before the 0-RTT record: the alert follows it.
  assert.equal(over.connect(), 0);
  assert.equal(over.read(new Uint8Array(16)), ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(over.lastError()?.alertReceived, Alert.unexpected_message);
});

// --- KeyUpdate flood (in memory: no real peer sends one) ---

test('KeyUpdate flood: 32 in a row are fine, 100 end in KEY_UPDATE_FLOOD after the 33rd, memory unchanged', () => {
  const log: string[] = [];
  const client = clientContext().newConnection();
  const server = serverContext({ debug: (l) => log.push(l) }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  const arena = server.arenaBytes;
  const buf = new Uint8Array(16);

  for (let i = 0; i < 32; i++) assert.equal(client.keyUpdate(false), 0);
  assert.equal(client.write(Uint8Array.of(0x78)), 1);
  transfer(client, server);
  assert.equal(server.read(buf), 1, 'data after 32 KeyUpdates, under the 33rd key');

  for (let i = 0; i < 100; i++) assert.equal(client.keyUpdate(false), 0);
  transfer(client, server);
  assert.equal(server.read(buf), ErrorCode.KEY_UPDATE_FLOOD);
  assert.equal(server.lastError()?.alertSent, Alert.unexpected_message);
  assert.equal(log.filter((l) => l === 'received KeyUpdate').length, 32 + 32, 'it stopped at the 33rd of the flood');
  assert.equal(server.arenaBytes, arena);
  transfer(server, client);
  assert.equal(client.read(buf), ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(client.lastError()?.alertReceived, Alert.unexpected_message);
});

// --- malformed extension, end to end ---

test('malformed max_fragment_length (code 5) in a ClientHello over TCP: the microtls server answers illegal_parameter', T, async () => {
  const client = clientContext({ maxFragmentLength: 512 }).newConnection();
  assert.equal(client.connect(), Status.WANT_READ);
  const out = new Uint8Array(4096);
  const hello = out.subarray(0, client.takeOutput(out));
  const mfl = clientHelloExtensions(hello.subarray(5)).find((x) => x.type === ExtensionType.max_fragment_length);
  assert.ok(mfl && mfl.length === 1);
  const at = 5 + mfl.at; // after the record header
  assert.equal(hello[at], 1, 'code 1 is 512 bytes');
  hello[at] = 5;

  const srv = await microListen();
  const socket = track(tcpConnect({ host: '127.0.0.1', port: srv.port }));
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write(hello);
  const e = await failsWith(srv.accept(), 'ILLEGAL_PARAMETER');
  assert.equal(e.alertSent, Alert.illegal_parameter);
  await within(closed, 5000, 'the server closes');
  // A plaintext fatal alert record: alert(21), legacy version 0x0303, length 2, fatal(2), illegal_parameter.
  assert.deepEqual([...Buffer.concat(chunks)], [21, 3, 3, 0, 2, 2, Alert.illegal_parameter]);
  await srv.stop();
});
