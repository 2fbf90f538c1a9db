// The ESP32 budget on the host's XS engine (in every `npm test`): the
// memory-report build of xsnap (scripts/xsnap.mjs) loads a profile's
// dist/moddable bundle, then fixHeap() fixes the heap at what is live plus
// Moddable's ESP32 heap (78,848 bytes of chunks, 4,928 slots) and the stack
// at 512 slots, or half of that for the PSK client, and nothing grows after
// that: XS aborts on "memory full" or "stack overflow" as on the device. A
// client then replays three recorded sessions (budget-session.ts: handshake,
// 4 KB each way, close) and must finish. Each phase's live heap and peak
// (garbage not yet collected included) are reported.
// The stack: xsnap makes its machine from scratch, so XS keeps its
// intrinsic prototypes (143 slots in XS 13.3) at the top of the machine's
// stack; a Moddable app's machine is cloned from the prepared (preloaded)
// one, whose intrinsics stay in flash. So the ceiling here is the device's
// stack below those slots (fixHeap() reports their count), and everything
// else on the stack counts: the replay harness too, which sits about 90
// slots deeper than xsnap's module top. Each phase's stack peak is reported.
// On a device the bundle is preloaded into flash, so giving the budget to
// what comes after the load models it; the real Moddable tools check the
// same in moddable-device.test.ts.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import { budgetContext, recordSessions, type BudgetJob } from './budget-session.js';
import { SLOT, replay, type Budget } from './budget-run.js';
import { dist, pkiFiles, prepare } from './xs.js';

const ESP32: Budget = { chunk: 78848, slots: 4928, stack: 512 };
const HALF: Budget = { chunk: 39424, slots: 2464, stack: 384 };

async function check(t: TestContext, profile: string, budget: Budget, job: BudgetJob): Promise<void> {
  const xsnap = await prepare('report');
  const [client, server] = await Promise.all([profile, 'full'].map((p) => import(pathToFileURL(dist('moddable/' + p + '.js')).href)));
  const sessions = recordSessions(client, server, pkiFiles(), job);
  const arena = budgetContext(client, pkiFiles(), 'client', job).arenaLayout().total;
  const r = await replay(xsnap, dist('moddable/' + profile + '.js'), budget, job, sessions);
  const base = r.phases.find((p) => p.label.startsWith('fixed'));
  assert.ok(base, 'no heap report: ' + r.other.join('\n'));
  const [freeChunks, freeSlots, intrinsics] = base.label.split(' ').slice(1).map(Number);
  // The ceiling really applied is the budget, give or take the fillers' bookkeeping (a few slots; a chunk
  // header), and never more than the 10% extra chunk bytes the 64-bit host may use.
  assert.ok(freeChunks >= budget.chunk - 256 && freeChunks <= budget.chunk * 1.1, 'chunk ceiling ' + freeChunks);
  assert.ok(Math.abs(freeSlots - budget.slots) <= 16, 'slot ceiling ' + freeSlots);
  t.diagnostic('phase: chunk bytes live / peak, slots live / peak, above the loaded bundle (free after load: ' + freeChunks + ' B, ' +
    freeSlots + ' slots); stack peak in slots below the ' + intrinsics + ' of the intrinsics (ceiling ' + budget.stack + ')');
  for (const p of r.phases.slice(r.phases.indexOf(base) + 1)) {
    const slots = (bytes: number): string => String(Math.round((bytes - base.slotUsed) / SLOT)).padStart(5);
    t.diagnostic(`${p.label.padEnd(12)} ${String(p.chunkUsed - base.chunkUsed).padStart(6)} / ${String(p.chunkPeak - base.chunkUsed).padStart(6)}   ${slots(p.slotUsed)} / ${slots(p.slotPeak)}   ${String((r.stacks.get(p.label) ?? NaN) - intrinsics).padStart(4)}`);
  }
  assert.deepEqual(r.other.filter((l) => l !== 'DONE'), [], 'the run did not finish inside the budget');
  assert.ok(r.other.includes('DONE'));
  const closed = r.phases.filter((p) => p.label.startsWith('dropped'));
  assert.equal(closed.length, job.runs);
  // Nothing kept after a connection is gone beyond 2 KB, and an open connection keeps its record
  // buffers and at most 6 KB more once the handshake is over (issue 11).
  const context = r.phases.find((p) => p.label === 'context')!;
  for (const p of r.phases.filter((x) => x.label.startsWith('handshake'))) {
    const kept = p.chunkUsed - context.chunkUsed;
    t.diagnostic(p.label + ': the connection keeps ' + kept + ' B, its arena ' + arena + ' B + ' + (kept - arena));
    assert.ok(kept <= arena + 6144, p.label + ': ' + kept + ' bytes kept, arena ' + arena);
  }
  for (const p of closed) assert.ok(p.chunkUsed - context.chunkUsed <= 2048, p.label + ': ' + (p.chunkUsed - context.chunkUsed) + ' bytes kept');
}

const NOW = Date.now();

const ECDHE_1K: BudgetJob = { now: NOW, runs: 3, bytes: 4096, options: { cipherSuites: [0x1301], groups: [29], maxFragmentLength: 1024 } };

test('XS fixed heap, ESP32 budget: client-ecdhe, x25519 + ECDSA P-256 chain, AES-128-GCM, 1 KB records, 3 sessions of 4 KB each way', { timeout: 900_000 }, async (t) => {
  await check(t, 'client-ecdhe', ESP32, ECDHE_1K);
});

test('XS fixed heap, ESP32 budget: client-ecdhe with the default 16 KB records, 3 sessions of 4 KB each way', { timeout: 900_000 }, async (t) => {
  await check(t, 'client-ecdhe', ESP32, { ...ECDHE_1K, options: { cipherSuites: [0x1301], groups: [29] } });
});

const PSK_1K: BudgetJob = {
  now: NOW, runs: 3, bytes: 4096, pskHex: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809',
  options: { cipherSuites: [0x1304], pskModes: ['psk_ke'], groups: [], maxFragmentLength: 1024 },
};

test('XS fixed heap, half the ESP32 budget: client-psk psk_ke, AES-128-CCM, max_fragment_length 1024, 3 sessions of 4 KB each way', { timeout: 900_000 }, async (t) => {
  await check(t, 'client-psk', HALF, PSK_1K);
});
