// bench/memory: per configuration the connection arena, the JS heap the
// handshake allocates (per side) and what the connections keep afterwards;
// then, per suite, the bytes allocated per application record in steady
// state, writing and reading (the target is zero). The measurements run in
// a child process with the V8 flags they need (lib/heap.ts).
import { fork } from 'node:child_process';
import type { Config, Selection, SuiteName } from './lib/configs.js';
import { HEAP_FLAGS, METHOD, type HandshakeHeap, type HeapOptions, type HeapResult, type SteadyStateRow } from './lib/heap.js';
import { machineInfo, machineLine, type Machine } from './lib/machine.js';
import { num, table, writeResults } from './lib/report.js';
import { xsMemory, type XsResult } from './xs.js';

export interface MemoryOptions {
  /** The configurations whose handshake heap is measured. */
  selection: Selection;
  /** The suites whose steady state (bytes per record) is measured. */
  suites: readonly SuiteName[];
  providers: string[];
  records: number;
  /** Measure the XS heap too. */
  xs: boolean;
  out: string;
  log(line: string): void;
}

export interface MemoryResult {
  bench: 'memory';
  machine: Machine;
  method: typeof METHOD;
  options: { records: number; providers: string[] };
  configs: { config: Config; label: string; providers: Record<string, HandshakeHeap> }[];
  steadyState: SteadyStateRow[];
  xs: XsResult;
}

/** Runs lib/heap-worker.js with HEAP_FLAGS, passing its log lines on; bounded to 10 minutes. */
function measureInWorker(o: HeapOptions, log: (line: string) => void): Promise<HeapResult> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // under node --test, the worker is no test file
  const child = fork(new URL('./lib/heap-worker.js', import.meta.url), [], { execArgv: HEAP_FLAGS, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('memory measurements took over 10 minutes'));
    }, 600_000);
    child.on('message', (m: { log?: string; result?: HeapResult; error?: string }) => {
      if (m.log !== undefined) log(m.log);
      if (m.error !== undefined) reject(new Error('heap worker: ' + m.error));
      if (m.result) resolve(m.result);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error('heap worker exited (' + code + ') without a result'));
    });
    child.send(o);
  });
}

export async function runMemory(o: MemoryOptions): Promise<MemoryResult> {
  const m = await measureInWorker({ selection: o.selection, suites: o.suites, providers: o.providers, records: o.records }, o.log);
  const result: MemoryResult = {
    bench: 'memory',
    machine: machineInfo(),
    method: METHOD,
    options: { records: o.records, providers: m.providers },
    configs: m.configs,
    steadyState: m.steadyState,
    xs: o.xs ? await xsMemory() : { status: 'skipped', summary: 'Not run (--no-xs).' },
  };
  writeResults(o.out, 'memory', result, markdown(result));
  return result;
}

const kb = (n: number): string => num(n / 1024) + ' KiB';

function markdown(r: MemoryResult): string {
  let md = `# Memory benchmark\n\n${machineLine(r.machine)}\n\n`;
  md += `## Steady state: heap allocated per application record (1024 bytes, runs of ${r.options.records} records)\n\n${METHOD.steadyState}\n\n`;
  md += `${METHOD.apiFloor}\n\n`;
  md += table(['suite', 'provider', 'write B/record', 'read B/record', 'GCs seen (write/read)', 'node:crypto API alone (write/read)'],
    r.steadyState.map((s) => [s.suite, s.provider, num(s.write.bytesPerRecord), num(s.read.bytesPerRecord), `${s.write.gcs}/${s.read.gcs}`,
      s.apiFloor ? `${num(s.apiFloor.write)} / ${num(s.apiFloor.read)}` : '–']));
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
    md += table(['side', 'in record', 'out records', 'of which flight', 'largest message in', 'total'],
      (['client', 'server'] as const).map((side) => [side, String(a[side].inBuf), String(a[side].outBuf), String(a[side].flight), String(a[side].message), String(a[side].total)]));
    md += '\n';
  }
  md += `## XS\n\n${r.xs.summary}\n`;
  return md;
}
