// API misuse harms nothing: the call answers BAD_STATE, sends nothing, and
// the connection still completes its handshake and carries data both ways,
// with no alert on either side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection } from '../../core/engine/connection.js';
import { ErrorCode } from '../../core/errors.js';
import { TLS12 } from '../../core/registry.js';
import { clientContext, exchange, handshake, serverContext, transfer } from './pair.js';

/** A misuse: BAD_STATE, no output, and lastError() says so without an alert. */
function refused(conn: Connection, result: number): void {
  const before = conn.outputLength();
  assert.equal(result, ErrorCode.BAD_STATE, 'answer ' + result);
  assert.equal(conn.outputLength(), before, 'it sent something');
  const e = conn.lastError()!;
  assert.equal(e.name, 'BAD_STATE');
  assert.equal(e.alertSent, -1);
}

/** The pair completes its handshake (if not yet), carries data both ways, and neither side saw an alert or a failure. */
function healthy(client: Connection, server: Connection, refusedCode: number = ErrorCode.BAD_STATE): void {
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(exchange(client, server, 'ping'), 'ping');
  assert.equal(exchange(server, client, 'pong'), 'pong');
  for (const c of [client, server]) {
    const e = c.lastError();
    assert.ok(!e || e.code === refusedCode, 'failure: ' + e?.message);
    assert.ok(!e || (e.alertSent === -1 && e.alertReceived === -1));
  }
}

const pair = (clientOpts = {}, serverOpts = {}): [Connection, Connection] => [
  clientContext(clientOpts).newConnection(),
  serverContext(serverOpts).newConnection(),
];

test('requestClientCertificate() when the client did not offer post_handshake_auth', () => {
  const [client, server] = pair();
  assert.deepEqual(handshake(client, server), [0, 0]);
  transfer(server, client); // tickets
  refused(server, server.requestClientCertificate());
  transfer(server, client);
  healthy(client, server);
});

test('TLS 1.2: requestClientCertificate() (it would renegotiate) and keyUpdate() (TLS 1.2 has none) after the handshake', () => {
  const [client, server] = pair({ minVersion: TLS12, maxVersion: TLS12, postHandshakeAuth: true });
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(server.negotiated()?.version, TLS12);
  refused(server, server.requestClientCertificate());
  assert.match(server.lastError()!.message, /TLS 1\.2 would renegotiate/);
  refused(server, server.keyUpdate(true));
  refused(client, client.keyUpdate(false));
  healthy(client, server);
});

test('requestClientCertificate() before the handshake, and on a client', () => {
  const [client, server] = pair({ postHandshakeAuth: true });
  refused(server, server.requestClientCertificate());
  refused(client, client.requestClientCertificate());
  healthy(client, server);
});

test('keyUpdate() before the handshake, on either side, and during it', () => {
  const [client, server] = pair();
  refused(client, client.keyUpdate(true));
  refused(server, server.keyUpdate(false));
  client.connect();
  transfer(client, server);
  server.accept();
  refused(client, client.keyUpdate(true));
  healthy(client, server);
});

test('connect() on a server and accept() on a client', () => {
  const [client, server] = pair();
  refused(server, server.connect());
  refused(client, client.accept());
  client.connect();
  transfer(client, server);
  refused(server, server.connect());
  refused(client, client.accept());
  healthy(client, server);
  refused(server, server.connect());
  refused(client, client.accept());
  healthy(client, server);
});

test('writeEarlyData() after the handshake, and on a server', () => {
  const [client, server] = pair();
  refused(server, server.writeEarlyData(new Uint8Array(4)));
  assert.deepEqual(handshake(client, server), [0, 0]);
  refused(client, client.writeEarlyData(new Uint8Array(4)));
  healthy(client, server);
});

test('setSession() after connect(), and on a server; readEarlyData() on a client', () => {
  const cctx = clientContext();
  const sctx = serverContext();
  const first = cctx.newConnection();
  const firstServer = sctx.newConnection();
  assert.deepEqual(handshake(first, firstServer), [0, 0]);
  assert.equal(exchange(firstServer, first, 'tickets'), 'tickets');
  const session = first.getSession()!;
  assert.ok(session);

  const client = cctx.newConnection();
  const server = sctx.newConnection();
  refused(server, server.setSession(session));
  assert.equal(client.connect() < 0, true); // WANT_READ: the ClientHello is out
  refused(client, client.setSession(session));
  refused(client, client.readEarlyData(new Uint8Array(4)));
  healthy(client, server);
  assert.equal(client.negotiated()!.mode, 'full', 'the refused session was not used');
});

test('a bad session for setSession() is refused without harm', () => {
  const [client, server] = pair();
  assert.equal(client.setSession(new Uint8Array([1, 2, 3])), ErrorCode.BAD_SESSION);
  assert.equal(client.outputLength(), 0);
  healthy(client, server, ErrorCode.BAD_SESSION);
});

test('write() after shutdown() is misuse; the peer still reads the data sent before and close_notify', () => {
  const [client, server] = pair();
  assert.deepEqual(handshake(client, server), [0, 0]);
  assert.equal(exchange(client, server, 'last'), 'last');
  assert.equal(client.shutdown(), 0);
  refused(client, client.write(new Uint8Array(4)));
  transfer(client, server);
  assert.equal(server.read(new Uint8Array(8)), 0);
  assert.equal(server.lastError(), null);
});
