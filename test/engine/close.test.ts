// Closing: the answer to a peer's close_notify may find the peer's transport
// already gone (it may close right after its own close_notify); that ends
// the connection cleanly, while a send failure before that stays an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Io } from '../../core/config.js';
import type { Connection } from '../../core/engine/connection.js';
import { ErrorCode } from '../../core/errors.js';
import { clientContext, ioPair, serverContext } from './pair.js';

/** A client and a server over IO callbacks, the server's sends failing once `gone` is set. */
function connected(): { client: Connection; server: Connection; cut: () => void } {
  const [ci, si] = ioPair();
  let gone = false;
  const serverIo: Io = { recv: si.recv, send: (b, o, l) => (gone ? ErrorCode.IO_ERROR : si.send(b, o, l)) };
  const client = clientContext().newConnection(ci);
  const server = serverContext().newConnection(serverIo);
  let c = -1;
  let s = -1;
  for (let i = 0; i < 50 && (c !== 0 || s !== 0); i++) {
    c = client.connect();
    s = server.accept();
  }
  assert.deepEqual([c, s], [0, 0]);
  return { client, server, cut: () => (gone = true) };
}

test('answering close_notify after the peer closed its transport ends cleanly', () => {
  const { client, server, cut } = connected();
  assert.equal(client.shutdown(), 0);
  cut();
  assert.equal(server.read(new Uint8Array(8)), 0, 'close_notify read');
  assert.equal(server.shutdown(), 0);
  assert.equal(server.lastError(), null);
});

test('a send failure before the peer said close_notify is still an IO_ERROR', () => {
  const { server, cut } = connected();
  cut();
  assert.equal(server.shutdown(), ErrorCode.IO_ERROR);
  assert.equal(server.lastError()?.code, ErrorCode.IO_ERROR);
});
