// Heap measurements on Node, for bench/memory. They run in a process started
// with --expose-gc and --no-concurrent-sweeping (heap-worker.ts): with
// concurrent sweeping, heap use read right after a full GC drifts by a few
// hundred KB from one GC to the next, more than a connection keeps; and with
// concurrent recompilation an optimizing job finished in the background lands
// on the heap between two readings (a "kept" figure once came out -200 KB).
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import { GCProfiler, getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { Status, type ArenaLayout, type Context, type CryptoProvider } from '../../core/index.js';
import type { Connection } from '../../core/engine/connection.js';
import {
  DEFAULT_CONFIG, configLabel, configurations, loadProviders, microContextFor, modeOf,
  type Config, type Selection, type SuiteName,
} from './configs.js';
import { handshakeOnce, timer, type Meter } from './inmemory.js';
import { num } from './report.js';
import { summarize } from '../../ports/node/stats.js';

/**
 * A young generation large enough (64 MB semi-spaces) that no scavenge runs
 * inside one measured handshake: a collection there frees garbage made
 * before the call too, which would be counted against whichever side
 * happened to trigger it.
 */
export const HEAP_FLAGS = ['--expose-gc', '--no-concurrent-sweeping', '--no-concurrent-recompilation', '--min-semi-space-size=64', '--max-semi-space-size=64'];

export const METHOD = {
  heap: 'Node heap, in a process run with ' + HEAP_FLAGS.join(' ') + ': "used" is the sum of v8.getHeapSpaceStatistics() ' +
    'space_used_size over every space but compiled code, plus external memory (ArrayBuffer contents, v8.getHeapStatistics().external_memory). ' +
    'Allocated = used after less used before, plus what each garbage collection in between freed (a GCProfiler around the reading gives ' +
    'every collection\'s before/after use), less the cost of an empty measurement. After 5 warm-up handshakes, 5 handshakes each after a full collection: each engine call of a ' +
    'handshake (connection creation, connect(), accept()) is measured so and summed per side, the median of the 5 per side. Kept: the drop in used (after full GCs) when ' +
    'the server connection, then the client connection, is let go; median of 3 handshakes.',
  steadyState: 'In memory, after the handshake and a warm-up of 3N records (at least 5000): application records of 1024 bytes written (write() then ' +
    'takeOutput(), output dropped) or read (receive() of records the peer made beforehand, then read()), 5 runs of N records after a full GC ' +
    'each; allocated (as above) in the median run, divided by N. A one-off (a late JIT compilation) lands in one run, an allocation per ' +
    'record in all. A subarray view per record would show as ~100 bytes.',
  apiFloor: 'For node-crypto, the least node:crypto\'s one-shot cipher API allocates per record, measured the same way: a bare loop of ' +
    'createCipheriv, setAAD, update, final, getAuthTag (write) and createDecipheriv, setAuthTag, setAAD, update, final (read) on a ' +
    '1024-byte record in a larger buffer (update() gets a view of it, as a provider working in place on a record must give it), with ' +
    'no option objects.',
};

export interface HandshakeHeap {
  arena: { client: ArenaLayout; server: ArenaLayout };
  /** Bytes allocated by each side during one handshake (including its connection and arena). */
  allocated: { client: number; server: number };
  /** Bytes the connections keep after the handshake (a full GC then lets them go). */
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

export interface HeapOptions {
  /** The configurations whose handshake heap is measured. */
  selection: Selection;
  /** The suites whose steady state is measured. */
  suites: readonly SuiteName[];
  providers: string[];
  records: number;
}

export interface SteadyStateRow {
  suite: SuiteName;
  provider: string;
  write: SteadyState;
  read: SteadyState;
  /** node-crypto: what the bare node:crypto API allocates per record (write, read), else null. */
  apiFloor: { write: number; read: number } | null;
}

export interface HeapResult {
  providers: string[];
  configs: { config: Config; label: string; providers: Record<string, HandshakeHeap> }[];
  steadyState: SteadyStateRow[];
}

/** A full collection; the second one makes sure the ArrayBuffer contents the first freed are counted as freed. */
export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('heap measurements need node ' + HEAP_FLAGS.join(' '));
  collect();
  collect();
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
export function allocated<T>(call: () => T, bracket = 0): { value: T; bytes: number; gcs: number } {
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

/** What allocated() of an empty call reports right after a full GC, as the measurements are taken (median of 11; it changes as the process does). */
export function bracketCost(): number {
  const xs: number[] = [];
  for (let i = 0; i < 11; i++) {
    gc();
    xs.push(allocated(() => 0).bytes);
  }
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

/** Handshakes before the measured ones: the first ones after a context is made also allocate the JIT's feedback. */
const WARM_HANDSHAKES = 5;
const MEASURED_HANDSHAKES = 5;

function handshakeHeap(c: Config, cctx: Context, sctx: Context): HandshakeHeap {
  const mode = modeOf(c.mode);
  const state = {};
  for (let i = 0; i < WARM_HANDSHAKES; i++) handshakeOnce(cctx, sctx, mode, state, timer().meter);
  const bracket = bracketCost();
  const each = { client: [] as number[], server: [] as number[] };
  let gcs = 0;
  for (let i = 0; i < MEASURED_HANDSHAKES; i++) {
    const h = heapMeter(bracket);
    gc();
    handshakeOnce(cctx, sctx, mode, state, h.meter);
    each.client.push(h.bytes.client);
    each.server.push(h.bytes.server);
    gcs += h.gcs;
  }
  const kept = { client: [] as number[], server: [] as number[] };
  for (let round = 0; round < 3; round++) {
    const pair: { client: Connection | null; server: Connection | null } = handshakeOnce(cctx, sctx, mode, state, timer().meter);
    gc();
    const both = used();
    pair.server = null;
    gc();
    const client = used();
    if (!pair.client?.handshakeDone) throw new Error('handshake not done');
    pair.client = null;
    gc();
    kept.server.push(both - client);
    kept.client.push(client - used());
  }
  return {
    arena: { client: cctx.arenaLayout(), server: sctx.arenaLayout() },
    allocated: { client: summarize(each.client).median, server: summarize(each.server).median },
    retained: { client: summarize(kept.client).median, server: summarize(kept.server).median },
    gcs,
  };
}

const RECORD = 1024;
const RUNS = 5;
/**
 * Warm-up: V8 moves a hot loop through its compiler tiers over the first few
 * thousand iterations, so at least WARM_RECORDS records (as the allocation
 * test), and at least WARM_RUNS runs.
 */
const WARM_RUNS = 3;
const WARM_RECORDS = 5000;

/** Warm-up runs of n records. */
const warmRuns = (n: number): number => Math.max(WARM_RUNS, Math.ceil(WARM_RECORDS / n));

/**
 * Heap allocated per record: after the warm-up runs, RUNS runs of n
 * records each; the median run over n. A one-off (a late JIT compilation)
 * lands in one run, an allocation per record in all of them.
 */
function perRecord(n: number, run: (n: number) => void): SteadyState {
  for (let i = 0; i < warmRuns(n); i++) run(n);
  const bracket = bracketCost();
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

function steadyState(suite: SuiteName, crypto: CryptoProvider, n: number): { write: SteadyState; read: SteadyState } {
  const config = { ...DEFAULT_CONFIG, suite };
  const pair = (): { client: Connection; server: Connection } =>
    handshakeOnce(microContextFor('client', config, crypto), microContextFor('server', config, crypto), modeOf('full'), {}, timer().meter);
  const msg = new Uint8Array(RECORD).fill(0x61);
  const sink = new Uint8Array(64 * 1024);

  const w = pair();
  const write = perRecord(n, (k) => {
    for (let i = 0; i < k; i++) {
      if (w.client.write(msg) !== RECORD) throw new Error('write failed');
      while (w.client.takeOutput(sink) > 0);
    }
  });

  // Records for the reader, made beforehand by the peer: for the warm-up and every run.
  const r = pair();
  const total = (warmRuns(n) + RUNS) * n;
  const wire = new Uint8Array(total * (RECORD + 64));
  let wireLen = 0;
  for (let i = 0; i < total; i++) {
    if (r.client.write(msg) !== RECORD) throw new Error('write failed');
    for (let k; (k = r.client.takeOutput(wire, wireLen)) > 0; ) wireLen += k;
  }
  const buf = new Uint8Array(2 * RECORD);
  let off = 0;
  const read = perRecord(n, (k) => {
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

const NODE_CIPHER: Record<SuiteName, CipherGCMTypes | 'chacha20-poly1305'> = {
  TLS_AES_128_GCM_SHA256: 'aes-128-gcm',
  TLS_AES_256_GCM_SHA384: 'aes-256-gcm',
  TLS_CHACHA20_POLY1305_SHA256: 'chacha20-poly1305',
};

/**
 * Bytes per record of node:crypto's one-shot AEAD API itself, used in place
 * on a record in a larger buffer as a provider must (a view of the record's
 * bytes for update()): the least a provider on this API can allocate.
 */
function nodeApiFloor(suite: SuiteName, n: number): { write: number; read: number } {
  const alg = NODE_CIPHER[suite] as CipherGCMTypes;
  const key = Buffer.alloc(alg === 'aes-128-gcm' ? 16 : 32, 3);
  const nonce = Buffer.alloc(12, 1);
  const aad = Buffer.alloc(5, 23);
  const record = Buffer.alloc(5 + RECORD + 16, 0x61);
  const seal = (): Buffer => {
    const c = createCipheriv(alg, key, nonce);
    c.setAAD(aad);
    const out = c.update(record.subarray(5, 5 + RECORD));
    c.final();
    c.getAuthTag().copy(record, 5 + RECORD);
    return out;
  };
  const sealed = seal();
  const tag = Buffer.from(record.subarray(5 + RECORD));
  const open = (): void => {
    const d = createDecipheriv(alg, key, nonce);
    d.setAuthTag(tag);
    d.setAAD(aad);
    d.update(sealed.subarray(0, RECORD));
    d.final();
  };
  const write = perRecord(n, (k) => {
    for (let i = 0; i < k; i++) seal();
  });
  const read = perRecord(n, (k) => {
    for (let i = 0; i < k; i++) open();
  });
  return { write: write.bytesPerRecord, read: read.bytesPerRecord };
}

/** Every measurement of the memory bench; `log` gets a line per configuration. */
export async function measureHeap(o: HeapOptions, log: (line: string) => void): Promise<HeapResult> {
  const providers = await loadProviders(o.providers);
  const configs: HeapResult['configs'] = [];
  for (const c of configurations(o.selection)) {
    const entry = { config: c, label: configLabel(c), providers: {} as Record<string, HandshakeHeap> };
    for (const [name, crypto] of providers) {
      entry.providers[name] = handshakeHeap(c, microContextFor('client', c, crypto), microContextFor('server', c, crypto));
    }
    configs.push(entry);
    const h = entry.providers[[...providers.keys()][0]];
    log(`memory ${entry.label}: arena ${h.arena.client.total} / ${h.arena.server.total} B, ` +
      `handshake allocates ${h.allocated.client} / ${h.allocated.server} B, keeps ${h.retained.client} / ${h.retained.server} B`);
  }
  const steady: SteadyStateRow[] = [];
  for (const suite of o.suites) {
    for (const [name, crypto] of providers) {
      const s = steadyState(suite, crypto, o.records);
      const apiFloor = name === 'node-crypto' ? nodeApiFloor(suite, o.records) : null;
      steady.push({ suite, provider: name, ...s, apiFloor });
      log(`memory steady state ${suite} ${name}: write ${num(s.write.bytesPerRecord)} B/record, read ${num(s.read.bytesPerRecord)} B/record` +
        (apiFloor ? ` (node:crypto API alone: ${num(apiFloor.write)} / ${num(apiFloor.read)})` : ''));
    }
  }
  return { providers: [...providers.keys()], configs, steadyState: steady };
}
