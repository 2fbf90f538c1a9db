// bench/handshake: per configuration (suite x group x server certificate x
// mode), the microtls engine's CPU time per side in memory against the crypto
// floor, and the handshake over loopback TCP with each end in its own process
// (wall time, CPU per side), microtls and node:tls side by side.
import type { Context, CryptoProvider } from '../core/index.js';
import {
  CERTS, DEFAULT_CONFIG, SUITE_LABEL, changed, configLabel, configurations, loadProviders, microContextFor, modeOf,
  type Config, type Mode, type ModeState, type Selection,
} from './lib/configs.js';
import type { ClientSample, EndpointSpec, ServerSample } from './lib/endpoint.js';
import { cryptoFloor, summarizeFloor, type Floor, type FloorRound } from './lib/floor.js';
import { engineTimes, handshakeOnce, timer, type Wire } from './lib/inmemory.js';
import { NODE_TLS, cpuPerHandshake, duplexRunners, type DuplexRunner } from './lib/duplex.js';
import { machineInfo, machineLine, processCpuMs, type Machine } from './lib/machine.js';
import { Endpoint } from './lib/processes.js';
import { num, spread, table, times, writeResults } from './lib/report.js';
import { ratio, summarize, type Summary } from '../ports/node/stats.js';
import { barChart, type BarSeries } from './lib/svg.js';
import { xsHandshake, type XsResult } from './xs.js';

export interface HandshakeOptions {
  selection: Selection;
  providers: string[];
  /** Measured in-memory handshakes per configuration and provider. */
  n: number;
  /** Measured TCP handshakes per configuration and pairing. */
  tcpN: number;
  warmup: number;
  /** Run the loopback TCP comparison (else in memory only). */
  tcp: boolean;
  /** Handshakes of the default configuration on XS (null: not run). */
  xsN: number | null;
  out: string;
  log(line: string): void;
}

export const METHOD = {
  engine: 'In memory (sans-IO, one process): the process CPU time (process.cpuUsage(), user+system, all threads, so garbage collection ' +
    'counts) of each connect()/accept() call (and connection creation), summed per side per handshake. The handshakes run in rounds ' +
    'interleaved with rounds of the crypto floor; per side, the engine figure is the median over the rounds of the round\'s mean ' +
    'handshake, and the floor figure the median over the same rounds of the round\'s floor.',
  floor: 'The primitive operations the handshake needs per side, each timed alone with the same provider and the same clock (one batch ' +
    'of at least 1 ms per operation per round, CPU time per operation): ' +
    'with (EC)DHE a new key pair and its shared secret (one operation); with certificates the signature of each certificate of the peer chain and of its ' +
    'CertificateVerify, and our CertificateVerify signature; the transcript hashed once plus 5-7 snapshots; 23 HMACs of the key schedule ' +
    '(+3 with a PSK, +3 with 0-RTT, +1 per session ticket); 4-5 AEAD key setups; sealing and opening the encrypted bytes; the server\'s ' +
    'sealing of each ticket (and opening of one when resuming) (bench/lib/floor.ts). ratio = engine time / floor.',
  tcp: 'Loopback TCP (127.0.0.1), client and server each in its own forked process (2 cores: one each), one handshake at a time on a new ' +
    'connection closed before the next. wall: from the client TCP connect to the first application byte, which the server writes as soon as ' +
    'its handshake is done. cpu: process.cpuUsage() (user+system, all threads) of the endpoint process, client from TCP connect to that byte, ' +
    'server from TCP accept to writing it. engine: microtls connect()/accept() calls timed with performance.now() (includes socket writes). ' +
    'Servers send their default session tickets (2 each); clients resume only in the resumption and 0-RTT modes, with the newest ' +
    'ticket, and the first (full) handshake of such a series is a warm-up.',
  duplex: 'One process, an in-memory duplex pair (stream.duplexPair) between client and server: node:tls (a TLSSocket on each end) and ' +
    'microtls (the Node port\'s SocketIo and drive helpers on each end), from new connections to the server\'s first application byte ' +
    'read by the client. cpu: process.cpuUsage() (user+system, all threads) over a batch of handshakes one after the other, per ' +
    'handshake, both ends together; the implementations take turns batch by batch (interleaved rounds) and the figure is the median ' +
    'over the rounds.',
  speedups: 'How much cheaper a resumption (psk_dhe_ke) and an external-PSK (psk_ke) handshake are than the full one of the same suite: ' +
    'microtls in memory (sans-IO, both sides: the process CPU time of a batch of handshakes, which includes moving the bytes between the ' +
    'two connections), and node:tls and microtls over the duplex pair (as above); the modes take ' +
    'turns in interleaved rounds, and each figure is the median over the rounds. microtls: a round runs as many handshakes of a mode as ' +
    'take at least 25 ms of CPU (at least as many as for the full handshake): a batch then pays for the garbage collection its own ' +
    'handshakes cause, not for what the batch before it left (with 5 ms batches, psk_ke after noble\'s full handshakes varied 3x). Every configuration and mode is warmed up for about 50 ms ' +
    'of CPU (at most 100 handshakes) before it is measured.',
  spread: 'median (p10-p90) in ms.',
};

/** One implementation over the duplex pair: process CPU per handshake, both ends (median over the rounds), and each round's figure. */
export interface DuplexResult {
  cpuMs: number;
  rounds: number[];
}

/** Full, resumption and psk_ke handshake CPU (both sides, ms) of one implementation, and the speed-ups. */
export interface SpeedupResult {
  impl: string;
  transport: 'in memory' | 'duplex pair';
  fullMs: number;
  resumptionMs: number;
  pskMs: number | null;
  resumption: number | null;
  psk: number | null;
}

export interface PairingResult {
  client: string;
  server: string;
  wallMs: Summary;
  clientCpuMs: Summary;
  serverCpuMs: Summary;
  clientEngineMs: Summary | null;
  serverEngineMs: Summary | null;
  errors: string[];
}

export interface EngineResult {
  /** Per side: every measured handshake (spread), and the median over the rounds of each round's mean (the figure against the floor). */
  client: Summary;
  server: Summary;
  clientMs: number;
  serverMs: number;
  rounds: number;
  wire: Wire;
  arena: { client: number; server: number };
  floor: Floor;
  /** Engine time / floor, per side. */
  overFloor: { client: number | null; server: number | null };
}

export interface ConfigResult {
  config: Config;
  label: string;
  engine: Record<string, EngineResult>;
  tcp: Record<string, PairingResult>;
  /** node:tls and microtls per provider in one process over a duplex pair, and per provider microtls / node:tls. */
  duplex: Record<string, DuplexResult>;
  duplexRatio: Record<string, number | null>;
  /** Per provider: microtls over node:tls (both ends of each), and the mixed pairings' wall time over node:tls. */
  ratios: Record<string, { wall: number | null; clientCpu: number | null; serverCpu: number | null; microClientWall: number | null; microServerWall: number | null }>;
}

export interface HandshakeResult {
  bench: 'handshake';
  machine: Machine;
  method: typeof METHOD;
  options: { n: number; tcpN: number; warmup: number; tcp: boolean; xsN: number | null; providers: string[] };
  configs: ConfigResult[];
  speedups: SpeedupResult[];
  xs: XsResult;
}

const NODE = NODE_TLS;
const micro = (provider: string): string => 'microtls/' + provider;
export const pairingName = (client: string, server: string): string => `${client} → ${server}`;

/** The TCP pairings of a configuration: node:tls on both ends, then per provider microtls on both ends and against node:tls each way. */
function pairings(c: Config, providers: string[]): { client: string; server: string; clientSpec: EndpointSpec; serverSpec: EndpointSpec }[] {
  const spec = (impl: string): EndpointSpec => ({
    impl: impl === NODE ? 'node' : 'microtls',
    provider: impl === NODE ? '' : impl.slice('microtls/'.length),
    config: c,
    serve: 'hello',
  });
  const node = modeOf(c.mode).node(c);
  const list: [string, string][] = node ? [[NODE, NODE]] : [];
  for (const p of providers) {
    list.push([micro(p), micro(p)]);
    if (node) list.push([micro(p), NODE], [NODE, micro(p)]);
  }
  return list.map(([client, server]) => ({ client, server, clientSpec: spec(client), serverSpec: spec(server) }));
}

async function tcpRuns(c: Config, providers: string[], o: HandshakeOptions, a: Endpoint, b: Endpoint): Promise<Record<string, PairingResult>> {
  const list = pairings(c, providers);
  const ports: number[] = [];
  for (const p of list) ports.push(await b.listen(p.serverSpec));
  const raw = list.map(() => ({ client: [] as ClientSample[], server: [] as ServerSample[], errors: [] as string[] }));
  const handshakes = (i: number, n: number): Promise<ClientSample[]> =>
    a.handshakes(list[i].clientSpec, ports[i], n).catch((e: Error) => {
      throw new Error(`${configLabel(c)}, ${pairingName(list[i].client, list[i].server)}: ${e.message}`);
    });
  for (let i = 0; i < list.length; i++) {
    await handshakes(i, o.warmup);
    await b.samples(ports[i]);
  }
  // Two rounds over the pairings, so drift of the machine affects them alike.
  const rounds = o.tcpN >= 4 ? 2 : 1;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < list.length; i++) {
      const n = r === 0 ? Math.ceil(o.tcpN / rounds) : o.tcpN - Math.ceil(o.tcpN / rounds);
      raw[i].client.push(...(await handshakes(i, n)));
      const s = await b.samples(ports[i]);
      raw[i].server.push(...s.samples);
      raw[i].errors.push(...s.errors);
    }
  }
  for (const port of ports) {
    await b.unlisten(port);
    await a.forget(port);
  }
  const out: Record<string, PairingResult> = {};
  list.forEach((p, i) => {
    const { client, server, errors } = raw[i];
    const engine = (xs: (number | null)[]): Summary | null => (xs.every((x) => x !== null) && xs.length > 0 ? summarize(xs as number[]) : null);
    if (server.length !== client.length) errors.push(`server saw ${server.length} handshakes, client ${client.length}`);
    out[pairingName(p.client, p.server)] = {
      client: p.client,
      server: p.server,
      wallMs: summarize(client.map((s) => s.wallMs)),
      clientCpuMs: summarize(client.map((s) => s.cpuMs)),
      serverCpuMs: summarize(server.map((s) => s.cpuMs)),
      clientEngineMs: engine(client.map((s) => s.engineMs)),
      serverEngineMs: engine(server.map((s) => s.engineMs)),
      errors,
    };
  });
  return out;
}

/** Warm-up (ms of CPU) of each configuration and mode before it is measured, so a cheap mode's code is compiled as a full one's is. */
const WARMUP_MS = 50;

/** Handshakes of a configuration for about WARMUP_MS of CPU (at most 100); returns one handshake's CPU time (ms, both sides). */
function warmUp(cctx: Context, sctx: Context, mode: Mode, state: ModeState): number {
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const once = engineTimes(cctx, sctx, mode, 3, 0, processCpuMs, state);
  const each = Math.max(0.01, (sum(once.client) + sum(once.server)) / 3);
  engineTimes(cctx, sctx, mode, Math.min(100, Math.ceil(WARMUP_MS / each)), 0, processCpuMs, state);
  return each;
}

/** Rounds of engine handshakes and floor batches for the in-memory measurements: at most n, at least one handshake per round. */
export const roundsFor = (n: number): number => Math.min(n, 10);

/**
 * In memory, per provider: the engine's CPU time per side and the crypto
 * floor in interleaved rounds (so load on the machine hits both alike), the
 * arena.
 */
function engineRuns(c: Config, providers: Map<string, CryptoProvider>, o: HandshakeOptions): Record<string, EngineResult> {
  const out: Record<string, EngineResult> = {};
  const mode = modeOf(c.mode);
  for (const [name, provider] of providers) {
    const cctx = microContextFor('client', c, provider);
    const sctx = microContextFor('server', c, provider);
    const state = {};
    const { wire } = engineTimes(cctx, sctx, mode, 0, Math.max(1, o.warmup), processCpuMs, state);
    warmUp(cctx, sctx, mode, state);
    const scheme = handshakeOnce(cctx, sctx, mode, {}, timer().meter).client.negotiated()!.signatureScheme;
    const plan = cryptoFloor(provider, c, mode, cctx, sctx, wire, scheme);
    // The default configuration carries the goals: at least 3 handshakes in each of 10 rounds.
    const n = changed(c, DEFAULT_CONFIG).length === 0 ? Math.max(o.n, 30) : o.n;
    const rounds = roundsFor(n);
    const all = { client: [] as number[], server: [] as number[] };
    const means = { client: [] as number[], server: [] as number[] };
    const floors: FloorRound[] = [];
    for (let r = 0; r < rounds; r++) {
      const k = Math.floor(n / rounds) + (r < n % rounds ? 1 : 0);
      const t = engineTimes(cctx, sctx, mode, k, 0, processCpuMs, state);
      for (const side of ['client', 'server'] as const) {
        all[side].push(...t[side]);
        means[side].push(t[side].reduce((a, b) => a + b, 0) / k);
      }
      floors.push(plan.round(processCpuMs));
    }
    const floor = summarizeFloor(plan, floors);
    const clientMs = summarize(means.client).median;
    const serverMs = summarize(means.server).median;
    out[name] = {
      client: summarize(all.client), server: summarize(all.server), clientMs, serverMs, rounds, wire,
      arena: { client: cctx.arenaLayout().total, server: sctx.arenaLayout().total },
      floor,
      overFloor: { client: ratio(clientMs, floor.clientMs), server: ratio(serverMs, floor.serverMs) },
    };
  }
  return out;
}

/** Interleaved rounds of k handshakes per runner over the duplex pair: per key, the median over the rounds and each round's figure. */
async function duplexRounds(runners: [string, DuplexRunner][], rounds: number, k: number, warmup: number): Promise<Record<string, DuplexResult>> {
  for (const [, r] of runners) await cpuPerHandshake(r, Math.max(1, warmup));
  const per: number[][] = runners.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < runners.length; j++) per[j].push(await cpuPerHandshake(runners[j][1], k));
  }
  const out: Record<string, DuplexResult> = {};
  runners.forEach(([key], j) => (out[key] = { cpuMs: summarize(per[j]).median, rounds: per[j] }));
  return out;
}

/** node:tls and microtls per provider over the duplex pair, one configuration. */
async function duplexRuns(r: ConfigResult, providers: Map<string, CryptoProvider>, o: HandshakeOptions): Promise<void> {
  const rounds = roundsFor(o.n);
  const runners = duplexRunners(r.config, providers).map((x): [string, DuplexRunner] => [x.name, x]);
  r.duplex = await duplexRounds(runners, rounds, Math.max(1, Math.round(o.n / rounds)), o.warmup);
  for (const p of providers.keys()) r.duplexRatio[p] = ratio(r.duplex[micro(p)]?.cpuMs, r.duplex[NODE]?.cpuMs);
}

/** The least CPU (ms) of one measured batch of the speed-ups. */
const SPEEDUP_BATCH_MS = 25;

/**
 * Speed-ups of resumption and psk_ke over the full handshake, in the
 * default suite, group and certificate: microtls per provider in memory, and
 * node:tls over the duplex pair, the modes in interleaved rounds.
 */
async function speedups(providers: Map<string, CryptoProvider>, o: HandshakeOptions): Promise<SpeedupResult[]> {
  const rounds = roundsFor(o.n);
  const k = Math.max(1, Math.round(o.n / rounds));
  const config = (mode: string): Config => ({ ...DEFAULT_CONFIG, mode });
  const out: SpeedupResult[] = [];
  const result = (impl: string, transport: SpeedupResult['transport'], ms: Record<string, number[]>): SpeedupResult => {
    const med = (m: string): number | null => (ms[m] ? summarize(ms[m]).median : null);
    const full = med('full')!;
    const res = med('resumption')!;
    const psk = med('psk');
    return { impl, transport, fullMs: full, resumptionMs: res, pskMs: psk, resumption: ratio(full, res), psk: ratio(full, psk) };
  };
  const noClock = (): number => 0;
  for (const [name, provider] of providers) {
    const modes = ['full', 'resumption', 'psk'].map((m) => {
      const cctx = microContextFor('client', config(m), provider);
      const sctx = microContextFor('server', config(m), provider);
      const state = {};
      engineTimes(cctx, sctx, modeOf(m), 0, Math.max(1, o.warmup), processCpuMs, state);
      // Every mode's batch takes at least SPEEDUP_BATCH_MS of CPU, so each figure is the mean over as long a time.
      const batch = Math.max(k, Math.ceil(SPEEDUP_BATCH_MS / warmUp(cctx, sctx, modeOf(m), state)));
      // One reading of the process CPU clock around the batch, not 14 around each handshake's calls (0.3-0.6 µs of
      // CPU each here: a few % of a psk_ke handshake, next to nothing of a full one).
      const run = (): number => {
        const t = processCpuMs();
        engineTimes(cctx, sctx, modeOf(m), batch, 0, noClock, state);
        return (processCpuMs() - t) / batch;
      };
      return { m, run };
    });
    const ms: Record<string, number[]> = {};
    for (let i = 0; i < rounds; i++) {
      for (const { m, run } of modes) (ms[m] ??= []).push(run());
    }
    out.push(result(micro(name), 'in memory', ms));
  }
  // Every implementation over the duplex pair, the modes node:tls runs.
  const modes = ['full', 'resumption', 'psk'].filter((m) => modeOf(m).node(config(m)));
  const runners = modes.flatMap((m) => duplexRunners(config(m), providers).map((r): [string, DuplexRunner] => [r.name + '|' + m, r]));
  const d = await duplexRounds(runners, rounds, k, o.warmup);
  for (const impl of [NODE, ...[...providers.keys()].map(micro)]) {
    const ms: Record<string, number[]> = {};
    for (const m of modes) ms[m] = d[impl + '|' + m].rounds;
    out.push(result(impl, 'duplex pair', ms));
  }
  return out;
}

/**
 * Every configuration in memory first (no other process of ours running),
 * then over loopback TCP; each phase starts with a warm-up on the default
 * configuration so the JIT has compiled the code.
 */
export async function runHandshake(o: HandshakeOptions): Promise<HandshakeResult> {
  const providers = await loadProviders(o.providers);
  const names = [...providers.keys()];
  const results: ConfigResult[] = configurations(o.selection)
    .map((c) => ({ config: c, label: configLabel(c), engine: {}, tcp: {}, duplex: {}, duplexRatio: {}, ratios: {} }));
  for (const provider of providers.values()) {
    engineTimes(microContextFor('client', DEFAULT_CONFIG, provider), microContextFor('server', DEFAULT_CONFIG, provider), modeOf('full'), 10, 1);
  }
  for (const r of results) {
    r.engine = engineRuns(r.config, providers, o);
    const e = r.engine[names[0]];
    o.log(`handshake ${r.label}, in memory (${names[0]}): engine CPU ${num(e.clientMs)} + ${num(e.serverMs)} ms, ` +
      `floor ${num(e.floor.clientMs)} + ${num(e.floor.serverMs)} ms (${times(e.overFloor.client)} / ${times(e.overFloor.server)})`);
  }
  for (const r of results) {
    await duplexRuns(r, providers, o);
    o.log(`handshake ${r.label}, duplex pair in one process: ` +
      Object.entries(r.duplex).map(([k, d]) => `${k} ${num(d.cpuMs)} ms`).join(', ') + ' CPU per handshake');
  }
  const sp = await speedups(providers, o);
  for (const x of sp) o.log(`handshake speed-ups, ${x.impl} (${x.transport}): resumption ${times(x.resumption)}, psk_ke ${times(x.psk)}`);
  if (o.tcp) {
    const a = Endpoint.start();
    const b = Endpoint.start();
    try {
      await tcpRuns(DEFAULT_CONFIG, names, { ...o, tcpN: 5 }, a, b);
      for (const r of results) {
        r.tcp = await tcpRuns(r.config, names, o, a, b);
        const nn = r.tcp[pairingName(NODE, NODE)];
        for (const p of names) {
          const mm = r.tcp[pairingName(micro(p), micro(p))];
          r.ratios[p] = {
            wall: ratio(mm?.wallMs.median, nn?.wallMs.median),
            clientCpu: ratio(mm?.clientCpuMs.median, nn?.clientCpuMs.median),
            serverCpu: ratio(mm?.serverCpuMs.median, nn?.serverCpuMs.median),
            microClientWall: ratio(r.tcp[pairingName(micro(p), NODE)]?.wallMs.median, nn?.wallMs.median),
            microServerWall: ratio(r.tcp[pairingName(NODE, micro(p))]?.wallMs.median, nn?.wallMs.median),
          };
        }
        o.log(`handshake ${r.label}, loopback TCP: wall ${num(r.tcp[pairingName(micro(names[0]), micro(names[0]))]?.wallMs.median)} ms ` +
          `(microtls/${names[0]}), ${num(nn?.wallMs.median)} ms (node:tls)`);
      }
    } finally {
      a.stop();
      b.stop();
    }
  }
  const result: HandshakeResult = {
    bench: 'handshake',
    machine: machineInfo(),
    method: METHOD,
    options: { n: o.n, tcpN: o.tcpN, warmup: o.warmup, tcp: o.tcp, xsN: o.xsN, providers: names },
    configs: results,
    speedups: sp,
    xs: o.xsN ? await xsHandshake(o.xsN, Math.min(o.warmup, 2)) : { status: 'skipped', summary: 'Not run (--no-xs).' },
  };
  writeResults(o.out, 'handshake', result, markdown(result), charts(result));
  return result;
}

// --- report ---

/** Configurations for the charts: all of them when few, else the first and those differing from it in one dimension. */
function chartConfigs(r: HandshakeResult): ConfigResult[] {
  return r.configs.length <= 12 ? r.configs : r.configs.filter((x) => changed(x.config, r.configs[0].config).length <= 1);
}

function markdown(r: HandshakeResult): string {
  const providers = r.options.providers;
  let md = `# Handshake benchmark\n\n${machineLine(r.machine)}\n\n`;
  md += `In memory: ${r.options.n} handshakes per configuration and provider; loopback TCP: ${r.options.tcp ? r.options.tcpN + ' per pairing' : 'not run'}; ` +
    `${r.options.warmup} warm-up handshakes before each. Times in ms, median (p10–p90).\n\n`;
  const head = r.configs.find((x) => changed(x.config, DEFAULT_CONFIG).length === 0) ?? r.configs[0];
  if (head && r.options.tcp) {
    md += `## ${head.label}\n\n`;
    md += table(['client → server', 'wall', 'client CPU', 'server CPU', 'wall / node:tls'],
      Object.entries(head.tcp).map(([name, p]) => [name, spread(p.wallMs), spread(p.clientCpuMs), spread(p.serverCpuMs),
        times(ratio(p.wallMs.median, head.tcp[pairingName(NODE, NODE)]?.wallMs.median))]));
    md += '\n';
  }
  md += `## Engine CPU in memory against the crypto floor\n\n${METHOD.engine}\n\n${METHOD.floor}\n\n`;
  for (const p of providers) {
    md += `### Provider ${p}\n\n`;
    md += table(['configuration', 'client (every handshake)', 'server (every handshake)', 'client', 'client floor', 'server', 'server floor',
      'client / floor', 'server / floor', 'arena (client/server bytes)'],
      r.configs.map((x) => {
        const e = x.engine[p];
        return [x.label, spread(e.client), spread(e.server), num(e.clientMs), num(e.floor.clientMs), num(e.serverMs), num(e.floor.serverMs),
          times(e.overFloor.client), times(e.overFloor.server), `${e.arena.client} / ${e.arena.server}`];
      }));
    md += '\n';
  }
  md += `## One process over a duplex pair, microtls beside node:tls\n\n${METHOD.duplex}\n\n`;
  const impls = [NODE, ...providers.map(micro)];
  md += table(['configuration', ...impls.map((i) => i + ' CPU'), ...providers.map((p) => `${micro(p)} / node:tls`)],
    r.configs.map((x) => [x.label, ...impls.map((i) => num(x.duplex[i]?.cpuMs)), ...providers.map((p) => times(x.duplexRatio[p]))]));
  md += `\n## Resumption and psk_ke against the full handshake\n\n${METHOD.speedups}\n\n`;
  md += table(['implementation', 'measured', 'full', 'resumption', 'psk_ke', 'full / resumption', 'full / psk_ke'],
    r.speedups.map((x) => [x.impl, x.transport, num(x.fullMs), num(x.resumptionMs), num(x.pskMs), times(x.resumption), times(x.psk)]));
  md += '\n';
  if (r.options.tcp) {
    md += `## Loopback TCP, microtls beside node:tls\n\n${METHOD.tcp}\n\n`;
    for (const p of providers) {
      md += `### microtls with provider ${p}\n\n`;
      const m = micro(p);
      md += table(['configuration', 'wall µtls↔µtls', 'wall node↔node', 'ratio', 'wall µtls→node', 'wall node→µtls',
        'client CPU µtls', 'client CPU node', 'ratio', 'server CPU µtls', 'server CPU node', 'ratio'],
      r.configs.map((x) => {
        const mm = x.tcp[pairingName(m, m)];
        const nn = x.tcp[pairingName(NODE, NODE)];
        const q = x.ratios[p];
        return [x.label, spread(mm?.wallMs), spread(nn?.wallMs), times(q?.wall), spread(x.tcp[pairingName(m, NODE)]?.wallMs),
          spread(x.tcp[pairingName(NODE, m)]?.wallMs), spread(mm?.clientCpuMs), spread(nn?.clientCpuMs), times(q?.clientCpu),
          spread(mm?.serverCpuMs), spread(nn?.serverCpuMs), times(q?.serverCpu)];
      }));
      md += '\n';
    }
    const errors = r.configs.flatMap((x) => Object.entries(x.tcp).flatMap(([k, p]) => p.errors.map((e) => `${x.label}, ${k}: ${e}`)));
    if (errors.length > 0) md += `Errors seen by the servers:\n\n${errors.map((e) => '- ' + e).join('\n')}\n\n`;
  }
  if (head) {
    for (const p of providers) {
      md += `## Crypto floor of ${head.label}, provider ${p}\n\n`;
      md += table(['side', 'operation', 'count', 'ms each', 'ms'],
        head.engine[p].floor.ops.map((op) => [op.side, op.op, String(op.count), num(op.msEach), num(op.count * op.msEach)]));
      md += '\n';
    }
  }
  md += `## XS\n\n${r.xs.summary}\n`;
  return md;
}

function charts(r: HandshakeResult): Record<string, string> {
  const configs = chartConfigs(r);
  const short = (x: ConfigResult): string =>
    `${SUITE_LABEL[x.config.suite]} ${x.config.group} ${CERTS[x.config.cert].label}${x.config.mode === 'full' ? '' : ' ' + modeOf(x.config.mode).label}`;
  const categories = configs.map(short);
  /** A series of medians with p10-p90 whiskers. */
  const spreadSeries = (name: string, get: (x: ConfigResult) => Summary | undefined): BarSeries => ({
    name,
    values: configs.map((x) => get(x)?.median ?? null),
    lo: configs.map((x) => get(x)?.p10 ?? null),
    hi: configs.map((x) => get(x)?.p90 ?? null),
  });
  const out: Record<string, string> = {};
  if (r.options.tcp) {
    out['handshake'] = barChart({
      title: 'TLS 1.3 handshake over loopback TCP: wall time (median, p10–p90)',
      axis: 'ms from TCP connect to the server\'s first byte',
      categories,
      series: [...new Set(configs.flatMap((x) => Object.keys(x.tcp)))].map((name) => spreadSeries(name, (x) => x.tcp[name]?.wallMs)),
    });
  }
  // CPU per side for the first provider: microtls and node:tls measured alike (process CPU over TCP; engine
  // time in memory when TCP was not run), and the crypto floor.
  const p = r.options.providers[0];
  const nn = pairingName(NODE, NODE);
  const mm = pairingName(micro(p), micro(p));
  const series: BarSeries[] = [];
  for (const side of ['client', 'server'] as const) {
    const cpu = side === 'client' ? 'clientCpuMs' : 'serverCpuMs';
    series.push(spreadSeries(`${micro(p)} ${side}`, (x) => (r.options.tcp ? x.tcp[mm]?.[cpu] : x.engine[p][side])));
    if (r.options.tcp) series.push(spreadSeries(`${NODE} ${side}`, (x) => x.tcp[nn]?.[cpu]));
    series.push({ name: `${p} crypto floor ${side}`, values: configs.map((x) => x.engine[p].floor[side === 'client' ? 'clientMs' : 'serverMs']) });
  }
  out['handshake-cpu'] = barChart({
    title: r.options.tcp ? 'Handshake CPU per side over loopback TCP (process CPU), and the crypto floor' : 'Handshake CPU per side in memory (engine), and the crypto floor',
    axis: 'ms of CPU per handshake',
    categories,
    series,
  });
  return out;
}
