// Handshakes and data are unaffected by how the transport cuts the bytes:
// every split point of the ClientHello and of the server's flight records,
// one handshake with every byte delivered on its own, and random splits for
// many handshakes. Seeded randomness makes each retried handshake the same,
// so every split must give byte-identical answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection } from '../../core/engine/connection.js';
import { Status } from '../../core/errors.js';
import type { Context } from '../../core/index.js';
import { EventQueue, simLoop } from '../../ports/node/sim/events.js';
import { runFleet } from '../../ports/node/sim/fleet.js';
import { DEFAULT_LINK, Link, parseLink } from '../../ports/node/sim/link.js';
import { Prng } from '../../ports/node/sim/prng.js';
import { clientContext, pki, serverContext } from '../engine/pair.js';
import { clientTask, concat, echoTask, messages } from '../loop/tasks.js';

/** Contexts whose randomness restarts from a seed before each connection. */
function seeded(): { client: Context; server: Context; reset: () => void } {
  let c = new Prng(1);
  let s = new Prng(2);
  const client = clientContext({ random: (d) => c.fill(d) });
  const server = serverContext({ random: (d) => s.fill(d), tickets: 0 });
  return { client, server, reset: () => ((c = new Prng(1)), (s = new Prng(2))) };
}

function take(conn: Connection): Uint8Array {
  const out = new Uint8Array(conn.outputLength());
  conn.takeOutput(out);
  return out;
}

/** Feeds bytes in two pieces cut at `at`, stepping the connection after each; returns the last status. */
function feedSplit(conn: Connection, bytes: Uint8Array, at: number, step: () => number): number {
  let r = Status.WANT_READ as number;
  for (const [from, to] of [[0, at], [at, bytes.length]]) {
    for (let off = from; off < to; ) {
      const n = conn.receive(bytes, off, to - off);
      if (n === 0) throw new Error('receiver full'); // a flight fits the record buffer
      off += n;
    }
    r = step();
    if (r < -100) return r;
  }
  return r;
}

/** Offsets where records start in a flight, and the flight's end. */
function recordStarts(flight: Uint8Array): number[] {
  const starts: number[] = [];
  for (let at = 0; at < flight.length; at += 5 + ((flight[at + 3] << 8) | flight[at + 4])) starts.push(at);
  return starts;
}

test('the ClientHello split at every byte boundary gives the server the same answer', () => {
  const { client, server, reset } = seeded();
  const c = client.newConnection();
  c.connect();
  const hello = take(c);
  const s0 = server.newConnection();
  s0.receive(hello);
  assert.equal(s0.accept(), Status.WANT_READ);
  const reference = take(s0);
  assert.ok(reference.length > 500);
  for (let at = 1; at < hello.length; at++) {
    reset();
    const s = server.newConnection();
    assert.equal(feedSplit(s, hello, at, () => s.accept()), Status.WANT_READ, 'split at ' + at);
    assert.deepEqual(take(s), reference, 'split at ' + at);
  }
});

test("the server's flight split at every byte of its plaintext records and around every record boundary", () => {
  const { client, server, reset } = seeded();
  reset();
  const c0 = client.newConnection();
  c0.connect();
  const hello = take(c0);
  const s = server.newConnection();
  s.receive(hello);
  s.accept();
  const flight = take(s);
  c0.receive(flight);
  assert.equal(c0.connect(), Status.OK);
  const finished = take(c0);
  const starts = recordStarts(flight);
  assert.ok(starts.length >= 3);
  // Every byte of the ServerHello and ChangeCipherSpec records, then each encrypted record's header and end.
  const points = new Set<number>();
  for (let at = 1; at <= starts[2]; at++) points.add(at);
  for (const r of starts.slice(2).concat(flight.length)) for (let d = -3; d <= 6; d++) points.add(r + d);
  let tried = 0;
  for (const at of points) {
    if (at <= 0 || at >= flight.length) continue;
    reset();
    const c = client.newConnection();
    c.connect();
    assert.deepEqual(take(c), hello);
    assert.equal(feedSplit(c, flight, at, () => c.connect()), Status.OK, 'split at ' + at);
    assert.deepEqual(take(c), finished, 'split at ' + at);
    tried++;
  }
  assert.ok(tried > 150);
});

test('one handshake with every byte delivered on its own (MTU 1), then data both ways', () => {
  const events = new EventQueue();
  const loop = simLoop(events);
  const link = new Link(events, parseLink('latency=5ms,bandwidth=1mbit,mtu=1'), new Prng(3));
  const msgs = messages([1, 700, 20_000]);
  const c = clientTask(loop, clientContext().newConnection(link.a), link.a, msgs);
  const s = echoTask(loop, serverContext().newConnection(link.b), link.b);
  while (events.step());
  assert.equal(c.error, null);
  assert.equal(s.error, null);
  assert.deepEqual(c.received, concat(msgs));
  // Each byte was its own segment, and each arrived at its own time (8 us apart at 1 Mbit/s).
  assert.equal(link.stats.segments[0], link.stats.bytes[0]);
  assert.equal(link.stats.segments[1], link.stats.bytes[1]);
  assert.ok(c.wantRead > 1000, 'client waited ' + c.wantRead + ' times');
});

test('random segmentation (1..64 byte pieces) over many handshakes with resumption: every connection succeeds', () => {
  const r = runFleet({
    devices: 16, serverProfile: 'default', deviceProfile: 'default',
    link: parseLink('latency=10ms,bandwidth=2mbit,mtu=64,split=random', DEFAULT_LINK),
    seed: 11, kind: 'resume', connections: 2, messages: 2, messageBytes: 3000,
    spacingMs: 3, pauseMs: 50, timeoutMs: 30_000,
    pki: { ca: pki('ca.crt'), serverChain: pki('server-ecdsa-chain.crt'), serverKey: pki('server-ecdsa.key') },
  });
  assert.equal(r.connections.length, 32);
  for (const c of r.connections) assert.equal(c.error, null, 'device ' + c.device + ': ' + c.error);
  for (const c of r.connections) assert.equal(c.mode, c.connection === 1 ? 'full' : 'resumed');
});
