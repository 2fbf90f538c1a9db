// The simulator's pieces: seeded PRNG, event queue, and the link model
// (latency, bandwidth, MTU, random segmentation, window, close, datagrams).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Status } from '../../core/errors.js';
import { EventQueue } from '../../ports/node/sim/events.js';
import { DEFAULT_LINK, Link, describeLink, parseLink, type LinkConfig, type LinkMode } from '../../ports/node/sim/link.js';
import { Prng } from '../../ports/node/sim/prng.js';

function link(c: Partial<LinkConfig>, seed = 1, mode: LinkMode = 'stream'): Link {
  return new Link(new EventQueue(), { ...DEFAULT_LINK, ...c }, new Prng(seed), mode);
}

/** Reads everything b receives; returns [virtual time, bytes] per delivery. */
function collect(l: Link): { at: number; bytes: number[] }[] {
  const got: { at: number; bytes: number[] }[] = [];
  const buf = new Uint8Array(100_000);
  l.b.onReady = () => {
    for (;;) {
      const n = l.b.recv(buf, 0, buf.length);
      if (n <= 0) return;
      got.push({ at: l.events.now, bytes: Array.from(buf.subarray(0, n)) });
    }
  };
  return got;
}

function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i & 0xff);
}

test('Prng: the same seed gives the same stream, derived streams differ, ranges hold', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const xs = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(Array.from({ length: 100 }, () => b.next()), xs);
  assert.ok(new Set(xs).size > 95);
  assert.notEqual(Prng.derive(42, 1).next(), Prng.derive(42, 2).next());
  assert.notEqual(Prng.derive(42, 1).next(), Prng.derive(43, 1).next());
  const p = new Prng(7);
  for (let i = 0; i < 1000; i++) {
    const v = p.int(3, 9);
    assert.ok(v >= 3 && v <= 9 && Number.isInteger(v));
  }
  const d1 = new Uint8Array(13);
  const d2 = new Uint8Array(13);
  new Prng(9).fill(d1);
  new Prng(9).fill(d2);
  assert.deepEqual(d1, d2);
  assert.ok(d1.some((x) => x !== 0));
});

test('EventQueue: events run in time order, equal times in the order added; cancelled ones are skipped', () => {
  const q = new EventQueue();
  const log: string[] = [];
  q.at(30, () => log.push('c30'));
  q.at(10, () => log.push('a10'));
  q.at(10, () => log.push('b10'));
  q.at(20, () => log.push('x')).cancelled = true;
  q.after(5, () => q.after(0, () => log.push('d5')));
  while (q.step());
  assert.deepEqual(log, ['d5', 'a10', 'b10', 'c30']);
  assert.equal(q.now, 30);
});

test('stream: each MTU segment arrives one latency after it is serialized at the link bandwidth', () => {
  const l = link({ latencyMs: 50, bandwidthBps: 80_000, mtu: 100 }); // 10 bytes per ms
  const got = collect(l);
  assert.equal(l.a.send(bytes(1000), 0, 1000), 1000);
  while (l.events.step());
  assert.deepEqual(got.map((g) => g.at), [60, 70, 80, 90, 100, 110, 120, 130, 140, 150]);
  assert.deepEqual(got.flatMap((g) => g.bytes), Array.from(bytes(1000)));
  assert.deepEqual(l.stats.bytes, [1000, 0]);
  assert.deepEqual(l.stats.segments, [10, 0]);
});

test('stream: a second send queues behind the first on the wire', () => {
  const l = link({ latencyMs: 5, bandwidthBps: 8000, mtu: 1000 }); // 1 byte per ms
  const got = collect(l);
  l.a.send(bytes(10), 0, 10);
  l.events.at(3, () => l.a.send(bytes(4), 0, 4));
  while (l.events.step());
  assert.deepEqual(got.map((g) => [g.at, g.bytes.length]), [[15, 10], [19, 4]]);
});

test('stream: random segmentation cuts into 1..MTU byte pieces, in order, the same for the same seed', () => {
  const sizes = (seed: number): number[] => {
    const l = link({ latencyMs: 1, bandwidthBps: 1e6, mtu: 50, split: true }, seed);
    const got = collect(l);
    l.a.send(bytes(3000), 0, 3000);
    while (l.events.step());
    assert.deepEqual(got.flatMap((g) => g.bytes), Array.from(bytes(3000)));
    return got.map((g) => g.bytes.length);
  };
  const s1 = sizes(1);
  assert.ok(s1.every((n) => n >= 1 && n <= 50));
  assert.ok(s1.some((n) => n < 10) && s1.some((n) => n > 40));
  assert.deepEqual(sizes(1), s1);
  assert.notDeepEqual(sizes(2), s1);
});

test('stream: MTU 1 delivers every byte on its own', () => {
  const l = link({ latencyMs: 0, bandwidthBps: 8000, mtu: 1 });
  const got = collect(l);
  l.a.send(bytes(20), 0, 20);
  while (l.events.step());
  assert.equal(got.length, 20);
  assert.ok(got.every((g) => g.bytes.length === 1));
});

test('stream: the window bounds bytes in flight plus unread; the sender is told when there is room again', () => {
  const l = link({ latencyMs: 10, bandwidthBps: Infinity, window: 100 });
  let writable = 0;
  l.a.onReady = () => writable++;
  assert.equal(l.a.send(bytes(300), 0, 300), 100);
  assert.equal(l.a.send(bytes(300), 0, 300), Status.WANT_WRITE);
  while (l.events.step());
  assert.equal(writable, 0); // delivered but unread: still full
  assert.equal(l.a.send(bytes(1), 0, 1), Status.WANT_WRITE);
  const buf = new Uint8Array(100);
  assert.equal(l.b.recv(buf, 0, 60), 60);
  assert.equal(writable, 1);
  assert.equal(l.a.send(bytes(300), 0, 300), 60);
});

test('stream close: the peer reads everything, then 0 one latency after the last byte left', () => {
  const l = link({ latencyMs: 20, bandwidthBps: 8000, mtu: 1000 }); // 1 byte per ms
  let eofAt = -1;
  const buf = new Uint8Array(100);
  let total = 0;
  l.b.onReady = () => {
    for (;;) {
      const n = l.b.recv(buf, 0, buf.length);
      if (n > 0) total += n;
      if (n === 0) eofAt = l.events.now;
      if (n <= 0) return;
    }
  };
  l.a.send(bytes(30), 0, 30);
  l.a.close();
  while (l.events.step());
  assert.equal(total, 30);
  assert.equal(eofAt, 50);
  assert.ok(l.a.send(bytes(1), 0, 1) < -100);
});

test('turns count the times the b -> a direction answered a -> b', () => {
  const l = link({ latencyMs: 1 });
  l.a.send(bytes(5), 0, 5);
  l.a.send(bytes(5), 0, 5);
  l.b.send(bytes(5), 0, 5);
  l.b.send(bytes(5), 0, 5);
  l.a.send(bytes(5), 0, 5);
  l.b.send(bytes(5), 0, 5);
  assert.equal(l.stats.turns, 2);
});

test('digest: equal traffic gives equal digests, different traffic different ones', () => {
  const run = (x: number): string => {
    const l = link({});
    const d = bytes(100);
    d[50] = x;
    l.a.send(d, 0, 100);
    return l.digest(0);
  };
  assert.equal(run(1), run(1));
  assert.notEqual(run(1), run(2));
});

test('datagram: boundaries kept, loss and reordering at their rates, deterministic for a seed', () => {
  const run = (seed: number): { order: number[]; lost: number } => {
    const l = link({ latencyMs: 10, bandwidthBps: 1e6, mtu: 200, loss: 0.2, reorder: 0.1 }, seed, 'datagram');
    const order: number[] = [];
    const buf = new Uint8Array(300);
    l.b.onReady = () => {
      for (;;) {
        const n = l.b.recv(buf, 0, buf.length);
        if (n <= 0) return;
        assert.equal(n, 100 + buf[2]); // one whole datagram per recv
        order.push(buf[0] | (buf[1] << 8));
      }
    };
    for (let i = 0; i < 1000; i++) {
      const d = new Uint8Array(100 + (i % 50));
      d[0] = i & 0xff;
      d[1] = i >> 8;
      d[2] = i % 50;
      l.events.at(i, () => l.a.send(d, 0, d.length));
    }
    while (l.events.step());
    return { order, lost: l.stats.lost };
  };
  const r = run(5);
  assert.equal(r.order.length + r.lost, 1000);
  assert.ok(r.lost > 150 && r.lost < 250, 'lost ' + r.lost);
  let inversions = 0;
  for (let i = 1; i < r.order.length; i++) if (r.order[i] < r.order[i - 1]) inversions++;
  assert.ok(inversions > 20 && inversions < 200, 'inversions ' + inversions);
  assert.deepEqual(run(5), r);
  assert.notDeepEqual(run(6).order, r.order);
});

test('datagram: larger than the MTU is dropped; a short read truncates like UDP', () => {
  const l = link({ latencyMs: 1, mtu: 10 }, 1, 'datagram');
  l.a.send(bytes(11), 0, 11);
  l.a.send(bytes(8), 0, 8);
  while (l.events.step());
  assert.equal(l.stats.lost, 1);
  const buf = new Uint8Array(8);
  assert.equal(l.b.recv(buf, 0, 3), 3);
  assert.equal(l.b.recv(buf, 0, 8), Status.WANT_READ);
});

test('parseLink reads units and rejects what it does not know', () => {
  const c = parseLink('latency=0.2s,bandwidth=1.5mbit,mtu=1,split=random,loss=1%,reorder=0.5,window=8k');
  assert.deepEqual(c, { latencyMs: 200, bandwidthBps: 1.5e6, mtu: 1, split: true, loss: 0.01, reorder: 0.5, window: 8192 });
  assert.equal(parseLink('bandwidth=inf').bandwidthBps, Infinity);
  assert.equal(parseLink('latency=7').latencyMs, 7);
  assert.deepEqual(parseLink(''), DEFAULT_LINK);
  for (const bad of ['latency=fast', 'bandwidth=10', 'mtu=0', 'loss=200%', 'color=red', 'latency', 'split=yes']) {
    assert.throws(() => parseLink(bad), /bad link setting/, bad);
  }
  assert.equal(describeLink(DEFAULT_LINK), '50ms one way, 250kbit/s, MTU 536');
});
