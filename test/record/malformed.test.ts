// Malformed and unexpected records end in the right error code and alert,
// never in an exception, a hang or unbounded buffering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Alert, ErrorCode, Status } from '../../core/errors.js';
import type { Connection } from '../../core/engine/connection.js';
import { clientContext, handshake, serverContext } from '../engine/pair.js';
import { rng } from '../helpers/fuzz.js';

/** Feeds bytes to a fresh server and returns accept()'s status and the alert it sent. */
function feedServer(bytes: number[] | Uint8Array, conn = serverContext().newConnection()): [number, number] {
  conn.receive(Uint8Array.from(bytes));
  const st = conn.accept();
  return [st, conn.lastError()?.alertSent ?? -1];
}

/** A plaintext record header. */
const rec = (type: number, len: number, version = 0x0303) => [type, version >> 8, version & 0xff, len >> 8, len & 0xff];

test('unknown record content type -> unexpected_message', () => {
  assert.deepEqual(feedServer([...rec(99, 1), 0]), [ErrorCode.BAD_RECORD_TYPE, Alert.unexpected_message]);
});

test('record version with a wrong major byte -> RECORD_VERSION', () => {
  assert.deepEqual(feedServer([...rec(22, 1, 0x0203), 1]), [ErrorCode.RECORD_VERSION, Alert.protocol_version]);
});

test('plaintext record over 2^14 bytes -> record_overflow, before the body arrives', () => {
  assert.deepEqual(feedServer(rec(22, 16385)), [ErrorCode.RECORD_OVERFLOW, Alert.record_overflow]);
});

test('empty handshake record -> unexpected_message', () => {
  assert.deepEqual(feedServer(rec(22, 0)), [ErrorCode.EMPTY_RECORD, Alert.unexpected_message]);
});

test('application data before the handshake -> unexpected_message', () => {
  assert.deepEqual(feedServer([...rec(23, 2), 1, 2]), [ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message]);
});

test('ChangeCipherSpec before the ClientHello or with a bad body -> unexpected_message', () => {
  assert.deepEqual(feedServer([...rec(20, 1), 1]), [ErrorCode.UNEXPECTED_CCS, Alert.unexpected_message]);
});

test('alert record of the wrong length -> decode_error', () => {
  assert.deepEqual(feedServer([...rec(21, 3), 2, 40, 0]), [ErrorCode.DECODE_ERROR, Alert.decode_error]);
});

test('fatal alert from the peer is reported with its name, and no alert is sent back', () => {
  const conn = serverContext().newConnection();
  const [st, sent] = feedServer([...rec(21, 2), 2, Alert.handshake_failure], conn);
  assert.equal(st, ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(sent, -1);
  const e = conn.lastError()!;
  assert.equal(e.alertReceived, Alert.handshake_failure);
  assert.match(e.message, /handshake_failure/);
});

test('handshake message above the configured limit -> refused from its header with decode_error', () => {
  const conn = serverContext({ maxClientHello: 1024 }).newConnection();
  // ClientHello header announcing 2000 bytes.
  assert.deepEqual(feedServer([...rec(22, 4), 1, 0, 0x07, 0xd0], conn), [ErrorCode.HANDSHAKE_TOO_LARGE, Alert.decode_error]);
});

test('a message the state does not accept -> unexpected_message', () => {
  // Finished (type 20) as the first message of a client.
  const [st, alert] = feedServer([...rec(22, 36), 20, 0, 0, 32, ...new Array(32).fill(0)]);
  assert.equal(st, ErrorCode.UNEXPECTED_MESSAGE);
  assert.equal(alert, Alert.unexpected_message);
});

test('ChangeCipherSpec after the handshake -> unexpected_message', () => {
  const client = clientContext().newConnection();
  const server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  server.receive(Uint8Array.from([...rec(20, 1), 1]));
  assert.equal(server.read(new Uint8Array(8)), ErrorCode.UNEXPECTED_CCS);
});

test('a truncated stream waits (WANT_READ) and holds at most one record', () => {
  const conn = serverContext().newConnection();
  conn.receive(Uint8Array.from(rec(22, 16384)));
  assert.equal(conn.accept(), Status.WANT_READ);
  // It accepts exactly the rest of that record and nothing more until it is processed.
  const big = new Uint8Array(40000);
  const took = conn.receive(big);
  assert.ok(took <= 16384 + 256, 'took ' + took);
});


function capture(from: Connection): Uint8Array {
  const b = new Uint8Array(from.outputLength());
  from.takeOutput(b);
  return b;
}

test('fuzz: mutated handshake flights never throw or hang', () => {
  // Real flights to mutate: the ClientHello, and the server's answer to it.
  const client = clientContext().newConnection();
  client.connect();
  const clientHello = capture(client);
  const server = serverContext().newConnection();
  server.receive(clientHello);
  server.accept();
  const serverFlight = capture(server);

  const r = rng(0x5eed);
  for (let i = 0; i < 1500; i++) {
    const toServer = i % 2 === 0;
    const m = (toServer ? clientHello : serverFlight).slice();
    const edits = 1 + r(4);
    for (let e = 0; e < edits; e++) m[r(m.length)] = r(256);
    const cut = r(5) === 0 ? r(m.length) : m.length;
    let conn: Connection;
    if (toServer) conn = serverContext().newConnection();
    else {
      conn = clientContext().newConnection();
      conn.connect();
      capture(conn);
    }
    conn.receive(m, 0, cut);
    const st = toServer ? conn.accept() : conn.connect();
    assert.ok(st === Status.WANT_READ || st < -100 || st === 0, `case ${i}: status ${st}`);
    if (st < -100) assert.ok(conn.lastError()!.name.length > 0);
  }
});
