// The byte queue and the in-memory pipe pair behind the Transport interface.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, Status } from '../../core/errors.js';
import { ByteQueue } from '../../ports/node/transports/byte-queue.js';
import { pipePair } from '../../ports/node/transports/pipe.js';

test('ByteQueue keeps FIFO order across the ring wrap and never takes more than its capacity', () => {
  const q = new ByteQueue(5);
  const out = new Uint8Array(8);
  assert.equal(q.push(Uint8Array.of(1, 2, 3, 4), 0, 4), 4);
  assert.equal(q.shift(out, 0, 3), 3);
  assert.deepEqual(out.subarray(0, 3), Uint8Array.of(1, 2, 3));
  assert.equal(q.push(Uint8Array.of(9, 5, 6, 7, 8, 9), 1, 5), 4); // room for 4 only, wrapping
  assert.equal(q.length, 5);
  assert.equal(q.free, 0);
  assert.equal(q.push(Uint8Array.of(1), 0, 1), 0);
  assert.equal(q.shift(out, 1, 8), 5);
  assert.deepEqual(out.subarray(1, 6), Uint8Array.of(4, 5, 6, 7, 8));
  assert.equal(q.shift(out, 0, 1), 0);
});

test('pipe: bytes cross at once and the reader is signalled; a full pipe answers WANT_WRITE until the reader makes room', () => {
  const [a, b] = pipePair(4);
  const signals: string[] = [];
  a.onReady = () => signals.push('a');
  b.onReady = () => signals.push('b');
  const buf = new Uint8Array(8);
  assert.equal(b.recv(buf, 0, 8), Status.WANT_READ);
  assert.equal(a.send(Uint8Array.of(1, 2, 3, 4, 5, 6), 0, 6), 4);
  assert.deepEqual(signals, ['b']);
  assert.equal(a.send(Uint8Array.of(5, 6), 0, 2), Status.WANT_WRITE);
  assert.equal(b.recv(buf, 0, 3), 3);
  assert.deepEqual(buf.subarray(0, 3), Uint8Array.of(1, 2, 3));
  assert.deepEqual(signals, ['b', 'a']); // the blocked writer hears there is room
  assert.equal(a.send(Uint8Array.of(5, 6), 0, 2), 2);
  assert.equal(b.recv(buf, 0, 8), 3);
  assert.deepEqual(buf.subarray(0, 3), Uint8Array.of(4, 5, 6));
});

test('pipe close: the peer reads what is left, then 0; our later sends fail', () => {
  const [a, b] = pipePair(16);
  let woken = 0;
  b.onReady = () => woken++;
  a.send(Uint8Array.of(7, 8), 0, 2);
  a.close();
  assert.equal(woken, 2);
  const buf = new Uint8Array(4);
  assert.equal(b.recv(buf, 0, 4), 2);
  assert.equal(b.recv(buf, 0, 4), 0);
  assert.equal(a.send(buf, 0, 1), ErrorCode.IO_ERROR);
  // Half-close: b can still send to a.
  assert.equal(b.send(Uint8Array.of(1), 0, 1), 1);
  assert.equal(a.recv(buf, 0, 4), 1);
});
