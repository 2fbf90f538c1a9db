// TLS connections as superloop tasks: many at once on one loop without
// starvation, a transport that moves one byte per call and refuses at
// random, and real TCP sockets on the Node loop hook.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { Status } from '../../core/errors.js';
import type { Transport } from '../../core/loop/transport.js';
import { NodeLoop } from '../../ports/node/loop.js';
import { Prng } from '../../ports/node/sim/prng.js';
import { pipePair } from '../../ports/node/transports/pipe.js';
import { TcpTransport } from '../../ports/node/transports/tcp.js';
import { clientContext, serverContext } from '../engine/pair.js';
import { clientTask, concat, echoTask, manualLoop, messages, runToEnd, type Outcome } from './tasks.js';

test('100 concurrent connections on one loop all complete, and no ready task waits more than its share of ticks', () => {
  const perTick = 16;
  const { loop } = manualLoop({ maxSteps: perTick });
  const cctx = clientContext();
  const sctx = serverContext();
  const msgs = messages([10, 200]);
  const clients: Outcome[] = [];
  const servers: Outcome[] = [];
  for (let i = 0; i < 100; i++) {
    const [a, b] = pipePair(4096);
    clients.push(clientTask(loop, cctx.newConnection(a), a, msgs));
    servers.push(echoTask(loop, sctx.newConnection(b), b));
  }
  const ticks = runToEnd(loop, 2000);
  const expected = concat(msgs);
  for (const c of clients) {
    assert.equal(c.error, null);
    assert.equal(c.done, true);
    assert.deepEqual(c.received, expected);
  }
  for (const s of servers) assert.equal(s.done, true);
  // FIFO with at most perTick steps per tick: a woken task runs within ceil(tasks / perTick) ticks.
  const bound = Math.ceil(200 / perTick);
  for (const o of clients.concat(servers)) assert.ok(o.maxWaitTicks <= bound, 'waited ' + o.maxWaitTicks + ' ticks');
  assert.ok(ticks < 2000);
});

/** Moves at most one byte per call and refuses (WANT_READ / WANT_WRITE) at random, asking to be retried. */
class Flaky implements Transport {
  onReady: (() => void) | null = null;
  refusals = 0;

  constructor(readonly inner: Transport, readonly prng: Prng, readonly refuse: number) {
    inner.onReady = () => this.ready();
  }

  recv(buf: Uint8Array, off: number, len: number): number {
    if (this.prng.float() < this.refuse) return this.refused(Status.WANT_READ);
    return this.inner.recv(buf, off, Math.min(1, len));
  }

  send(buf: Uint8Array, off: number, len: number): number {
    if (this.prng.float() < this.refuse) return this.refused(Status.WANT_WRITE);
    return this.inner.send(buf, off, Math.min(1, len));
  }

  close(): void {
    this.inner.close();
  }

  private refused(status: number): number {
    this.refusals++;
    this.ready(); // "try again later": the loop runs the task at the next tick
    return status;
  }

  private ready(): void {
    if (this.onReady) this.onReady();
  }
}

test('a transport that takes one byte per call and refuses at random still completes handshake, data and close', () => {
  for (const seed of [1, 2, 3]) {
    const { loop } = manualLoop();
    const [a, b] = pipePair(512);
    const ca = new Flaky(a, new Prng(seed), 0.3);
    const sb = new Flaky(b, new Prng(seed + 100), 0.3);
    const msgs = messages([1, 100, 3000]);
    const c = clientTask(loop, clientContext().newConnection(ca), ca, msgs);
    const s = echoTask(loop, serverContext().newConnection(sb), sb);
    runToEnd(loop, 100_000);
    assert.equal(c.error, null, 'client error ' + c.error);
    assert.equal(s.error, null, 'server error ' + s.error);
    assert.equal(c.done && s.done, true);
    assert.deepEqual(c.received, concat(msgs));
    assert.ok(ca.refusals > 0 && sb.refusals > 0);
    // Both kinds of waiting reached the engine's callers.
    assert.ok(c.wantRead > 0 && c.wantWrite > 0, 'client saw WANT_READ ' + c.wantRead + ', WANT_WRITE ' + c.wantWrite);
    assert.ok(s.wantRead > 0 && s.wantWrite > 0, 'server saw WANT_READ ' + s.wantRead + ', WANT_WRITE ' + s.wantWrite);
  }
});

test('TCP transports on the Node loop hook: five clients and their server connections on one loop', async () => {
  const loop = new NodeLoop();
  const sctx = serverContext();
  const cctx = clientContext();
  const servers: Outcome[] = [];
  const transports: TcpTransport[] = [];
  const server: Server = createServer((socket) => {
    const t = new TcpTransport(socket);
    transports.push(t);
    servers.push(echoTask(loop, sctx.newConnection(t), t));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const msgs = messages([5, 1000, 40_000]);
  const clients: Outcome[] = [];
  for (let i = 0; i < 5; i++) {
    const t = TcpTransport.connect('127.0.0.1', port);
    transports.push(t);
    clients.push(clientTask(loop, cctx.newConnection(t), t, msgs));
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      loop.finished(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), 20_000))),
    ]);
  } finally {
    clearTimeout(timer);
    server.close();
    for (const t of transports) t.destroy(); // a failed run must not leave sockets open
  }
  for (const c of clients) {
    assert.equal(c.error, null);
    assert.deepEqual(c.received, concat(msgs));
  }
  assert.equal(servers.length, 5);
  for (const s of servers) assert.equal(s.done, true);
});

test('a failed TCP connect reaches the task as an error instead of hanging it', async () => {
  const loop = new NodeLoop();
  // A port nobody listens on: bind one, note it, close it.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const t = TcpTransport.connect('127.0.0.1', port);
  const c = clientTask(loop, clientContext().newConnection(t), t, messages([1]));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      loop.finished(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), 10_000))),
    ]);
  } finally {
    clearTimeout(timer);
    t.destroy();
  }
  assert.ok(c.error !== null && c.error < -100);
  assert.equal(c.done, false);
});
