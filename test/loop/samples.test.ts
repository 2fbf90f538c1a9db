// The chapter 8 samples run and do what they say (importing them here also
// builds them into build/samples/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main as ioCallbacks } from '../../samples/io-callbacks.js';
import { main as nonblocking } from '../../samples/nonblocking.js';
import { main as superloop } from '../../samples/superloop-client.js';

test('8.01 IO callbacks: TLS over application-supplied send/recv on a UART-like frame queue', () => {
  const lines: string[] = [];
  const r = ioCallbacks((l) => lines.push(l));
  assert.ok(lines.includes('server received: hello over the UART'));
  assert.ok(lines.includes('client received: hello back'));
  assert.ok(lines.includes('server received close_notify'));
  // The flights are larger than the 8 x 32-byte queue: the callbacks moved them in many frames.
  assert.ok(r.serverFrames > 20 && r.clientFrames > 5);
  assert.match(lines.at(-1)!, /made the sender wait [1-9]\d* times/);
});

test('8.03 non-blocking: a client that handles WANT_READ / WANT_WRITE itself completes over TCP', async () => {
  const lines: string[] = [];
  const r = await nonblocking((l) => lines.push(l), 200_000);
  assert.equal(r.reply, 'received 200000 bytes');
  assert.ok(r.wantRead > 0);
  assert.match(lines.at(-1)!, /^WANT_READ \d+ times, WANT_WRITE \d+ times$/);
});

test('8.04 super-loop client: refused connects, drops, backoff and resumption, and every reading acknowledged', async () => {
  const lines: string[] = [];
  const r = await superloop({ readings: 6, intervalMs: 20, dropAfter: 2, serverDelayMs: 600, print: (l) => lines.push(l) });
  assert.equal(r.acked, 6);
  assert.ok(lines.some((l) => /connect failed: IO_ERROR .*ECONNREFUSED.*reconnecting in 100 ms/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /the server closed|read failed/.test(l)), lines.join('\n'));
  // Each drop costs a reconnect, resumed with the ticket from the connection before.
  assert.ok(r.connections.length >= 3);
  assert.equal(r.connections[0], 'full');
  assert.ok(r.connections.slice(1).every((m) => m === 'resumed'), r.connections.join(','));
  for (let i = 1; i <= 6; i++) assert.equal(lines.filter((l) => l.includes('"reading ' + i + ':')).length, 1);
});
