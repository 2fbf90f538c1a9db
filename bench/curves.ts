// bench/curves: the curve operations of a handshake (X25519 key pair and
// shared secret; P-256 key pair, shared secret, ECDSA verify and sign) on
// the typed-array arithmetic (core/crypto/x25519.ts, p256.ts) and on noble
// with and without its precomputed tables, side by side: on Node the
// process CPU time and the heap allocated per operation, on XS (xsnap) the
// time per operation and the peak live heap during one.
import { fork } from 'node:child_process';
import * as esbuild from 'esbuild';
import { IMPLEMENTATIONS, IMPLEMENTATION_LABEL, OPS } from './lib/curve-ops.js';
import type { CurvesResult } from './lib/curves-worker.js';
import { HEAP_FLAGS } from './lib/heap.js';
import { machineInfo, machineLine, type Machine } from './lib/machine.js';
import { num, table, writeResults } from './lib/report.js';
import { built, prepare, runXsModule } from '../test/xs/xs.js';
import { parsePhases } from './xs.js';

export interface CurvesOptions {
  /** Node: rounds of `batch` operations per implementation and operation. */
  rounds: number;
  batch: number;
  /** XS: timed runs per implementation and operation (null: XS left out). */
  xsReps: number | null;
  out: string;
  log(line: string): void;
}

export interface XsCurves {
  status: 'measured' | 'skipped';
  why?: string;
  /** Milliseconds per operation (median), by implementation and operation. */
  ms?: Record<string, Record<string, number>>;
  /** Peak live heap above the live heap before the operation: chunk bytes and slot bytes. */
  peak?: Record<string, Record<string, { chunk: number; slot: number }>>;
}

export interface CurvesBenchResult {
  bench: 'curves';
  machine: Machine;
  method: typeof METHOD;
  node: CurvesResult;
  xs: XsCurves;
}

export const METHOD = {
  node: 'Node, in a process run with ' + HEAP_FLAGS.join(' ') + ': per implementation and operation, after 3 batches of warm-up, ' +
    'the process CPU time (process.cpuUsage(), user+system) of rounds of a batch of operations, per operation: median (p10-p90 over ' +
    'the rounds); heap allocated by one operation (as bench/memory counts it: used heap after less before plus what collections ' +
    'freed), median of 5 runs each after a full collection. Typed arrays: one X25519 and one P256 instance reused, as a Context does ' +
    '(their ~18 KB are made once, not counted). noble, tables: after noble built its precomputed base-point tables (once per process).',
  xs: 'XS (xsnap built from @agoric/xsnap, same host): time per operation by the engine\'s clock, median of the runs after one warm-up run; ' +
    'peak live heap from the report build of xsnap, collecting before every allocation during the operation, less the live heap ' +
    'before it (chunks: bytes of buffers, BigInts and strings; slots: 32-byte values on this 64-bit host, about half that on ESP32).',
};

/** The Node figures, measured in a child process with the V8 flags heap measurements need. */
function onNode(rounds: number, batch: number): Promise<CurvesResult> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = fork(new URL('./lib/curves-worker.js', import.meta.url), [], { execArgv: HEAP_FLAGS, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (m: { result?: CurvesResult; error?: string }) => {
      if (m.error !== undefined) reject(new Error('curves worker: ' + m.error));
      if (m.result) resolve(m.result);
    });
    child.on('exit', (code) => reject(new Error('curves worker exited (' + code + ') without a result')));
    child.send({ rounds, batch });
  });
}

/** A module for xsnap: build/bench/lib/curve-ops.js and what it imports, bundled, calling `body`. */
async function xsModule(body: string): Promise<string> {
  const r = await esbuild.build({
    stdin: { contents: `import { heapPhases, timeOps } from ${JSON.stringify(built('bench/lib/curve-ops.js'))};\n${body}`, resolveDir: built('bench'), loader: 'js' },
    bundle: true, format: 'esm', target: 'es2021', supported: { 'class-static-field': false }, write: false, logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

async function onXs(reps: number): Promise<XsCurves> {
  try {
    const timing = await runXsModule(await prepare('plain'), {
      'main.mjs': await xsModule(`print('RESULT ' + JSON.stringify(timeOps(${reps}, () => performance.now())));`),
    }, 'main.mjs', 900_000);
    const line = timing.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error('no timing from XS: ' + (timing.stderr || timing.stdout.slice(-300)));
    const heap = await runXsModule(await prepare('report'), {
      'main.mjs': await xsModule(`heapPhases(print, (stress) => gc(stress));`),
    }, 'main.mjs', 900_000);
    const phases = parsePhases(heap.stdout);
    const peak: Record<string, Record<string, { chunk: number; slot: number }>> = {};
    for (const impl of IMPLEMENTATIONS) {
      peak[impl] = {};
      for (const op of OPS) {
        const before = phases[impl + '|' + op + '|before'];
        const during = phases[impl + '|' + op];
        if (!before || !during) throw new Error('no heap figures from XS for ' + impl + ' ' + op);
        peak[impl][op] = { chunk: during.chunk.peak - before.chunk.used, slot: during.slot.peak - before.slot.used };
      }
    }
    return { status: 'measured', ms: JSON.parse(line.slice('RESULT '.length)) as Record<string, Record<string, number>>, peak };
  } catch (e) {
    return { status: 'skipped', why: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

function markdown(r: CurvesBenchResult): string {
  const kib = (b: number): string => num(b / 1024);
  let md = `# Curve operations: typed arrays and noble\n\n${machineLine(r.machine)}\n\n## Node\n\n${METHOD.node}\n\n`;
  const rows: string[][] = [];
  for (const op of OPS) {
    const noble = r.node.noble[op].ms;
    for (const impl of IMPLEMENTATIONS) {
      const x = r.node[impl][op];
      rows.push([op, IMPLEMENTATION_LABEL[impl], `${num(x.ms)} (${num(x.p10)}–${num(x.p90)})`, num(x.ms / noble), kib(x.bytes)]);
    }
  }
  md += table(['operation', 'implementation', 'CPU ms/op (p10–p90)', 'vs noble, no tables', 'heap KiB/op'], rows);
  md += `\n## XS\n\n${METHOD.xs}\n\n`;
  const xs = r.xs;
  if (xs.status !== 'measured' || !xs.ms || !xs.peak) {
    md += `Skipped: ${xs.why}\n`;
    return md;
  }
  const xrows: string[][] = [];
  for (const op of OPS) {
    const noble = xs.ms.noble[op];
    for (const impl of IMPLEMENTATIONS) {
      const p = xs.peak[impl][op];
      xrows.push([op, IMPLEMENTATION_LABEL[impl], num(xs.ms[impl][op]), num(xs.ms[impl][op] / noble), kib(p.chunk), kib(p.slot)]);
    }
  }
  md += table(['operation', 'implementation', 'ms/op', 'vs noble, no tables', 'peak chunks KiB', 'peak slots KiB'], xrows);
  return md;
}

export async function runCurves(o: CurvesOptions): Promise<CurvesBenchResult> {
  o.log('curves: Node');
  const node = await onNode(o.rounds, o.batch);
  o.log('curves: XS');
  const xs = o.xsReps === null ? { status: 'skipped' as const, why: 'left out (--no-xs)' } : await onXs(o.xsReps);
  const result: CurvesBenchResult = { bench: 'curves', machine: machineInfo(), method: METHOD, node, xs };
  for (const p of writeResults(o.out, 'curves', result, markdown(result))) o.log('wrote ' + p);
  return result;
}
