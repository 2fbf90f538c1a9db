// npm run xs:memory: XS heap figures for the dist/moddable full profile, from
// the memory-report build of xsnap (scripts/xsnap.mjs: device-like heaps,
// peak = largest live size with a collection before every allocation).
//   - one client connection and one server connection alone (the peer's
//     flights replayed from a Node recording), default settings and
//     max_fragment_length 1024: heap in use and peak, first handshake
//     (with noble's one-time tables) and second handshake (per connection);
//   - a live pair moving 10,000 application records each way: heap in use
//     after every 1,000, and the collections that happened in between;
//   - the XS/Node time ratio of one full handshake (plain xsnap build).
// Takes a few minutes: the peak measurements collect before every allocation.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type * as Microtls from '../core/index.js';
import { built, dist, pkiFiles, pkiModule, prepare, runXsModule, spec } from '../test/xs/xs.js';
import { handshakeTime, record, type MemoryJob, type Role, type Transcript } from './xs-memory-run.js';

interface Heap {
  used: number;
  peak: number;
}
interface Mark {
  chunk: Heap;
  slot: Heap;
  /** Collections the engine ran on its own before this mark (since the previous one). */
  collections: number;
}

const NOW = Date.now();
const JOBS: { name: string; job: MemoryJob }[] = [
  { name: 'default', job: { now: NOW, options: {} } },
  { name: 'max_fragment_length 1024', job: { now: NOW, options: { maxFragmentLength: 1024 } } },
];

/** Runs a module on the report build, streaming its output; returns the marks by label. */
async function runReport(xsnap: string, main: string, files: Record<string, string>): Promise<Map<string, Mark>> {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-xsmem-'));
  for (const [name, source] of Object.entries({ ...files, 'main.mjs': main })) writeFileSync(join(dir, name), source);
  // stderr has only the report build's module-loading trace; failures arrive as "@ error" lines.
  const child = spawn(xsnap, [join(dir, 'main.mjs')], { stdio: ['ignore', 'pipe', 'ignore'] });
  const marks = new Map<string, Mark>();
  let label: string | null = null;
  let pending: Partial<Mark> = {};
  let collections = 0;
  const re = /^# (Chunk|Slot) collection: reserved \d+ used (\d+) peak (\d+)/;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('@ ')) {
      if (line.startsWith('@ error') || line.startsWith('@ mismatch')) throw new Error('XS: ' + line);
      label = line.slice(2);
      pending = { collections };
      collections = 0;
      continue;
    }
    const m = re.exec(line);
    if (!m) continue;
    const heap = { used: Number(m[2]), peak: Number(m[3]) };
    if (label !== null) {
      if (m[1] === 'Chunk') pending.chunk = heap;
      else pending.slot = heap;
      if (pending.chunk && pending.slot) {
        marks.set(label, pending as Mark);
        label = null;
      }
    } else if (m[1] === 'Chunk') {
      collections++;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return marks;
}

function mainModule(call: string): string {
  return [
    `import * as lib from ${spec(dist('moddable/full.js'))};`,
    `import * as run from ${spec(built('bench/xs-memory-run.js'))};`,
    `import pki from './pki.js';`,
    `import data from './data.js';`,
    `try {`,
    `  ${call}`,
    `} catch (e) {`,
    `  print('@ error ' + e + (e && e.stack ? ' ' + e.stack : ''));`,
    `}`,
  ].join('\n');
}

const kb = (n: number): string => (n / 1024).toFixed(1).padStart(7);
const pair = (c: number, s: number): string => kb(c) + ' /' + kb(s);

function get(marks: Map<string, Mark>, label: string): Mark {
  const m = [...marks.entries()].find(([k]) => k === label || k.startsWith(label + ' '));
  if (!m) throw new Error('no mark ' + label + ' in ' + [...marks.keys()].join(', '));
  return m[1];
}

async function roles(report: string, lib: typeof Microtls, pki: Record<string, string>): Promise<void> {
  console.log('One connection alone on XS (KB of chunk heap / KB of slot heap; 64-bit host: slots are 32 bytes, about 16 on ESP32)');
  console.log('config                     side    handshake  created arena        in use after       peak during        left when dropped');
  for (const { name, job } of JOBS) {
    const runs: Transcript[] = record(lib, pki, job);
    for (const role of ['client', 'server'] as Role[]) {
      const call = `run.measureRole(lib, pki, ${JSON.stringify(job)}, ${JSON.stringify(role)}, data, print, gc);`;
      const marks = await runReport(report, mainModule(call), { 'pki.js': pkiModule(), 'data.js': 'export default ' + JSON.stringify(runs) + ';\n' });
      for (const run of [0, 1]) {
        const before = get(marks, run === 0 ? 'context' : 'dropped 0');
        const created = get(marks, 'created ' + run);
        const done = get(marks, 'handshake ' + run);
        const dropped = get(marks, 'dropped ' + run);
        const d = (m: Mark, f: 'used' | 'peak') => pair(m.chunk[f] - before.chunk.used, m.slot[f] - before.slot.used);
        console.log(
          name.padEnd(26), role.padEnd(7), (run === 0 ? 'first ' : 'second').padEnd(9),
          d(created, 'used'), ' ', d(done, 'used'), ' ', d(done, 'peak'), ' ', d(dropped, 'used'),
        );
      }
    }
  }
}

async function records(report: string): Promise<void> {
  const job: MemoryJob = { now: NOW, options: {}, records: 10000, recordSize: 64 };
  const call = `run.measureRecords(lib, pki, ${JSON.stringify(job)}, print, gc);`;
  const marks = await runReport(report, mainModule(call), { 'pki.js': pkiModule(), 'data.js': 'export default null;\n' });
  console.log('\nA live client/server pair, 10,000 application records of 64 bytes each way (bytes in use after gc())');
  console.log('records    chunk used    slot used    collections since the previous line');
  const series = [...marks.entries()].filter(([k]) => k.startsWith('records '));
  for (const [label, m] of series) {
    console.log(label.slice(8).padStart(7), String(m.chunk.used).padStart(12), String(m.slot.used).padStart(12), String(m.collections).padStart(8));
  }
  const first = series[0][1];
  const last = series[series.length - 1][1];
  const growth = (last.chunk.used - first.chunk.used) + ' bytes of chunks, ' + (last.slot.used - first.slot.used) + ' bytes of slots';
  const automatic = series.slice(1).reduce((n, [, m]) => n + m.collections, 0);
  console.log(`growth over 10,000 records each way: ${growth}; collections the engine needed: ${automatic}`);
}

async function ratio(plain: string, lib: typeof Microtls, pki: Record<string, string>): Promise<void> {
  const job: MemoryJob = { now: NOW, options: {} };
  const count = 21;
  const call = `print('@ ms ' + run.handshakeTime(lib, pki, ${JSON.stringify(job)}, ${count}, () => performance.now()));`;
  const xs = await runXsModule(plain, { 'main.mjs': mainModule(call), 'pki.js': pkiModule(), 'data.js': 'export default null;\n' }, 'main.mjs', 600_000);
  const line = xs.stdout.split('\n').find((l) => l.startsWith('@ '));
  if (!line?.startsWith('@ ms ')) throw new Error('XS: ' + line + ' ' + xs.stderr);
  const xsMs = Number(line.slice(5));
  const nodeMs = handshakeTime(lib, pki, job, count, () => performance.now());
  console.log(`\nOne full handshake (client and server in one process; x25519, AES-128-GCM, ECDSA P-256 certificate; median of ${count} after a warm-up):`);
  console.log(`XS ${xsMs.toFixed(1)} ms, Node ${nodeMs.toFixed(1)} ms: XS/Node ratio ${(xsMs / nodeMs).toFixed(1)}`);
}

const plain = await prepare('plain');
const report = await prepare('report');
const lib = (await import(pathToFileURL(dist('moddable/full.js')).href)) as typeof Microtls;
const pki = pkiFiles();
await ratio(plain, lib, pki);
await records(report);
await roles(report, lib, pki);
