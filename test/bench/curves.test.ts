// bench/curves runs with tiny counts and writes well-formed JSON and
// Markdown, a row per operation and implementation; its operations succeed
// on every implementation (a failed verification or signature throws), and
// the XS heap phases come in the order the report parser reads them. No
// time or heap amount is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCurves, type CurvesBenchResult } from '../../bench/curves.js';
import { IMPLEMENTATIONS, OPS, heapPhases, timeOps } from '../../bench/lib/curve-ops.js';
import { checkMachine, readJson, readText, scratchDir } from './helpers.js';

test('curves bench: CPU and heap per operation for every implementation (Node; XS left out here)', { timeout: 120_000 }, async () => {
  const out = scratchDir();
  const r = await runCurves({ rounds: 2, batch: 1, xsReps: null, out, log: () => undefined });
  const json = readJson<CurvesBenchResult>(out, 'curves');
  assert.deepEqual(json, JSON.parse(JSON.stringify(r)));
  checkMachine(json.machine);
  assert.equal(json.xs.status, 'skipped');
  for (const impl of IMPLEMENTATIONS) {
    for (const op of OPS) {
      const row = json.node[impl][op];
      assert.ok(row.ms > 0 && row.p10 <= row.ms && row.ms <= row.p90, impl + ' ' + op);
      assert.ok(Number.isFinite(row.bytes), impl + ' ' + op);
    }
  }
  const md = readText(out, 'curves.md');
  for (const op of OPS) assert.equal(md.split('\n').filter((l) => l.startsWith('| ' + op + ' |')).length, IMPLEMENTATIONS.length, op);
});

test('curve operations: each runs on each implementation; XS heap phases bracket each one', () => {
  const times = timeOps(1, () => performance.now());
  for (const impl of IMPLEMENTATIONS) for (const op of OPS) assert.ok(times[impl][op] >= 0, impl + ' ' + op);
  const events: string[] = [];
  heapPhases((line) => events.push(line), (stress) => events.push('gc ' + stress));
  const expected: string[] = [];
  for (const impl of IMPLEMENTATIONS) {
    for (const op of OPS) expected.push(`PHASE ${impl}|${op}|before`, 'gc true', `PHASE ${impl}|${op}`, 'gc false');
  }
  assert.deepEqual(events, expected);
});
