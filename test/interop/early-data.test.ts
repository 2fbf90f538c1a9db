// 0-RTT early data against OpenSSL. microtls client: writeEarlyData() with
// a ticket from `openssl s_server -early_data` (accepted, and s_server
// prints it), a replay of the same ticket (s_server's single-use tickets:
// rejected) and a ticket that another s_server cannot open (rejected; the
// data is sent again after the handshake, so nothing is lost). microtls
// server: `openssl s_client -sess_in F -early_data FILE` (accepted: the
// server takes exactly the file), a ticket without early data, a server
// whose maxEarlyData is 0, and the same 0-RTT sent twice (anti-replay).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import type { TicketKey } from '../../core/engine/types.js';
import { exchange, microConnect, microListen, readLine, send, shutdown, type MicroOptions, type MicroPeer, type MicroServer } from '../helpers/microtls.js';
import { cleanup, opensslClient, opensslServer, type OpensslServer } from '../helpers/peers.js';
import { tempPath } from '../helpers/psk.js';

after(cleanup);
const T = { timeout: 20000 };

/** A full handshake with an openssl s_server in 'plain' mode; returns the session (tickets arrive before s_server's line). */
async function ticketFrom(srv: OpensslServer): Promise<Uint8Array> {
  const peer = await microConnect(srv.port);
  await send(peer, 'full\n');
  await srv.waitFor(/^full$/m);
  srv.write('ticket\n');
  assert.equal(await readLine(peer), 'ticket');
  const session = peer.conn.getSession();
  assert.ok(session, 'a ticket arrived');
  await shutdown(peer);
  return session;
}

/** Checks the client's view of a resumed connection whose 0-RTT data had `status`. */
function assertClientEarly(peer: MicroPeer, written: number, status: 'accepted' | 'rejected', mode: 'resumed' | 'full'): void {
  assert.equal(peer.earlyWritten, written, 'writeEarlyData() took the whole text');
  assert.equal(peer.conn.earlyDataStatus(), status);
  const n = peer.conn.negotiated();
  assert.ok(n);
  assert.equal(n.earlyData, status);
  assert.equal(n.mode, mode);
}

test('microtls client 0-RTT to openssl s_server -early_data: accepted, s_server prints it; a replay is rejected', T, async () => {
  const srv = await opensslServer({ mode: 'plain', naccept: 3, extra: ['-early_data'] });
  const session = await ticketFrom(srv);

  const text = 'zero round trip\n';
  const second = await microConnect(srv.port, { session, earlyData: text });
  assertClientEarly(second, text.length, 'accepted', 'resumed');
  await srv.waitFor(/Early data received:/);
  await srv.waitFor(/^zero round trip$/m);
  await send(second, 'after 0-RTT\n');
  await srv.waitFor(/^after 0-RTT$/m);
  srv.write('still here\n');
  assert.equal(await readLine(second), 'still here');
  await shutdown(second);

  // OpenSSL's tickets are single use for 0-RTT: the same session again gets a full handshake.
  const third = await microConnect(srv.port, { session, earlyData: 'replayed\n' });
  assertClientEarly(third, 'replayed\n'.length, 'rejected', 'full');
  await send(third, 'replayed\n'); // what the application does with rejected data: send it again
  await srv.waitFor(/^replayed$/m);
  await shutdown(third);
  await srv.waitExit();
  assert.match(srv.stdout(), /^Early data was rejected$/m);
  assert.equal(srv.stdout().split('\n').filter((l) => l === 'replayed').length, 1, 'the rejected 0-RTT copy was not delivered');
});

test('microtls client 0-RTT to an openssl s_server that cannot open the ticket: rejected, then sent as normal data', T, async () => {
  const issuer = await opensslServer({ mode: 'plain', extra: ['-early_data'] });
  const session = await ticketFrom(issuer);
  await issuer.waitExit();

  const srv = await opensslServer({ msg: true });
  const text = 'lost? no\n';
  const peer = await microConnect(srv.port, { session, earlyData: text });
  assertClientEarly(peer, text.length, 'rejected', 'full');
  assert.equal(await exchange(peer, 'lost? no'), 'on ?tsol', 'the re-sent text reached s_server once');
  await shutdown(peer);
  await srv.waitExit();
});

test('microtls client with a ticket that allows no 0-RTT: writeEarlyData() sends nothing, status not_sent', T, async () => {
  const srv = await opensslServer({ mode: 'plain', naccept: 2 });
  const session = await ticketFrom(srv);
  const peer = await microConnect(srv.port, { session, earlyData: 'nope\n' });
  assert.equal(peer.earlyWritten, 0);
  assert.equal(peer.conn.earlyDataStatus(), 'not_sent');
  assert.equal(peer.conn.negotiated()?.mode, 'resumed');
  await shutdown(peer);
  await srv.waitExit();
  assert.match(srv.stdout(), /^Reused session-id$/m);
  assert.doesNotMatch(srv.stdout(), /^nope$/m);
});

// --- microtls server, openssl s_client ---

/** s_client -sess_out against the microtls server: one full handshake and exchange; returns the session file. */
async function sClientSession(srv: MicroServer): Promise<string> {
  const file = tempPath('s_client.sess');
  const cl = opensslClient(srv.port, { extra: ['-sess_out', file] });
  const peer = await srv.accept();
  cl.write('first\n');
  assert.equal(await readLine(peer), 'first');
  // The tickets precede this reply: s_client has saved the session once it prints it.
  await send(peer, 'reply\n');
  await cl.waitFor(/^reply$/m);
  cl.endInput();
  await cl.waitExit();
  return file;
}

/** s_client -sess_in F -early_data FILE(text) against the microtls server: the server's peer, and s_client's output. */
async function sClientEarly(srv: MicroServer, session: string, text: string): Promise<{ peer: MicroPeer; out: string }> {
  const data = tempPath('early.txt');
  writeFileSync(data, text);
  const cl = opensslClient(srv.port, { extra: ['-sess_in', session, '-early_data', data] });
  const peer = await srv.accept();
  cl.write('then 1-RTT\n');
  assert.equal(await readLine(peer), 'then 1-RTT');
  cl.endInput();
  await cl.waitExit();
  return { peer, out: cl.stdout() };
}

test('microtls server maxEarlyData 1000: s_client -early_data FILE is accepted and readEarlyData returns the file', T, async () => {
  const srv = await microListen({ maxEarlyData: 1000 });
  const session = await sClientSession(srv);
  const text = 'early bird\nsecond line\n';
  const { peer, out } = await sClientEarly(srv, session, text);
  assert.equal(Buffer.from(peer.early ?? []).toString(), text);
  assert.equal(peer.conn.earlyDataStatus(), 'accepted');
  assert.equal(peer.conn.negotiated()?.mode, 'resumed');
  assert.match(out, /^Early data was accepted$/m);
  assert.match(out, /^Reused, TLSv1\.3/m);
  await srv.stop();
});

test('microtls server: the same session and 0-RTT twice, the second is rejected (anti-replay) and the handshake still resumes', T, async () => {
  const srv = await microListen({ maxEarlyData: 1000 });
  const session = await sClientSession(srv);
  const first = await sClientEarly(srv, session, 'once\n');
  assert.equal(first.peer.conn.earlyDataStatus(), 'accepted');
  const replay = await sClientEarly(srv, session, 'once\n');
  assert.equal(replay.peer.early, null, 'nothing from the replayed 0-RTT reached the application');
  assert.equal(replay.peer.conn.earlyDataStatus(), 'rejected');
  assert.equal(replay.peer.conn.negotiated()?.mode, 'resumed');
  assert.ok(replay.peer.log.some((l) => /early data rejected: replayed/.test(l)), replay.peer.log.join('\n'));
  assert.match(replay.out, /^Early data was rejected$/m);
  await srv.stop();
});

test('microtls server without early data issues tickets that allow none: s_client sends no 0-RTT', T, async () => {
  const srv = await microListen({ maxEarlyData: 0 });
  const session = await sClientSession(srv);
  const { peer, out } = await sClientEarly(srv, session, 'nothing\n');
  assert.equal(peer.early, null);
  assert.equal(peer.conn.earlyDataStatus(), 'not_sent');
  assert.equal(peer.conn.negotiated()?.mode, 'resumed');
  assert.match(out, /^Early data was not sent$/m);
  await srv.stop();
});

test('ticket allowing 0-RTT presented to a server (same ticket keys) with maxEarlyData 0: rejected, resumed', T, async () => {
  const ticketKeys: TicketKey[] = [{ name: randomBytes(16), key: randomBytes(32) }];
  const o: MicroOptions = { ticketKeys };
  const issuer = await microListen({ ...o, maxEarlyData: 1000 });
  const session = await sClientSession(issuer);
  await issuer.stop();
  const srv = await microListen({ ...o, maxEarlyData: 0 });
  const { peer, out } = await sClientEarly(srv, session, 'too late\n');
  assert.equal(peer.early, null);
  assert.equal(peer.conn.earlyDataStatus(), 'rejected');
  assert.equal(peer.conn.negotiated()?.mode, 'resumed');
  assert.match(out, /^Early data was rejected$/m);
  await srv.stop();
});
