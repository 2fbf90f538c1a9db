// What a connection holds besides its arena (issue 11, item 4): handshake
// messages are handled where their record lies, and only a message split
// across records is put together, in a buffer of its own length that goes
// once the message is handled; after the handshake the transcript and the
// key schedule's HKDF scratch go too, and come back only while a
// post-handshake message (KeyUpdate, NewSessionTicket, post-handshake
// authentication) is handled. Memory is counted as the bytes of the typed
// arrays a connection reaches (its own objects, not the Context's).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection } from '../../core/engine/connection.js';
import { ErrorCode, Status } from '../../core/errors.js';
import { clientContext, exchange, handshake, postHandshakeAuth, serverContext } from './pair.js';

/** Bytes of the distinct ArrayBuffers reachable from a connection, not through its Context or Io. */
function kept(conn: Connection): number {
  const seen = new Set<unknown>([conn.context, conn.settings, conn.io]);
  const buffers = new Set<ArrayBufferLike>();
  const walk = (o: unknown): void => {
    if (o === null || typeof o !== 'object' || seen.has(o)) return;
    seen.add(o);
    if (ArrayBuffer.isView(o)) buffers.add(o.buffer);
    else for (const k of Object.getOwnPropertyNames(o)) walk((o as Record<string, unknown>)[k]);
  };
  walk(conn);
  let n = 0;
  for (const b of buffers) n += b.byteLength;
  return n;
}

const LIMIT = 6 * 1024;

test('after the handshake each side keeps its record buffers and under 6 KB more; KeyUpdates leave it as it was', () => {
  const client = clientContext().newConnection();
  const server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  for (const c of [client, server]) {
    const k = kept(c);
    assert.ok(k >= c.arenaBytes && k - c.arenaBytes < LIMIT, c.settings.side + ' keeps ' + k + ' bytes, arena ' + c.arenaBytes);
  }
  assert.equal(exchange(server, client, 'tickets'), 'tickets');
  const [c0, s0] = [kept(client), kept(server)];
  // Each KeyUpdate derives new secrets with the key schedule's HKDF, which goes again afterwards.
  for (let i = 0; i < 3; i++) {
    assert.equal(client.keyUpdate(true), 0);
    assert.equal(exchange(client, server, 'up ' + i), 'up ' + i);
    assert.equal(exchange(server, client, 'down ' + i), 'down ' + i);
    assert.deepEqual([kept(client), kept(server)], [c0, s0], 'after KeyUpdate ' + i);
  }
});

test('a NewSessionTicket and post-handshake authentication are handled, then their scratch goes', () => {
  const client = clientContext({ postHandshakeAuth: true }, 'client-ecdsa').newConnection();
  const server = serverContext({ tickets: 2 }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(exchange(server, client, 'tickets'), 'tickets');
  assert.ok(client.getSession(), 'the ticket was taken (its PSK derived after the handshake)');
  const c0 = kept(client);
  assert.ok(c0 - client.arenaBytes < LIMIT, 'client keeps ' + c0);
  postHandshakeAuth(server, client);
  assert.equal(kept(client), c0, 'the client signed and sent its Finished, and kept nothing of it');
  assert.ok(kept(server) - server.arenaBytes < LIMIT, 'server keeps ' + kept(server));
  assert.equal(exchange(client, server, 'authenticated'), 'authenticated');
});

/** The client's first flight (one plaintext record with the ClientHello) split into records at the given offsets of its message. */
function splitHello(client: Connection, cuts: number[]): { records: Uint8Array; message: number } {
  assert.equal(client.connect(), Status.WANT_READ);
  const out = new Uint8Array(client.outputLength());
  client.takeOutput(out);
  const len = (out[3] << 8) | out[4];
  assert.equal(out.length, 5 + len, 'one record');
  const msg = out.subarray(5);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const end of [...cuts, len]) {
    const rec = new Uint8Array(5 + end - at);
    rec.set(out.subarray(0, 3));
    rec[3] = (end - at) >> 8;
    rec[4] = (end - at) & 0xff;
    rec.set(msg.subarray(at, end), 5);
    parts.push(rec);
    at = end;
  }
  const records = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    records.set(p, o);
    o += p.length;
  }
  return { records, message: len };
}

for (const cuts of [[1], [2], [3], [4], [5], [100], [2, 3], [1, 50, 51]]) {
  test(`a ClientHello split into records at ${cuts.join(', ')} is put together in a buffer of its own length`, () => {
    const client = clientContext().newConnection();
    const server = serverContext().newConnection();
    const { records, message } = splitHello(client, cuts);
    assert.equal(server.receive(records), records.length);
    assert.equal(server.accept(), Status.WANT_READ);
    assert.equal(server.reassembled, message);
    assert.deepEqual(handshake(client, server), [0, 0]);
    assert.equal(exchange(client, server, 'whole'), 'whole');
    assert.ok(kept(server) - server.arenaBytes < LIMIT);
  });
}

test('a message that fits its record is handled where it lies: nothing is put together', () => {
  const client = clientContext().newConnection();
  const server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(exchange(server, client, 'tickets'), 'tickets');
  assert.deepEqual([client.reassembled, server.reassembled], [0, 0]);
});

test('with 512-byte records the certificate chain arrives in pieces and is put together; the connection then keeps no piece', () => {
  const client = clientContext({ maxFragmentLength: 512 }).newConnection();
  const server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.ok(client.reassembled > 512, 'reassembled ' + client.reassembled);
  assert.ok(kept(client) - client.arenaBytes < LIMIT, 'client keeps ' + kept(client) + ', arena ' + client.arenaBytes);
  assert.equal(exchange(client, server, 'small records'), 'small records');
});

test('a message header over the limit is refused before anything is put together', () => {
  const client = clientContext().newConnection();
  const server = serverContext({ maxHandshakeMessage: 4096 }).newConnection();
  const { records } = splitHello(client, [10]);
  // Declare a ClientHello of 5000 bytes: over maxClientHello (4096 here).
  records[5 + 1] = 0;
  records[5 + 2] = 5000 >> 8;
  records[5 + 3] = 5000 & 0xff;
  server.receive(records);
  assert.equal(server.accept(), ErrorCode.HANDSHAKE_TOO_LARGE);
  assert.equal(server.reassembled, 0);
});
