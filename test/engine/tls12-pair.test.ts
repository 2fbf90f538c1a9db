// A microtls TLS 1.2 client and server in memory: the server's states in
// the debug log for a mutual-authentication handshake, and the record limits
// (max_fragment_length; record_size_limit, which in TLS 1.2 counts the
// plaintext alone, RFC 8449 4: our client sends TLS 1.3's value, one more)
// holding for the server's records.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { Connection } from '../../core/engine/connection.js';
import type { TicketKey } from '../../core/engine/types.js';
import { Alert, ErrorCode } from '../../core/errors.js';
import { TLS12, TLS13 } from '../../core/registry.js';
import { clientContext, exchange, handshake, serverContext, transfer } from './pair.js';

const TLS12_ONLY = { minVersion: TLS12, maxVersion: TLS12 };

test('TLS 1.2 mutual authentication in memory: the server\'s states in order, and data both ways', () => {
  const log: string[] = [];
  const debug = (line: string): void => void log.push(line);
  const client = clientContext({ ...TLS12_ONLY }, 'client-ecdsa').newConnection();
  const server = serverContext({ debug, verify: 'require' }).newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(server.negotiated()?.version, TLS12);
  assert.equal(server.negotiated()?.peerCertificates.length, 1);
  assert.deepEqual(log.filter((l) => l.startsWith('accept state: ')).map((l) => l.slice(14)), [
    'START', 'CLIENT_HELLO_RECEIVED', 'SERVER_HELLO_DONE_SENT', 'CLIENT_CERTIFICATE_RECEIVED', 'CLIENT_KEY_EXCHANGE_RECEIVED',
    'CERTIFICATE_VERIFY_RECEIVED', 'CHANGE_CIPHER_SPEC_RECEIVED', 'CONNECTED',
  ]);
  assert.equal(exchange(client, server, 'up'), 'up');
  assert.equal(exchange(server, client, 'down'), 'down');
});

/** Largest record payload (ciphertext after the header) the server sent for 3000 bytes of data. */
function largestRecord(client: Connection, server: Connection): number {
  const data = new Uint8Array(3000).fill(0x41);
  assert.equal(server.write(data), 3000);
  const out = new Uint8Array(server.outputLength());
  server.takeOutput(out);
  let max = 0;
  for (let p = 0; p + 5 <= out.length; p += 5 + ((out[p + 3] << 8) | out[p + 4])) max = Math.max(max, (out[p + 3] << 8) | out[p + 4]);
  // The client's record buffer takes one record at a time: hand it over as it reads.
  const buf = new Uint8Array(4096);
  let got = 0;
  for (let off = 0, rounds = 0; got < 3000 && rounds < 100; rounds++) {
    off += client.receive(out, off);
    for (let n; (n = client.read(buf)) > 0; ) got += n;
  }
  assert.equal(got, 3000);
  return max;
}

for (const [what, opts, limit] of [
  ['max_fragment_length 1024', { maxFragmentLength: 1024 }, 1024],
  ['record_size_limit 1000', { recordSizeLimit: 1000 }, 1001],
] as const) {
  test(`TLS 1.2 ${what}: the server's records keep to it`, () => {
    const client = clientContext({ ...TLS12_ONLY, ...opts }).newConnection();
    const server = serverContext().newConnection();
    assert.deepEqual(handshake(client, server), [0, 0]);
    transfer(server, client);
    assert.equal(server.negotiated()?.maxFragment, limit);
    // AES-128-GCM in TLS 1.2: 8 bytes of explicit nonce and 16 of tag around the plaintext.
    assert.equal(largestRecord(client, server), limit + 8 + 16);
  });
}

/** n warning alert records (plaintext, TLS 1.2 record version) of this description. */
function warnings(n: number, description: number): Uint8Array {
  const out = new Uint8Array(7 * n);
  for (let i = 0; i < n; i++) out.set([21, 3, 3, 0, 2, 1, description], 7 * i);
  return out;
}

/** The client's ClientHello to the server, then n warnings (from "the server") to the client before the server's answer. */
function warningsBeforeServerHello(client: Connection, server: Connection, n: number): void {
  client.connect();
  transfer(client, server);
  server.accept();
  assert.equal(client.receive(warnings(n, Alert.unrecognized_name)), 7 * n);
}

test('TLS 1.2 warning alerts (RFC 5246 7.2) go by: before the ServerHello when we offer TLS 1.2, and after the handshake, both sides; at most 4', () => {
  const log: string[] = [];
  let client = clientContext({ debug: (l) => void log.push(l) }).newConnection();
  let server = serverContext({ maxVersion: TLS12 }).newConnection();
  warningsBeforeServerHello(client, server, 3);
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.negotiated()?.version, TLS12);
  assert.equal(log.filter((l) => l === 'received alert unrecognized_name').length, 3);
  // After the handshake the warnings are protected records; the fifth on the connection ends it.
  server.sendWarningAlert(Alert.no_renegotiation);
  assert.equal(exchange(server, client, 'still on'), 'still on');
  server.sendWarningAlert(Alert.no_renegotiation);
  transfer(server, client);
  assert.equal(client.read(new Uint8Array(8)), ErrorCode.UNEXPECTED_MESSAGE);
  assert.match(client.lastError()!.message, /more than 4 warning alerts/);
  assert.equal(client.lastError()!.alertSent, Alert.unexpected_message);

  // The server takes the client's warnings too.
  client = clientContext({ maxVersion: TLS12 }).newConnection();
  server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  client.sendWarningAlert(Alert.no_renegotiation);
  assert.equal(exchange(client, server, 'on'), 'on');

  client = clientContext().newConnection();
  server = serverContext({ maxVersion: TLS12 }).newConnection();
  warningsBeforeServerHello(client, server, 5);
  assert.equal(client.connect(), ErrorCode.UNEXPECTED_MESSAGE);
});

test('TLS 1.3 has no warning alerts (RFC 8446 6): fatal before the ServerHello of a TLS 1.3-only client, and after a TLS 1.3 handshake', () => {
  let client = clientContext({ minVersion: TLS13 }).newConnection();
  let server = serverContext().newConnection();
  warningsBeforeServerHello(client, server, 1);
  assert.equal(client.connect(), ErrorCode.FATAL_ALERT_RECEIVED);
  assert.equal(client.lastError()!.alertReceived, Alert.unrecognized_name);

  client = clientContext().newConnection();
  server = serverContext().newConnection();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(client.negotiated()?.version, TLS13);
  server.sendWarningAlert(Alert.unrecognized_name);
  transfer(server, client);
  assert.equal(client.read(new Uint8Array(8)), ErrorCode.FATAL_ALERT_RECEIVED);
});

test('TLS 1.2 client: HelloRequests during the handshake are ignored (RFC 5246 7.4.1.1), more than 8 on a connection end it', () => {
  for (const n of [8, 9]) {
    const log: string[] = [];
    const client = clientContext({ ...TLS12_ONLY, debug: (l) => void log.push(l) }).newConnection();
    const server = serverContext().newConnection();
    client.connect();
    transfer(client, server);
    server.accept();
    transfer(server, client);
    client.connect(); // our flight goes out; the server's ChangeCipherSpec and Finished are next
    assert.equal(log.at(-1), 'connect state: CLIENT_FINISHED_SENT');
    // n HelloRequests (type 0, empty body: 4 zero bytes each) in one plaintext handshake record.
    const record = new Uint8Array(5 + 4 * n);
    record.set([22, 3, 3, 0, 4 * n]);
    assert.equal(client.receive(record), record.length);
    if (n === 8) {
      assert.deepEqual(handshake(client, server), [0, 0]);
      assert.equal(exchange(client, server, 'on'), 'on');
    } else {
      assert.equal(client.connect(), ErrorCode.UNEXPECTED_MESSAGE);
      assert.match(client.lastError()!.message, /more than 8 HelloRequests/);
    }
  }
});

test('TLS 1.2 ticket key rotation: a ticket sealed under an older key resumes and is renewed under the current one (RFC 5077 3.1)', () => {
  const key = (): TicketKey => ({ name: randomBytes(16), key: randomBytes(32) });
  const [a, b] = [key(), key()];
  /** One TLS 1.2 connection to a server with these ticket keys: how it went and the client's session after it. */
  const connect = (ticketKeys: TicketKey[], session: Uint8Array | null) => {
    const log: string[] = [];
    const client = clientContext(TLS12_ONLY).newConnection();
    if (session) assert.equal(client.setSession(session), 0);
    const server = serverContext({ ticketKeys, debug: (l) => void log.push(l) }).newConnection();
    assert.deepEqual(handshake(client, server), [0, 0]);
    assert.equal(exchange(client, server, 'data'), 'data');
    return { mode: client.negotiated()!.mode, ticketSent: log.includes('sent NewSessionTicket'), session: client.getSession() };
  };
  const first = connect([a], null);
  assert.deepEqual([first.mode, first.ticketSent], ['full', true]);
  // b is the current key now, a still opens: resumed, with a new ticket under b.
  const rotated = connect([b, a], first.session);
  assert.deepEqual([rotated.mode, rotated.ticketSent], ['resumed', true]);
  assert.notDeepEqual(rotated.session, first.session);
  // A ticket under the current key is not renewed.
  assert.deepEqual(Object.values(connect([b, a], rotated.session)).slice(0, 2), ['resumed', false]);
  // Once a is gone, the renewed ticket still resumes; the old one gets a full handshake.
  assert.equal(connect([b], rotated.session).mode, 'resumed');
  assert.equal(connect([b], first.session).mode, 'full');
});
