// bench/memory: per configuration the connection arena, the JS heap the
// handshake allocates (per side) and what the connections keep afterwards;
// then, per suite, the bytes allocated per application record in steady
// state, writing and reading (the target is zero).
import { GCProfiler, getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Status, arenaLayout, type ArenaLayout, type Context, type CryptoProvider } from '../core/index.js';
import type { Connection } from '../core/engine/connection.js';
import {
  DEFAULT_CONFIG, configLabel, configurations, loadProviders, microContextFor, modeOf,
  type Config, type Selection, type SuiteName,
} from './lib/configs.js';
import { handshakeOnce, timer, type Meter } from './lib/inmemory.js';
import { machineInfo, machineLine, type Machine } from './lib/machine.js';
import { num, table, writeResults } from './lib/report.js';
import { summarize } from './lib/stats.js';
import { xsMemory, type XsResult } from './xs.js';

setFlagsFromString('--expose-gc');
const v8gc = runInNewContext('gc') as () => void;
/** A full collection whose freed ArrayBuffer contents are counted too (V8 sweeps those in the background until the next GC). */
function gc(): void {
  v8gc();
  v8gc();
}

export const METHOD = {
  heap: 'Node heap: V8 is given --expose-gc (v8.setFlagsFromString, gc from vm.runInNewContext); "used" is the sum of ' +
    'v8.getHeapSpaceStatistics() space_used_size over every space but compiled code, plus external memory (ArrayBuffer contents, ' +
    'v8.getHeapStatistics().external_memory). Allocated = used after less used before, plus what ' +
    'each garbage collection in between freed (a GCProfiler around the reading gives every collection\'s before/after use), less the cost of ' +
    'an empty measurement. After 3 warm-up handshakes and a full GC, each engine call of one handshake (connection creation, connect(), ' +
    'accept()) is measured so, and summed per side. Kept: used after a full GC with the connections still referenced, less used before ' +
    'the handshake; the server connection is then dropped to split it per side.',
  steadyState: 'In memory, after the handshake and a warm-up of 3N records: application records of 1024 bytes written (write() then ' +
    'takeOutput(), output dropped) or read (receive() of records the peer made beforehand, then read()), 5 runs of N records after a full GC ' +
    'each; allocated (as above) in the median run, divided by N. A one-off (a late JIT compilation) lands in one run, an allocation per ' +
    'record in all. A subarray view per record would show as ~100 bytes.',
};

export interface MemoryOptions {
  selection: Selection;
  providers: string[];
  records: number;
  out: string;
  log(line: string): void;
}

export interface HandshakeHeap {
  arena: { client: ArenaLayout; server: ArenaLayout };
  /** Bytes allocated by each side during one handshake (including its connection and arena). */
  allocated: { client: number; server: number };
  /** Bytes the connections keep after the handshake and a full GC. */
  retained: { client: number; server: number };
  /** Collections during the measured handshake (their freed bytes are counted as allocated). */
  gcs: number;
}

export interface SteadyState {
  bytesPerRecord: number;
  /** Bytes allocated by each run of `records` records. */
  runs: number[];
  records: number;
  /** Collections during the runs (their freed bytes are counted as allocated). */
  gcs: number;
}

export interface MemoryResult {
  bench: 'memory';
  machine: Machine;
  method: typeof METHOD;
  options: { records: number; providers: string[] };
  configs: { config: Config; label: string; providers: Record<string, HandshakeHeap> }[];
  steadyState: { suite: SuiteName; provider: string; write: SteadyState; read: SteadyState }[];
  xs: XsResult;
}

/** Used bytes of every heap space but compiled code, plus external memory (ArrayBuffer contents). */
function used(): number {
  let sum = getHeapStatistics().external_memory;
  for (const s of getHeapSpaceStatistics()) if (!s.space_name.startsWith('code')) sum += s.space_used_size;
  return sum;
}

type GcSnapshot = NonNullable<ReturnType<GCProfiler['stop']>>['statistics'][number]['beforeGC'];
const usedIn = (g: GcSnapshot): number =>
  g.heapSpaceStatistics.reduce((sum, s) => (s.spaceName.startsWith('code') ? sum : sum + s.spaceUsedSize), g.heapStatistics.externalMemory);

/**
 * Heap allocated while `call` runs: used after less used before, plus what
 * every garbage collection in between freed (GCProfiler's before/after
 * figures), so a scavenge does not hide allocations. The readings and the
 * profiler cost `bracket` bytes, measured with an empty call.
 */
function allocated<T>(call: () => T, bracket = 0): { value: T; bytes: number; gcs: number } {
  const profiler = new GCProfiler();
  profiler.start();
  const before = used();
  const value = call();
  const after = used();
  const stats = profiler.stop()?.statistics ?? [];
  let freed = 0;
  for (const g of stats) freed += usedIn(g.beforeGC) - usedIn(g.afterGC);
  return { value, bytes: after - before + freed - bracket, gcs: stats.length };
}

/** What allocated() of an empty call reports (median of 21). */
function bracketCost(): number {
  const xs: number[] = [];
  for (let i = 0; i < 21; i++) xs.push(allocated(() => 0).bytes);
  return summarize(xs).median;
}

/** A Meter adding up the heap each side allocates, and the collections seen. */
function heapMeter(bracket: number): { meter: Meter; bytes: { client: number; server: number }; gcs: number } {
  const m = {
    bytes: { client: 0, server: 0 },
    gcs: 0,
    meter: <T>(side: 'client' | 'server', call: () => T): T => {
      const a = allocated(call, bracket);
      m.bytes[side] += a.bytes;
      m.gcs += a.gcs;
      return a.value;
    },
  };
  return m;
}

function handshakeHeap(c: Config, cctx: Context, sctx: Context, bracket: number): HandshakeHeap {
  const mode = modeOf(c.mode);
  const state = {};
  for (let i = 0; i < 3; i++) handshakeOnce(cctx, sctx, mode, state, timer().meter);
  gc();
  const base = used();
  const h = heapMeter(bracket);
  const pair: { client: Connection; server: Connection | null } = handshakeOnce(cctx, sctx, mode, state, h.meter);
  gc();
  const both = used() - base;
  pair.server = null;
  gc();
  const client = used() - base;
  if (!pair.client.handshakeDone) throw new Error('handshake not done');
  return {
    arena: { client: arenaLayout(cctx), server: arenaLayout(sctx) },
    allocated: h.bytes,
    retained: { client, server: both - client },
    gcs: h.gcs,
  };
}

const RECORD = 1024;

const RUNS = 5;
/** Warm-up runs: V8 moves a hot loop through its compiler tiers over the first few thousand iterations. */
const WARM_RUNS = 3;

/**
 * Heap allocated per record: after WARM_RUNS warm-up runs, RUNS runs of n
 * records each; the median run over n. A one-off (a late JIT compilation)
 * lands in one run, an allocation per record in all of them.
 */
function perRecord(n: number, bracket: number, run: (n: number) => void): SteadyState {
  for (let i = 0; i < WARM_RUNS; i++) run(n);
  const runs: number[] = [];
  let gcs = 0;
  for (let i = 0; i < RUNS; i++) {
    gc();
    const a = allocated(() => run(n), bracket);
    runs.push(a.bytes);
    gcs += a.gcs;
  }
  return { bytesPerRecord: summarize(runs).median / n, runs, records: n, gcs };
}

function steadyState(suite: SuiteName, crypto: CryptoProvider, n: number, bracket: number): { write: SteadyState; read: SteadyState } {
  const config = { ...DEFAULT_CONFIG, suite };
  const pair = (): { client: Connection; server: Connection } =>
    handshakeOnce(microContextFor('client', config, crypto), microContextFor('server', config, crypto), modeOf('full'), {}, timer().meter);
  const msg = new Uint8Array(RECORD).fill(0x61);
  const sink = new Uint8Array(64 * 1024);

  const w = pair();
  const write = perRecord(n, bracket, (k) => {
    for (let i = 0; i < k; i++) {
      if (w.client.write(msg) !== RECORD) throw new Error('write failed');
      while (w.client.takeOutput(sink) > 0);
    }
  });

  // Records for the reader, made beforehand: warm-up and up to 3 attempts.
  const r = pair();
  const total = (WARM_RUNS + RUNS) * n;
  const wire = new Uint8Array(total * (RECORD + 64));
  let wireLen = 0;
  for (let i = 0; i < total; i++) {
    if (r.client.write(msg) !== RECORD) throw new Error('write failed');
    for (let k; (k = r.client.takeOutput(wire, wireLen)) > 0; ) wireLen += k;
  }
  const buf = new Uint8Array(2 * RECORD);
  let off = 0;
  const read = perRecord(n, bracket, (k) => {
    for (let got = 0; got < k; ) {
      const st = r.server.read(buf);
      if (st === RECORD) got++;
      else if (st !== Status.WANT_READ) throw new Error('read failed: ' + st);
      else {
        const took = r.server.receive(wire, off, wireLen - off);
        if (took === 0) throw new Error('out of records');
        off += took;
      }
    }
  });
  return { write, read };
}

export async function runMemory(o: MemoryOptions): Promise<MemoryResult> {
  const providers = await loadProviders(o.providers);
  const bracket = bracketCost();
  const configs: MemoryResult['configs'] = [];
  for (const c of configurations(o.selection)) {
    const entry = { config: c, label: configLabel(c), providers: {} as Record<string, HandshakeHeap> };
    for (const [name, crypto] of providers) {
      entry.providers[name] = handshakeHeap(c, microContextFor('client', c, crypto), microContextFor('server', c, crypto), bracket);
    }
    configs.push(entry);
    const h = entry.providers[[...providers.keys()][0]];
    o.log(`memory ${entry.label}: arena ${h.arena.client.total} / ${h.arena.server.total} B, handshake allocates ${h.allocated.client} / ${h.allocated.server} B`);
  }
  const steady: MemoryResult['steadyState'] = [];
  for (const suite of o.selection.suites) {
    for (const [name, crypto] of providers) {
      const s = steadyState(suite, crypto, o.records, bracket);
      steady.push({ suite, provider: name, ...s });
      o.log(`memory steady state ${suite} ${name}: write ${num(s.write.bytesPerRecord)} B/record, read ${num(s.read.bytesPerRecord)} B/record`);
    }
  }
  const result: MemoryResult = {
    bench: 'memory',
    machine: machineInfo(),
    method: METHOD,
    options: { records: o.records, providers: [...providers.keys()] },
    configs,
    steadyState: steady,
    xs: await xsMemory(),
  };
  writeResults(o.out, 'memory', result, markdown(result));
  return result;
}

const kb = (n: number): string => num(n / 1024) + ' KiB';

function markdown(r: MemoryResult): string {
  let md = `# Memory benchmark\n\n${machineLine(r.machine)}\n\n`;
  md += `## Steady state: heap allocated per application record (${RECORD} bytes, ${r.options.records} records)\n\n${METHOD.steadyState}\n\n`;
  md += table(['suite', 'provider', 'write B/record', 'read B/record', 'GCs seen (write/read)'],
    r.steadyState.map((s) => [s.suite, s.provider, num(s.write.bytesPerRecord), num(s.read.bytesPerRecord), `${s.write.gcs}/${s.read.gcs}`]));
  md += `\n## Per configuration: arena, heap allocated by one handshake, heap kept afterwards\n\n${METHOD.heap}\n\n`;
  for (const p of r.options.providers) {
    md += `### Provider ${p}\n\n`;
    md += table(['configuration', 'arena client', 'arena server', 'handshake allocates (client)', '(server)', 'kept after (client)', '(server)', 'GCs'],
      r.configs.map((x) => {
        const h = x.providers[p];
        return [x.label, kb(h.arena.client.total), kb(h.arena.server.total), kb(h.allocated.client), kb(h.allocated.server),
          kb(h.retained.client), kb(h.retained.server), String(h.gcs)];
      }));
    md += '\n';
  }
  const a = r.configs[0]?.providers[r.options.providers[0]]?.arena;
  if (a) {
    md += `Arena layout (${r.configs[0].label}), bytes:\n\n`;
    md += table(['side', 'in record', 'out records', 'handshake in', 'handshake out', 'total'],
      (['client', 'server'] as const).map((side) => [side, String(a[side].inBuf), String(a[side].outBuf), String(a[side].handshakeIn), String(a[side].handshakeOut), String(a[side].total)]));
    md += '\n';
  }
  md += `## XS\n\n${r.xs.summary}\n`;
  return md;
}
