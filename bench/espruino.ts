// npm run bench:espruino: dist/espruino/client-psk.js on the real Espruino
// interpreter (test/espruino/engine.ts), against openssl s_server -psk on
// 127.0.0.1, written to bench/results/espruino.{json,md}:
//   - memory on espruino-12k (12,000 blocks, code in place as from a board's
//     flash): blocks once the bundle is loaded, for the context the
//     application makes once (the starting figure: loaded and context made,
//     before the first connection), at the peak of psk_ke connections
//     (max_fragment_length 1024) on that context, and after each of three
//     in a row, with what the first one left in the root scope by name; the
//     same for three psk_dhe_ke connections on a dhe context; the peak of a
//     connection whose connect() makes its own context; the same figures on
//     the stock CLI (code copied into RAM; its blocks are bigger);
//   - CPU time per handshake on the host build (stock): a run of N connections less
//     a run that only loads the bundle, by process CPU time (bash `times`).
// Memory is read with process.memory(), which collects garbage first; the
// peak is sampled at every engine state change (the debug hook) and socket
// event, so it is the largest live figure at those points.
// ESPRUINO_12K_BIN / ESPRUINO_BIN name the binaries (default: ../shared/tools/espruino).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CipherSuite } from '../core/registry.js';
import { packageRoot } from '../ports/node/files.js';
import { cleanup, opensslServer } from '../test/helpers/peers.js';
import { betweens, driver, driverReports, type DriverConnection, type DriverReport } from '../test/espruino/driver.js';
import { espruinoBundle, runScript, type EngineRun } from '../test/espruino/engine.js';
import { IDENTITY, KEY_HEX } from '../test/espruino/psk-peer.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { defaultResultsDir, num, table, writeResults } from './lib/report.js';

const SHARED = join(packageRoot(), '..', 'shared', 'tools', 'espruino');
const binary = (variable: string, file: string): string | null => {
  const p = process.env[variable] || join(SHARED, file);
  return existsSync(p) ? p : null;
};

const SUITES: [string, number][] = [
  ['TLS_AES_128_CCM_8_SHA256', CipherSuite.TLS_AES_128_CCM_8_SHA256],
  ['TLS_AES_128_CCM_SHA256', CipherSuite.TLS_AES_128_CCM_SHA256],
  ['TLS_AES_128_GCM_SHA256', CipherSuite.TLS_AES_128_GCM_SHA256],
];
const TARGETS = { loaded: 4500, peak: 1500, free: 6000, drift: 50 };
/** Connections per suite for the CPU figure. */
const CPU_N = 10;
const PSK = { identity: IDENTITY, key: KEY_HEX };

interface MemoryFigures {
  binary: string;
  blockSize: number;
  total: number;
  /** Blocks in use once the bundle is loaded (and require("net"), require("crypto") made). */
  loaded: number;
  /** Blocks in use once the shared context is made (null: each connect() made its own). */
  context: number | null;
  /** Per connection: blocks before, at the sampled peak, with the connection secure, after close. */
  connections: { before: number; peak: number; secure: number; after: number; arena: number }[];
  /** Entries of the root scope whose blocks the first connection changed: name -> blocks more after it. */
  firstLeft: Record<string, number>;
}

/** Runs the bundle and `connections` with memory sampling; the reports and the load figure. */
async function memoryRun(bin: string, bundle: string, port: number, n: number, shared: boolean, dhe = false): Promise<MemoryFigures> {
  const conns: DriverConnection[] = Array.from({ length: n }, () => ({ port, psk: PSK, size: 100, close: 'client', ...(dhe ? { dhe } : {}) }));
  // The application's own modules are required before the first figure, as an application would hold them.
  const run = await runScript(bin, [bundle, 'require("net"); require("crypto");', driver(conns, true, shared),
    'report({ memory: process.memory() });'], 60000);
  const reports = expectReports(run, n);
  const loaded = run.reports.find((r) => typeof r.loaded === 'number')!.loaded as number;
  const context = shared ? run.reports.find((r) => typeof r.context === 'number')!.context as number : null;
  const memory = run.reports.find((r) => r.memory)!.memory as { blocksize: number; total: number };
  const [start, afterFirst] = betweens(run).map((b) => b.roots!);
  const firstLeft: Record<string, number> = {};
  for (const name of new Set([...Object.keys(start), ...Object.keys(afterFirst)])) {
    const d = (afterFirst[name] ?? 0) - (start[name] ?? 0);
    if (d !== 0) firstLeft[name] = d;
  }
  return {
    binary: bin, blockSize: memory.blocksize, total: memory.total, loaded, context,
    connections: reports.map((r) => ({ before: r.before, peak: r.peak, secure: r.secure, after: r.after, arena: r.arena })),
    firstLeft,
  };
}

function expectReports(run: EngineRun, n: number): DriverReport[] {
  const reports = driverReports(run);
  const bad = reports.find((r) => r.error || r.thrown);
  if (reports.length !== n || bad) throw new Error('Espruino run failed: ' + JSON.stringify(bad ?? run.reports) + '\n' + run.output.slice(-2000));
  return reports;
}

async function cpuRun(bin: string, bundle: string, conns: DriverConnection[]): Promise<number> {
  const run = await runScript(bin, [bundle, driver(conns)], 300000);
  expectReports(run, conns.length);
  return run.cpuMs;
}

async function main(): Promise<void> {
  const board = binary('ESPRUINO_12K_BIN', 'espruino-12k');
  const stock = binary('ESPRUINO_BIN', 'espruino');
  const out = process.argv[2] ?? defaultResultsDir();
  if (!board || !stock) {
    console.log('bench:espruino skipped: set ESPRUINO_12K_BIN and ESPRUINO_BIN (or put ../shared/tools/espruino beside the checkout)');
    return;
  }
  const bundle = await espruinoBundle();
  const total = CPU_N * SUITES.length + 1 + 3 + 3 + 1 + 1;
  const srv = await opensslServer({
    nocert: true, naccept: total, ciphersuites: SUITES.map((s) => s[0]).join(':'),
    extra: ['-psk', KEY_HEX, '-psk_identity', IDENTITY, '-allow_no_dhe_kex'],
  });
  try {
    const onBoard = await memoryRun(board, bundle, srv.port, 3, true);
    const dheBoard = await memoryRun(board, bundle, srv.port, 3, true, true);
    const ownContext = await memoryRun(board, bundle, srv.port, 1, false);
    const onStock = await memoryRun(stock, bundle, srv.port, 1, false);
    // CPU on the stock build: its store grows, so the count of connections is not bounded by the 12,000 blocks.
    const idle = await cpuRun(stock, bundle, []);
    const cpu: Record<string, number> = {};
    for (const [name, code] of SUITES) {
      const ms = await cpuRun(stock, bundle, Array.from({ length: CPU_N }, () => ({ port: srv.port, psk: PSK, suites: [code], size: 100, close: 'client' }) as DriverConnection));
      cpu['psk_ke ' + name] = (ms - idle) / CPU_N;
    }
    cpu['psk_dhe_ke TLS_AES_128_CCM_8_SHA256'] = (await cpuRun(stock, bundle, [{ port: srv.port, psk: PSK, dhe: true, size: 100, close: 'client' }])) - idle;
    report(out, { onBoard, dheBoard, ownContext, onStock, cpu, loadCpuMs: idle, bundleBytes: Buffer.byteLength(bundle) });
  } finally {
    await srv.stop();
    await cleanup();
  }
}

const signed = (n: number): string => (n >= 0 ? '+' : '') + n;

function report(out: string, r: {
  onBoard: MemoryFigures; dheBoard: MemoryFigures; ownContext: MemoryFigures; onStock: MemoryFigures; cpu: Record<string, number>; loadCpuMs: number; bundleBytes: number;
}): void {
  const b = r.onBoard;
  const start = b.connections[0].before;
  const first = b.connections[0];
  const top = Math.max(...b.connections.map((c) => c.peak));
  const peak = top - start;
  const free = b.total - top;
  const drift = b.connections.map((c) => c.after - start);
  const own = r.ownContext.connections[0];
  const ok = (v: boolean) => (v ? 'met' : '**not met**');
  const s = r.onStock;
  const d = r.dheBoard;
  const dStart = d.connections[0].before;
  const dDrift = d.connections.map((c) => c.after - dStart);
  const left = Object.entries(b.firstLeft).map(([k, v]) => '`' + k + '` ' + signed(v)).join(', ');
  const md = `# Espruino: the client-psk bundle on the real interpreter

${machineLine(machineInfo())}

dist/espruino/client-psk.js (${r.bundleBytes.toLocaleString('en')} bytes) on Espruino 2v29 (Linux builds, ../shared/tools/espruino),
against openssl s_server -psk over 127.0.0.1, psk_ke, max_fragment_length 1024, a 100-byte line each way.
Blocks from process.memory().usage (after a garbage collection); the peak is sampled at every engine state
change and socket event. Command: \`npm run bench:espruino\`.

## Memory on espruino-12k (${b.total.toLocaleString('en')} blocks of ${b.blockSize} bytes, code in place as from flash)

The application makes its context once (\`microtls.espruinoContext(require("crypto"), { psk: ... })\`) and
passes it to every \`microtls.connect({ ..., context })\`, as README shows. The starting figure is the one
before the first connection: the bundle loaded, net and crypto required, the context made. It and the figure
after each close are read alike, from a timer, with nothing of the test driver's connections alive.

${table(['figure', 'blocks', 'target', ''], [
    ['loaded (bundle in place, net and crypto required)', String(b.loaded), '<= ' + TARGETS.loaded, ok(b.loaded <= TARGETS.loaded)],
    ['the context, made once', '+' + (b.context! - b.loaded), '', ''],
    ['starting figure (loaded, context made, before the first connection)', String(start), '', ''],
    ['peak of a psk_ke connection (the highest of the three), above the starting figure', '+' + peak, '<= +' + TARGETS.peak, ok(peak <= TARGETS.peak)],
    ['free for the application at that peak', String(free), '>= ' + TARGETS.free, ok(free >= TARGETS.free)],
    ...b.connections.map((_, i) => ['after close of connection ' + (i + 1) + ', vs. the starting figure', signed(drift[i]),
      'within ' + TARGETS.drift, ok(Math.abs(drift[i]) <= TARGETS.drift)]),
    ['peak of one connection whose connect() makes its own context (psk, crypto options)', '+' + (own.peak - own.before), '', ''],
  ])}
The peak includes the test driver's own record of the connection (its events and reply). Of the peak, the
connection's arena is ${first.arena.toLocaleString('en')} bytes (about ${Math.ceil(first.arena / b.blockSize)} blocks); the rest is the connection's objects (handshake
state, record protection, socket) and what the handshake allocates on the way.
Per connection (blocks): ${b.connections.map((c, i) => `#${i + 1} before ${c.before}, peak ${c.peak}, secure ${c.secure}, after ${c.after}`).join('; ')}.
What the first connection left, by entry of the root scope (\`E.getSizeOf(global, 1)\`): ${left || 'nothing'}.
Espruino makes a built-in class's object (its prototype and constructor) in the root scope the first time
an instance is made, and its net library its socket class and connection list (under the hidden \`\\xFF\`) on
the program's first socket, whatever opens it; both stay for the rest of the program.

psk_dhe_ke, three connections on a context made with \`dhe: true\` (which makes X25519's working memory with
it; a psk_ke context never makes it): the context +${d.context! - d.loaded} blocks, the peak +${Math.max(...d.connections.map((c) => c.peak)) - dStart} above the starting
figure (${dStart}), after each close ${dDrift.map(signed).join(', ')} (${ok(dDrift.every((x) => Math.abs(x) <= TARGETS.drift))}: within ${TARGETS.drift}).

## Memory on the stock CLI (${s.total.toLocaleString('en')} blocks of ${s.blockSize} bytes, code copied into RAM)

Loaded: ${s.loaded} blocks (${num(s.loaded * s.blockSize / 1024)} KiB); one connection (making its own context) peaks at
+${s.connections[0].peak - s.connections[0].before} blocks. Copied into RAM, the bundle alone takes more than the whole store of a 12,000-block
board (${num(12000 * b.blockSize / 1024)} KiB in ${b.blockSize}-byte blocks, ${num(12000 * 14 / 1024)} KiB in a 32-bit build's 14-byte blocks): run it from Storage (README).

## CPU time per handshake (the stock Linux build on this host)

Process CPU time of ${CPU_N} connections less a run that only loads the bundle (${num(r.loadCpuMs)} ms); psk_dhe_ke once.

${table(['handshake', 'CPU ms'], Object.entries(r.cpu).map(([k, v]) => [k, num(v)]))}`;
  const written = writeResults(out, 'espruino', { machine: machineInfo(), targets: TARGETS, ...r }, md);
  console.log(md);
  console.log('wrote ' + written.join(', '));
}

await main();
