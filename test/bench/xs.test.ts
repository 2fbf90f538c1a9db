// The XS part of the benches: the default handshake timed on XS (xsnap) and
// on Node with the same code, and the XS heap around one handshake from the
// report build. Values are not asserted, except what must hold anywhere: a
// connection keeps at least its arena.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nobleProvider } from '../../core/index.js';
import { DEFAULT_CONFIG, microContextFor } from '../../bench/lib/configs.js';
import { parsePhases, xsHandshake, xsMemory } from '../../bench/xs.js';

test('parsePhases: the first chunk and slot report after each PHASE line', () => {
  const out = [
    '# Chunk collection: reserved 1 used 5 peak 6 bytes',
    'PHASE idle',
    '# Chunk allocation: reserved 9 used 9 peak 9 bytes',
    '# Chunk collection: reserved 100 used 10 peak 20 bytes',
    '# Slot collection: reserved 100 used 30 peak 40 bytes 0',
    '# Chunk collection: reserved 100 used 11 peak 21 bytes',
    'PHASE handshake',
    '# Slot collection: reserved 200 used 31 peak 99 bytes 0',
    '# Chunk collection: reserved 200 used 12 peak 77 bytes',
  ].join('\n');
  assert.deepEqual(parsePhases(out), {
    idle: { chunk: { used: 10, peak: 20 }, slot: { used: 30, peak: 40 } },
    handshake: { chunk: { used: 12, peak: 77 }, slot: { used: 31, peak: 99 } },
  });
});

test('XS: the default handshake timed on XS and Node, and the XS heap around it', { timeout: 600_000 }, async () => {
  const h = await xsHandshake(1, 1);
  assert.equal(h.status, 'measured', h.summary);
  assert.equal(h.handshake!.xs.client.n, 1);
  assert.ok(h.handshake!.xs.client.median > 0 && h.handshake!.xs.server.median > 0);
  assert.ok(h.handshake!.ratio.client! > 0 && h.handshake!.ratio.server! > 0);

  const m = await xsMemory();
  assert.equal(m.status, 'measured', m.summary);
  assert.deepEqual(Object.keys(m.memory!.phases).sort(), ['client', 'handshake', 'idle', 'none']);
  const arena = microContextFor('client', DEFAULT_CONFIG, nobleProvider).arenaLayout().total;
  assert.ok(m.memory!.client.chunk >= arena, `the client connection keeps ${m.memory!.client.chunk} B of chunks, its arena is ${arena} B`);
  assert.ok(m.memory!.handshakePeak.chunk > 0);
  assert.match(m.summary, /on XS/);
});
