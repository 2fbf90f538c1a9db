// XS figures through the xsnap tool (scripts/xsnap.mjs builds it from the
// @agoric/xsnap sources): the default handshake timed on XS and, with the
// same code, on Node for the XS/Node ratio; and the XS heap (chunks and
// slots) around one handshake, from the report build of xsnap. Skipped, with
// the reason, when xsnap cannot be built or run here.
import { CipherSuite, Context, NamedGroup } from '../core/index.js';
import { built, dist, pkiFiles, pkiModule, prepare, runXsModule, spec } from '../test/xs/xs.js';
import { DEFAULT_CONFIG, configLabel, CERTS } from './lib/configs.js';
import { num } from './lib/report.js';
import { ratio, summarize, type Summary } from '../ports/node/stats.js';
import { handshakeTimes, type XsConfig } from './lib/xs-run.js';

export interface XsResult {
  status: 'measured' | 'skipped';
  /** One Markdown paragraph for the reports. */
  summary: string;
  config?: string;
  handshake?: {
    n: number;
    xs: { client: Summary; server: Summary };
    node: { client: Summary; server: Summary };
    /** XS median over Node median, per side. */
    ratio: { client: number | null; server: number | null };
  };
  memory?: {
    /** Heap figures (bytes) printed by the collection after each phase. */
    phases: Record<string, { chunk: HeapFigures; slot: HeapFigures }>;
    /** Largest heap use during the handshake (both sides in one machine) above the idle use. */
    handshakePeak: { chunk: number; slot: number };
    /** What each connection keeps after its handshake. */
    client: { chunk: number; slot: number };
    server: { chunk: number; slot: number };
  };
}

export interface HeapFigures {
  used: number;
  peak: number;
}

const CONFIG: XsConfig = {
  suite: CipherSuite[DEFAULT_CONFIG.suite],
  group: NamedGroup[DEFAULT_CONFIG.group],
  cert: CERTS[DEFAULT_CONFIG.cert].pki,
};
const LABEL = configLabel(DEFAULT_CONFIG);
const LIB = dist('moddable/full.js');
const RUNNER = built('bench/lib/xs-run.js');

const skipped = (why: unknown): XsResult => ({
  status: 'skipped',
  summary: 'Skipped: ' + (why instanceof Error ? why.message.split('\n')[0] : String(why)),
});

/** Runs `body` (module source using lib, runner and pki) on XS; returns its stdout, or throws with what went wrong. */
async function onXs(variant: 'plain' | 'report', imports: string, body: string): Promise<string> {
  const xsnap = await prepare(variant);
  const main = [
    `import * as lib from ${spec(LIB)};`,
    `import { ${imports} } from ${spec(RUNNER)};`,
    `import pki from './pki.js';`,
    `try {`,
    body,
    `} catch (e) {`,
    `  print('ERROR ' + e + (e && e.stack ? '\\n' + e.stack : ''));`,
    `}`,
  ].join('\n');
  const r = await runXsModule(xsnap, { 'main.mjs': main, 'pki.js': pkiModule() }, 'main.mjs', 600_000);
  const error = r.stdout.indexOf('ERROR ');
  if (r.status !== 0 || error >= 0) throw new Error('XS run failed: ' + (error >= 0 ? r.stdout.slice(error) : r.stderr || 'exit ' + r.status));
  return r.stdout;
}

/** The default handshake, n times after a warm-up, on XS and on Node with the same code. */
export async function xsHandshake(n: number, warmup: number): Promise<XsResult> {
  let out: string;
  try {
    out = await onXs('plain', 'handshakeTimes',
      `  print('RESULT ' + JSON.stringify(handshakeTimes(lib, pki, ${JSON.stringify(CONFIG)}, ${n}, ${warmup})));`);
  } catch (e) {
    return skipped(e);
  }
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) return skipped('no result from XS');
  const onXsTimes = JSON.parse(line.slice('RESULT '.length)) as { client: number[]; server: number[] };
  // Node's JIT needs more warm-up than XS's interpreter to reach its steady speed.
  const onNode = handshakeTimes({ Context }, pkiFiles(), CONFIG, Math.max(n, 20), 20);
  const xs = { client: summarize(onXsTimes.client), server: summarize(onXsTimes.server) };
  const node = { client: summarize(onNode.client), server: summarize(onNode.server) };
  const r = { client: ratio(xs.client.median, node.client.median), server: ratio(xs.server.median, node.server.median) };
  return {
    status: 'measured',
    config: LABEL,
    handshake: { n, xs, node, ratio: r },
    summary: `${LABEL} on XS (xsnap, same host), engine time in memory, median of ${n}: client ${num(xs.client.median)} ms, ` +
      `server ${num(xs.server.median)} ms; XS/Node ${num(r.client)}x (client) and ${num(r.server)}x (server), against the same code ` +
      `on Node (${num(node.client.median)} / ${num(node.server.median)} ms).`,
  };
}

const REPORT = /^# (Chunk|Slot) collection: reserved \d+ used (\d+) peak (\d+) bytes/;

/** The chunk and slot figures of the first collection after each "PHASE name" line. */
export function parsePhases(stdout: string): Record<string, { chunk: HeapFigures; slot: HeapFigures }> {
  const phases: Record<string, { chunk: HeapFigures; slot: HeapFigures }> = {};
  let phase: string | null = null;
  let seen: Partial<{ chunk: HeapFigures; slot: HeapFigures }> = {};
  for (const line of stdout.split('\n')) {
    if (line.startsWith('PHASE ')) {
      phase = line.slice(6).trim();
      seen = {};
      continue;
    }
    const m = phase ? REPORT.exec(line) : null;
    if (!m || !phase) continue;
    const kind = m[1] === 'Chunk' ? 'chunk' : 'slot';
    if (!seen[kind]) seen[kind] = { used: Number(m[2]), peak: Number(m[3]) };
    if (seen.chunk && seen.slot) {
      phases[phase] = { chunk: seen.chunk, slot: seen.slot };
      phase = null;
    }
  }
  return phases;
}

/** XS heap around one default handshake (both sides in one machine), from the report build of xsnap. */
export async function xsMemory(): Promise<XsResult> {
  let out: string;
  try {
    out = await onXs('report', 'memoryPhases', `  memoryPhases(lib, pki, ${JSON.stringify(CONFIG)}, print, () => gc());`);
  } catch (e) {
    return skipped(e);
  }
  const p = parsePhases(out);
  const { idle, handshake, client, none } = p;
  if (!idle || !handshake || !client || !none) return skipped('the report build printed no heap figures for every phase');
  const diff = (a: { chunk: HeapFigures; slot: HeapFigures }, b: { chunk: HeapFigures; slot: HeapFigures }) =>
    ({ chunk: a.chunk.used - b.chunk.used, slot: a.slot.used - b.slot.used });
  const memory = {
    phases: p,
    handshakePeak: { chunk: handshake.chunk.peak - idle.chunk.used, slot: handshake.slot.peak - idle.slot.used },
    client: diff(client, none),
    server: diff(handshake, client),
  };
  const kb = (n: number): string => num(n / 1024) + ' KiB';
  return {
    status: 'measured',
    config: LABEL,
    memory,
    summary: `${LABEL} on XS (xsnap report build, 64-bit host: slots are about half the size on ESP32; heaps start at 32 KB of chunks ` +
      `and 2048 slots and grow as needed, as Moddable's host defaults): during the handshake, client and server in one machine, the heap ` +
      `peaked ${kb(memory.handshakePeak.chunk)} of chunks and ${kb(memory.handshakePeak.slot)} of slots above idle; afterwards the client ` +
      `connection keeps ${kb(memory.client.chunk)} of chunks and ${kb(memory.client.slot)} of slots, the server connection ` +
      `${kb(memory.server.chunk)} and ${kb(memory.server.slot)}.`,
  };
}
