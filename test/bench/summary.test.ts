// The goals table (bench/summary.ts goals()) from hand-made results: the
// psk_ke rows carry the bound the crypto floor sets, the heap goal is the
// typed-curves provider's with noble's beside it without a target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../bench/lib/configs.js';
import type { HandshakeResult } from '../../bench/handshake.js';
import type { MemoryResult } from '../../bench/memory.js';
import { goals } from '../../bench/summary.js';

const floor = (clientMs: number, serverMs: number) => ({ floor: { clientMs, serverMs, ops: [] } });

test('goals: psk_ke speed-ups beside full / psk_ke of the crypto floor and full / psk_ke floor', () => {
  const hs = {
    configs: [
      { config: DEFAULT_CONFIG, engine: { 'node-crypto': floor(0.5, 0.3) } },
      { config: { ...DEFAULT_CONFIG, mode: 'psk' }, engine: { 'node-crypto': floor(0.1, 0.1) } },
    ],
    speedups: [{ impl: 'microtls/node-crypto', transport: 'in memory', fullMs: 1.5, resumptionMs: 0.5, pskMs: 0.3, resumption: 3, psk: 5 }],
  } as unknown as HandshakeResult;
  const row = goals(hs, null, null).find((g) => g.goal.startsWith('psk_ke, microtls/node-crypto'));
  assert.ok(row);
  assert.equal(row.measured, '5x');
  assert.equal(row.pass, false);
  // Floors: (0.5 + 0.3) / (0.1 + 0.1) = 4; the measured full handshake over psk_ke's floor: 1.5 / 0.2 = 7.5.
  assert.equal(row.bound, 'floor 4x; full / floor 7.5x');
});

test('goals: the heap goal is the typed-curves provider\'s; noble\'s has no target', () => {
  const heap = (client: number, server: number) => ({ allocated: { client: client * 1024, server: server * 1024 } });
  const mem = {
    steadyState: [],
    configs: [{ config: DEFAULT_CONFIG, providers: { noble: heap(5000, 2000), 'typed-curves': heap(200, 1300) } }],
  } as unknown as MemoryResult;
  const rows = goals(null, null, mem).map((g) => [g.goal.split(' (')[0], g.pass]);
  assert.deepEqual(rows, [
    ['JS heap per full handshake, typed-curves, client', true],
    ['JS heap per full handshake, typed-curves, server', false], // 1300 KiB > half of 2494 KiB
    ['JS heap per full handshake, noble, client', null],
    ['JS heap per full handshake, noble, server', null],
  ]);
});
