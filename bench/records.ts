// bench/records: the record path in memory against the raw AEAD of the same
// provider. One 16 KB application record written by one connection, taken
// out, handed to the other and read (write, takeOutput, receive, read: the
// AEAD seals and opens it once) against sealing and opening 16 KB + 1 with
// the provider's AEAD state directly. The ratio says what the record layer
// and the connection (framing, nonces, copies) cost on top of the cipher.
import { CipherSuite, type CryptoProvider } from '../core/index.js';
import { DEFAULT_CONFIG, SUITE_LABEL, loadProviders, microContextFor, modeOf, type SuiteName } from './lib/configs.js';
import { handshakeOnce, timer } from './lib/inmemory.js';
import { machineInfo, machineLine, processCpuMs, type Machine } from './lib/machine.js';
import { num, table, times, writeResults } from './lib/report.js';
import { summarize } from '../ports/node/stats.js';

export const RECORD = 16384;

export interface RecordsOptions {
  suites: readonly SuiteName[];
  providers: string[];
  /** Interleaved rounds per suite and provider. */
  rounds: number;
  out: string;
  log(line: string): void;
}

export const METHOD = `In memory, one process. Record path: a ${RECORD}-byte write() on one connection of a pair, takeOutput() into a ` +
  `buffer, receive() on the other connection and read() of the ${RECORD} bytes (the AEAD seals and opens one record). Raw AEAD: ` +
  `seal and open of ${RECORD + 1} bytes (the inner plaintext) with the provider's AEAD state. Each round times a batch of each ` +
  '(at least 20 ms, after 200 ms of warm-up) with process CPU time (process.cpuUsage()), record path and raw AEAD taking turns; the times are the medians over ' +
  'the rounds, in µs per record, and the throughput ratio is the median over the rounds of raw AEAD time / record path time ' +
  '(1 means the record layer costs nothing; each round\'s pair of batches ran back to back, under the same load).';

export interface RecordsRow {
  suite: SuiteName;
  provider: string;
  recordUs: number;
  rawUs: number;
  /** Raw AEAD time / record path time (record path throughput as a share of the raw AEAD's): the median of each round's. */
  ratio: number | null;
  rounds: number;
}

export interface RecordsResult {
  bench: 'records';
  machine: Machine;
  method: string;
  options: { record: number; rounds: number };
  rows: RecordsRow[];
}

/** Calls per batch so that one batch takes at least BATCH_MS of wall time. */
function batch(fn: () => void): number {
  let k = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < k; i++) fn();
    if (performance.now() - t >= BATCH_MS || k >= 1 << 14) return k;
    k *= 2;
  }
}

const BATCH_MS = 20;
const WARMUP_MS = 200;

/** CPU time (µs) per call over k calls. */
function cpuUs(fn: () => void, k: number): number {
  const t = processCpuMs();
  for (let i = 0; i < k; i++) fn();
  return ((processCpuMs() - t) * 1000) / k;
}

function measure(suite: SuiteName, provider: CryptoProvider, rounds: number): { recordUs: number; rawUs: number; ratio: number } {
  const config = { ...DEFAULT_CONFIG, suite };
  const { client, server } = handshakeOnce(microContextFor('client', config, provider), microContextFor('server', config, provider),
    modeOf('full'), {}, timer().meter);
  const msg = new Uint8Array(RECORD).fill(0x61);
  const wire = new Uint8Array(RECORD + 512);
  const dst = new Uint8Array(RECORD);
  const recordPath = (): void => {
    if (client.write(msg) !== RECORD) throw new Error('write failed');
    let len = 0;
    for (let n; (n = client.takeOutput(wire, len)) > 0; ) len += n;
    for (let off = 0, got = 0; got < RECORD; ) {
      const r = server.read(dst, got);
      if (r > 0) got += r;
      else if (off < len) off += server.receive(wire, off, len - off);
      else throw new Error('read failed: ' + r);
    }
  };
  const aead = provider.aead(CipherSuite[suite])!;
  const state = aead.create(new Uint8Array(aead.keyLen).fill(3));
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(5);
  const buf = new Uint8Array(RECORD + 1 + aead.tagLen).fill(0x61);
  const raw = (): void => {
    state.seal(nonce, aad, buf, 0, RECORD + 1);
    if (!state.open(nonce, aad, buf, 0, RECORD + 1)) throw new Error('raw AEAD: open failed');
  };
  // Warm-up: the JIT compiles both paths (and the first suite measured pays no more for it than the others).
  for (const t = performance.now(); performance.now() - t < WARMUP_MS; ) {
    recordPath();
    raw();
  }
  const kRecord = batch(recordPath);
  const kRaw = batch(raw);
  const rec: number[] = [];
  const rw: number[] = [];
  for (let i = 0; i < rounds; i++) {
    rec.push(cpuUs(recordPath, kRecord));
    rw.push(cpuUs(raw, kRaw));
  }
  return { recordUs: summarize(rec).median, rawUs: summarize(rw).median, ratio: summarize(rw.map((r, i) => r / rec[i])).median };
}

export async function runRecords(o: RecordsOptions): Promise<RecordsResult> {
  const providers = await loadProviders(o.providers);
  const rows: RecordsRow[] = [];
  for (const suite of o.suites) {
    for (const [name, provider] of providers) {
      const m = measure(suite, provider, o.rounds);
      const row = { suite, provider: name, ...m, rounds: o.rounds };
      rows.push(row);
      o.log(`records ${SUITE_LABEL[suite]} ${name}: record path ${num(m.recordUs)} µs, raw AEAD ${num(m.rawUs)} µs per ${RECORD} B (${times(row.ratio)})`);
    }
  }
  const result: RecordsResult = { bench: 'records', machine: machineInfo(), method: METHOD, options: { record: RECORD, rounds: o.rounds }, rows };
  writeResults(o.out, 'records', result, markdown(result));
  return result;
}

function markdown(r: RecordsResult): string {
  let md = `# Record path against the raw AEAD\n\n${machineLine(r.machine)}\n\n${r.method}\n\n${r.options.rounds} rounds.\n\n`;
  md += table(['suite', 'provider', 'record path µs', 'raw AEAD µs', 'raw / record path', 'record path MB/s'],
    r.rows.map((x) => [SUITE_LABEL[x.suite], x.provider, num(x.recordUs), num(x.rawUs), times(x.ratio), num(r.options.record / x.recordUs)]));
  return md;
}
