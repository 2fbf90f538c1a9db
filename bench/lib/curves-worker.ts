// The Node side of bench/curves, in a process forked with HEAP_FLAGS: per
// implementation and operation, process CPU time per operation (median over
// rounds of batches) and heap allocated per operation (median over runs,
// each after a full collection); answers over IPC.
import { processCpuMs } from './machine.js';
import { IMPLEMENTATIONS, OPS, curveOps } from './curve-ops.js';
import { allocated, bracketCost, gc } from './heap.js';
import { summarize } from '../../ports/node/stats.js';

export interface CurveRow {
  /** CPU milliseconds per operation: median over rounds, and the rounds' spread. */
  ms: number;
  p10: number;
  p90: number;
  /** Heap bytes allocated per operation (median). */
  bytes: number;
}

export type CurvesResult = Record<string, Record<string, CurveRow>>;

function measure(rounds: number, batch: number): CurvesResult {
  const out: CurvesResult = {};
  for (const impl of IMPLEMENTATIONS) {
    const ops = curveOps(impl);
    const bracket = bracketCost();
    out[impl] = {};
    for (const op of OPS) {
      const run = ops[op];
      for (let i = 0; i < 3 * batch; i++) run(); // warm-up: the JIT's tiers
      const per: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const start = processCpuMs();
        for (let i = 0; i < batch; i++) run();
        per.push((processCpuMs() - start) / batch);
      }
      const heap: number[] = [];
      for (let r = 0; r < 5; r++) {
        gc();
        heap.push(allocated(run, bracket).bytes);
      }
      const s = summarize(per);
      out[impl][op] = { ms: s.median, p10: s.p10, p90: s.p90, bytes: summarize(heap).median };
    }
  }
  return out;
}

process.once('message', (o: { rounds: number; batch: number }) => {
  try {
    process.send!({ result: measure(o.rounds, o.batch) }, () => process.disconnect());
  } catch (e) {
    process.send!({ error: e instanceof Error ? e.stack ?? e.message : String(e) }, () => process.disconnect());
  }
});
