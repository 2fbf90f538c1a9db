// npm run bench:xs-device: each dist/moddable profile as a client on XS
// (xsnap, the XS 13.3 engine) with Moddable's ESP32 heap: chunks and slots
// fixed at the ESP32 creation values (half of them for client-psk) and the
// stack at the device's 512 (384) slots below XS's intrinsics, as the
// budget checks run it (test/xs/budget.test.ts, test/xs/budget-run.ts).
// Per profile: the stack's high-water mark while the bundle loads and during
// the handshake; chunks and slots the load costs (not preloaded: xsnap has
// no preload; a preloaded bundle keeps its code and module state in flash),
// and preloaded: what importing the bundle costs in a Moddable `-p lin` app
// with the same heap (test/xs/moddable-load.ts; needs MICROTLS_MODDABLE);
// the live peak of a handshake (the second one, with a collection before
// every allocation);
// what an open connection keeps after its handshake; what stays after close;
// and the handshake's CPU time (plain xsnap build, process CPU time of N+1
// sessions less one, as bench/espruino does). Sessions are recorded on Node
// against a microtls server and replayed by the client alone on XS.
// Results: bench/results/xs-device.{json,md} and two SVG charts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { budgetContext, recordSessions, type BudgetJob } from '../test/xs/budget-session.js';
import { SLOT, replay, type Budget, type Phase } from '../test/xs/budget-run.js';
import { built, dist, pkiFiles, pkiModule, prepare, spec } from '../test/xs/xs.js';
import { buildLoadApp, loads, type Load } from '../test/xs/moddable-load.js';
import { missing, runApp } from '../test/xs/moddable-sdk.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { defaultResultsDir, num, table, writeResults } from './lib/report.js';
import { barChart } from './lib/svg.js';

const ESP32: Budget = { chunk: 78848, slots: 4928, stack: 512 };
const HALF: Budget = { chunk: 39424, slots: 2464, stack: 384 };
const NOW = Date.now();
const PSK_HEX = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809';
/** Sessions in the memory run (the second shows the steady state) and handshakes timed. */
const RUNS = 2;
const CPU_N = Number(process.env.XS_DEVICE_N ?? 5);

interface Job { label: string; profile: string; budget: Budget; job: BudgetJob }
const ecdhe = (options: Record<string, unknown>): BudgetJob => ({ now: NOW, runs: RUNS, bytes: 4096, options: { cipherSuites: [0x1301], groups: [29], ...options } });
const JOBS: Job[] = [
  { label: 'client-ecdhe, 16 KB records', profile: 'client-ecdhe', budget: ESP32, job: ecdhe({}) },
  { label: 'client-ecdhe, max_fragment_length 1024', profile: 'client-ecdhe', budget: ESP32, job: ecdhe({ maxFragmentLength: 1024 }) },
  {
    label: 'client-psk psk_ke, max_fragment_length 1024', profile: 'client-psk', budget: HALF,
    job: { now: NOW, runs: RUNS, bytes: 4096, pskHex: PSK_HEX, options: { cipherSuites: [0x1304], pskModes: ['psk_ke'], groups: [], maxFragmentLength: 1024 } },
  },
  { label: 'full (as a client), 16 KB records, curveTables off', profile: 'full', budget: ESP32, job: ecdhe({ curveTables: false }) },
];

interface Figures { chunk: number; slots: number }
interface Result {
  label: string;
  profile: string;
  budget: Budget;
  arena: number;
  status: 'measured' | 'failed';
  failure?: string;
  stack?: { load: number; handshake: number; data: number };
  load?: Figures;
  /** Importing the preloaded bundle in a Moddable -p lin app (undefined without the SDK). */
  loadPreloaded?: Figures;
  /** Live peak during the last session's handshake above the Context alone (the connection, its arena and what the handshake allocates). */
  peak?: Figures;
  /** Kept by an open connection after its handshake, above the Context alone. */
  kept?: Figures;
  /** Left after the connection is closed and dropped, above the Context alone. */
  afterClose?: Figures;
  cpuMs?: number;
}

type Lib = Parameters<typeof recordSessions>[0];

async function measure(j: Job, libs: (p: string) => Promise<Lib>): Promise<Result> {
  const client = await libs(j.profile);
  const server = await libs('full');
  const arena = budgetContext(client, pkiFiles(), 'client', j.job).arenaLayout().total;
  const base: Result = { label: j.label, profile: j.profile, budget: j.budget, arena, status: 'failed' };
  const sessions = recordSessions(client, server, pkiFiles(), j.job);
  const r = await replay(await prepare('report'), dist('moddable/' + j.profile + '.js'), j.budget, j.job, sessions, RUNS - 1);
  if (!r.other.includes('DONE')) return { ...base, failure: r.other.join(' / ') };
  const phase = (label: string): Phase => {
    const p = r.phases.find((x) => x.label === label || x.label.startsWith(label + ' '));
    if (!p) throw new Error('no phase ' + label);
    return p;
  };
  const intrinsics = Number(phase('fixed').label.split(' ')[3]);
  const context = phase('context');
  const runs = Array.from({ length: RUNS }, (_, i) => i);
  const over = (p: Phase, used: boolean): Figures => ({
    chunk: (used ? p.chunkUsed : p.chunkPeak) - context.chunkUsed,
    slots: Math.round(((used ? p.slotUsed : p.slotPeak) - context.slotUsed) / SLOT),
  });
  const largest = (f: Figures[]): Figures => ({ chunk: Math.max(...f.map((x) => x.chunk)), slots: Math.max(...f.map((x) => x.slots)) });
  const stackOf = (label: string): number => Math.max(...runs.map((i) => r.stacks.get(label + ' ' + i) ?? NaN)) - intrinsics;
  const start = phase('start');
  const loaded = phase('loaded');
  return {
    ...base,
    status: 'measured',
    stack: { load: (r.stacks.get('load') ?? NaN) - intrinsics, handshake: stackOf('handshake'), data: stackOf('data') },
    load: { chunk: loaded.chunkUsed - start.chunkUsed, slots: Math.round((loaded.slotUsed - start.slotUsed) / SLOT) },
    peak: over(phase('handshake ' + (RUNS - 1)), false),
    kept: largest(runs.map((i) => over(phase('handshake ' + i), true))),
    afterClose: largest(runs.map((i) => over(phase('dropped ' + i), true))),
    cpuMs: await handshakeCpu(j, client, server),
  };
}

/** CPU ms per handshake on the plain xsnap build: N+1 sessions (handshake and close) less one. */
async function handshakeCpu(j: Job, client: Lib, server: Lib): Promise<number> {
  const job = { ...j.job, runs: CPU_N + 1, bytes: 0 };
  const sessions = recordSessions(client, server, pkiFiles(), job);
  const xsnap = await prepare('plain');
  const cpu = async (k: number): Promise<number> => {
    const dir = mkdtempSync(join(tmpdir(), 'microtls-xs-cpu-'));
    writeFileSync(join(dir, 'pki.js'), pkiModule());
    writeFileSync(join(dir, 'sessions.js'), 'export default ' + JSON.stringify(sessions.slice(0, k)) + ';\n');
    writeFileSync(join(dir, 'main.mjs'), [
      `import * as lib from ${spec(dist('moddable/' + j.profile + '.js'))};`,
      `import { replaySessions } from ${spec(built('test/xs/budget-session.js'))};`,
      `import pki from './pki.js';`,
      `import sessions from './sessions.js';`,
      `replaySessions(lib, pki, ${JSON.stringify({ ...job, runs: k })}, sessions, () => {}, () => {});`,
      `print('DONE');`,
    ].join('\n'));
    try {
      return await timed(xsnap, join(dir, 'main.mjs'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const one = await cpu(1);
  return (await cpu(CPU_N + 1) - one) / CPU_N;
}

/** Process CPU time (user + system, ms) of an xsnap run, from bash's `times`; fails unless it printed DONE. */
function timed(xsnap: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', '"$0" "$1" </dev/null; s=$?; times >&2; exit $s', xsnap, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (code) => {
      const t = err.trim().split('\n').pop()!.match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
      if (code !== 0 || !/^DONE$/m.test(out) || !t) reject(new Error('xsnap run failed: ' + out.slice(-500) + err.slice(-500)));
      else resolve((Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4])) * 1000);
    });
  });
}

/** What importing each preloaded profile costs on the Moddable -p lin build, or why it was not measured. */
async function preloadedLoads(): Promise<Map<string, Load> | string> {
  if (missing) return missing;
  const out = await runApp(buildLoadApp('load-bench'), /^(DONE|FAIL)/m, 60_000);
  if (!/^DONE$/m.test(out)) throw new Error('the load app failed:\n' + out.slice(-2000));
  return loads(out);
}

function report(out: string, results: Result[], preloaded: string): void {
  const ok = results.filter((r) => r.status === 'measured');
  const f = (x: Figures | undefined): string => (x ? x.chunk.toLocaleString('en') + ' B / ' + x.slots.toLocaleString('en') : '–');
  const md = `# XS with the ESP32 heap, per profile

${machineLine(machineInfo())}

Each profile's dist/moddable bundle as a client on XS 13.3 (xsnap, memory-report build, 64-bit host), in a heap
fixed at Moddable's ESP32 creation values (chunks 78,848 B, slots 4,928, stack 512; half of each for client-psk)
as the budget checks run it (test/xs/budget.test.ts). Sessions recorded on Node against a microtls server (x25519,
ECDSA P-256 chain with an intermediate, AES-128-GCM; psk_ke AES-128-CCM for client-psk), replayed by the client
alone: handshake, 4 KB each way, close, ${RUNS} times. Command: \`npm run bench:xs-device\`.

- stack: the high-water mark in slots, below the 143 slots of XS's intrinsic prototypes that xsnap keeps at the
  stack's top (a Moddable app's machine is cloned from the prepared one, whose intrinsics stay in flash); it
  includes the replay harness (about 70 slots down to the client's calls).
- load: what importing the bundle costs (not preloaded: xsnap has no preload; preloaded on a device, the code and
  module state stay in flash: test/xs/moddable-device.test.ts runs the preloaded profiles on the real Moddable tools).
- load preloaded: what importing the preloaded bundle costs in a Moddable SDK 8.2.3 \`-p lin\` app with the same
  heap (test/xs/moddable-load.ts: live chunk bytes / slots after a collection, around a dynamic import; ${preloaded}).
- handshake peak: the largest live heap during a handshake (a collection before every allocation) above the
  Context alone; kept: an open connection after its handshake; after close: what the dropped connection left.
  Chunk bytes / slots; chunk bytes are about 10% higher on the 64-bit host than on ESP32, slot counts the same.
- CPU: process CPU time per handshake and close on the plain xsnap build (${CPU_N + 1} sessions less one; the
  replay's hex decoding of the recorded bytes included).

${table(['profile', 'budget (chunks, slots, stack)', 'arena B', 'stack at load', 'stack in handshake', 'load', 'load preloaded', 'handshake peak', 'kept per connection', 'after close', 'CPU ms'],
    results.map((r) => r.status === 'measured'
      ? [r.label, `${r.budget.chunk.toLocaleString('en')}, ${r.budget.slots.toLocaleString('en')}, ${r.budget.stack}`, r.arena.toLocaleString('en'),
        String(r.stack!.load), String(Math.max(r.stack!.handshake, r.stack!.data)), f(r.load), f(r.loadPreloaded), f(r.peak), f(r.kept), f(r.afterClose), num(r.cpuMs)]
      : [r.label, `${r.budget.chunk}, ${r.budget.slots}, ${r.budget.stack}`, r.arena.toLocaleString('en'), '–', '–', '–', f(r.loadPreloaded), '–', '–', '–', 'does not fit: ' + (r.failure ?? '')]))}
Kept per connection against the issue's bound (record buffers + 6 KB): ${ok.map((r) => `${r.label}: ${r.kept!.chunk.toLocaleString('en')} B of ` +
    `${(r.arena + 6144).toLocaleString('en')}`).join('; ')}.

![XS heap per profile](xs-device.svg)

![XS stack per profile](xs-device-stack.svg)
`;
  const heap = barChart({
    title: 'XS heap per profile, ESP32 creation values (chunk bytes above the Context)',
    axis: 'chunk bytes',
    categories: ok.map((r) => r.label),
    series: [
      { name: 'load (not preloaded)', values: ok.map((r) => r.load!.chunk) },
      { name: 'handshake peak', values: ok.map((r) => r.peak!.chunk) },
      { name: 'kept per open connection', values: ok.map((r) => r.kept!.chunk) },
      { name: 'budget (chunks)', values: ok.map((r) => r.budget.chunk) },
    ],
  });
  const stack = barChart({
    title: 'XS stack high-water mark per profile (slots; the device budget beside it)',
    axis: 'slots',
    categories: ok.map((r) => r.label),
    series: [
      { name: 'load', values: ok.map((r) => r.stack!.load) },
      { name: 'handshake', values: ok.map((r) => r.stack!.handshake) },
      { name: 'budget (stack)', values: ok.map((r) => r.budget.stack) },
    ],
  });
  const written = writeResults(out, 'xs-device', { machine: machineInfo(), results }, md, { 'xs-device': heap, 'xs-device-stack': stack });
  console.log(md);
  console.log('wrote ' + written.join(', '));
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? defaultResultsDir();
  await prepare('report');
  const cache = new Map<string, Promise<Lib>>();
  const libs = (p: string): Promise<Lib> => {
    if (!cache.has(p)) cache.set(p, import(pathToFileURL(dist('moddable/' + p + '.js')).href) as Promise<Lib>);
    return cache.get(p)!;
  };
  const results: Result[] = [];
  for (const j of JOBS) {
    console.log('measuring ' + j.label + ' ...');
    results.push(await measure(j, libs));
  }
  console.log('measuring the preloaded imports on the Moddable -p lin build ...');
  const preloaded = await preloadedLoads();
  const control = typeof preloaded === 'string' ? undefined : preloaded.get('control');
  const note = typeof preloaded === 'string' ? 'not measured here: ' + preloaded
    : 'a small preloaded module costs ' + (control ? control.chunks + ' B / ' + control.slots : '–') + ' the same way';
  for (const r of results) {
    const l = typeof preloaded === 'string' ? undefined : preloaded.get(r.profile);
    if (l) r.loadPreloaded = { chunk: l.chunks, slots: l.slots };
  }
  report(out, results, note);
}

await main();
