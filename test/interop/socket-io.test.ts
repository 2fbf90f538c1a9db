// ports/node SocketIo over a real TCP connection to a plain net socket: the
// Io contract the engine relies on (core/engine/types.ts), flow control in
// both directions, end of stream and errors. No TLS involved.
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { ErrorCode, Status } from '../../core/errors.js';
import { SocketIo } from '../../ports/node/socket-io.js';
import { cleanup, track, within } from '../helpers/peers.js';

after(cleanup);
const T = { timeout: 20000 };

/** A connected pair: [ours, theirs]. */
async function pair(): Promise<[Socket, Socket]> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const theirs = new Promise<Socket>((r) => server.once('connection', r));
  const ours = track(connect((server.address() as { port: number }).port, '127.0.0.1'));
  await new Promise((r) => ours.once('connect', r));
  const t = track(await theirs);
  server.close();
  return [ours, t];
}

test('recv: WANT_READ when empty, copies what arrived across chunks, 0 at end of stream', T, async () => {
  const [ours, theirs] = await pair();
  const io = new SocketIo(ours);
  const buf = new Uint8Array(8);
  assert.equal(io.recv(buf, 0, 8), Status.WANT_READ);
  theirs.write('abc');
  await within(io.waitEvent(), 5000, 'data');
  theirs.write('defgh');
  while (io.buffered < 8) await within(io.waitEvent(), 5000, 'data');
  assert.equal(io.recv(buf, 2, 4), 4);
  assert.deepEqual([...buf.subarray(2, 6)], [...Buffer.from('abcd')]);
  assert.equal(io.recv(buf, 0, 8), 4);
  assert.equal(Buffer.from(buf.subarray(0, 4)).toString(), 'efgh');
  assert.equal(io.recv(buf, 0, 8), Status.WANT_READ);
  theirs.end();
  while (!io.eof) await within(io.waitEvent(), 5000, 'end');
  assert.equal(io.recv(buf, 0, 8), 0);
});

test('recv queue is bounded: the socket pauses above the high-water mark and resumes when drained', T, async () => {
  const [ours, theirs] = await pair();
  const io = new SocketIo(ours, 16 * 1024);
  const total = 1 << 20;
  theirs.write(Buffer.alloc(total, 7));
  while (!ours.isPaused()) await within(io.waitEvent(), 5000, 'data');
  assert.ok(io.buffered > 16 * 1024 && io.buffered < total, 'paused with ' + io.buffered + ' bytes queued');
  const buf = new Uint8Array(4096);
  let got = 0;
  while (got < total) {
    const n = io.recv(buf, 0, buf.length);
    if (n === Status.WANT_READ) {
      await within(io.waitEvent(), 5000, 'more data');
      continue;
    }
    assert.ok(n > 0);
    assert.ok(buf.subarray(0, n).every((b) => b === 7));
    got += n;
    assert.ok(io.buffered <= 16 * 1024 + 65536, 'queue stays bounded: ' + io.buffered);
  }
  assert.equal(got, total);
});

test('send copies the bytes, answers WANT_WRITE while the socket needs a drain, then takes more', T, async () => {
  const [ours, theirs] = await pair();
  theirs.pause();
  const io = new SocketIo(ours);
  const chunk = new Uint8Array(64 * 1024);
  const written: Uint8Array[] = [];
  const write = ours.write.bind(ours) as (d: Uint8Array) => boolean;
  ours.write = ((d: Uint8Array) => {
    written.push(d);
    return write(d);
  }) as typeof ours.write;
  let sent = 0;
  let r: number;
  // The engine reuses its buffer: zero it after each send; no zero may arrive.
  while ((r = io.send(chunk.fill(1), 0, chunk.length)) > 0) {
    sent += r;
    chunk.fill(0);
  }
  assert.equal(r, Status.WANT_WRITE);
  assert.ok(written.length > 0 && written.every((d) => d.buffer !== chunk.buffer), 'send hands the socket a copy');
  let received = 0;
  let zeros = 0;
  theirs.on('data', (d: Buffer) => {
    for (const b of d) if (b === 0) zeros++;
    received += d.length;
  });
  theirs.resume();
  await within(io.waitEvent(), 5000, 'drain');
  assert.equal(io.send(new Uint8Array(10).fill(1), 0, 10), 10);
  sent += 10;
  while (received < sent) await within(new Promise((res) => theirs.once('data', res)), 5000, 'data');
  assert.equal(received, sent);
  assert.equal(zeros, 0);
});

test('send after the peer reset the connection is an IO_ERROR', T, async () => {
  const [ours, theirs] = await pair();
  const io = new SocketIo(ours);
  theirs.resetAndDestroy();
  while (!io.closed) await within(io.waitEvent(), 5000, 'close');
  assert.equal(io.send(new Uint8Array(1), 0, 1), ErrorCode.IO_ERROR);
  assert.ok(io.recv(new Uint8Array(1), 0, 1) <= 0);
});
