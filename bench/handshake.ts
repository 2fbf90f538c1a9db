// bench/handshake: per configuration (suite x group x server certificate x
// mode), the microtls engine's CPU time per side in memory against the crypto
// floor, and the handshake over loopback TCP with each end in its own process
// (wall time, CPU per side), microtls and node:tls side by side.
import type { CryptoProvider } from '../core/index.js';
import {
  CERTS, DEFAULT_CONFIG, SUITE_LABEL, changed, configLabel, configurations, loadProviders, microContextFor, modeOf,
  type Config, type Selection,
} from './lib/configs.js';
import type { ClientSample, EndpointSpec, ServerSample } from './lib/endpoint.js';
import { cryptoFloor, type Floor } from './lib/floor.js';
import { engineTimes, handshakeOnce, timer, type Wire } from './lib/inmemory.js';
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
  engine: 'In memory (sans-IO, one process): each connect()/accept() call timed with performance.now(), summed per side per handshake; ' +
    'processCpuMs is process.cpuUsage() (user+system) over the loop divided by the count, both sides together.',
  floor: 'The primitive operations the handshake needs per side, each timed alone with the same provider (fastest of several batches): ' +
    'with (EC)DHE a key pair and shared secret; with certificates the signature of each certificate of the peer chain and of its ' +
    'CertificateVerify, and our CertificateVerify signature; the transcript hashed once plus 5-7 snapshots; 22 HMACs of the key schedule ' +
    '(+4 with a PSK, +3 with 0-RTT); 4-5 AEAD key setups; sealing and opening the encrypted bytes (bench/lib/floor.ts). ' +
    'Session tickets are left out. ratio = engine time / floor.',
  tcp: 'Loopback TCP (127.0.0.1), client and server each in its own forked process (2 cores: one each), one handshake at a time on a new ' +
    'connection closed before the next. wall: from the client TCP connect to the first application byte, which the server writes as soon as ' +
    'its handshake is done. cpu: process.cpuUsage() (user+system, all threads) of the endpoint process, client from TCP connect to that byte, ' +
    'server from TCP accept to writing it. engine: microtls connect()/accept() calls timed with performance.now() (includes socket writes). ' +
    'Servers send their default session tickets (2 each); clients resume only in the resumption and 0-RTT modes, with the newest ' +
    'ticket, and the first (full) handshake of such a series is a warm-up.',
  spread: 'median (p10-p90) in ms.',
};

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
  client: Summary;
  server: Summary;
  processCpuMs: number | null;
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
  /** Per provider: microtls over node:tls (both ends of each), and the mixed pairings' wall time over node:tls. */
  ratios: Record<string, { wall: number | null; clientCpu: number | null; serverCpu: number | null; microClientWall: number | null; microServerWall: number | null }>;
}

export interface HandshakeResult {
  bench: 'handshake';
  machine: Machine;
  method: typeof METHOD;
  options: { n: number; tcpN: number; warmup: number; tcp: boolean; xsN: number | null; providers: string[] };
  configs: ConfigResult[];
  xs: XsResult;
}

const NODE = 'node:tls';
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

/** In memory: engine time per side, the crypto floor, the arena, per provider. */
function engineRuns(c: Config, providers: Map<string, CryptoProvider>, o: HandshakeOptions): Record<string, EngineResult> {
  const out: Record<string, EngineResult> = {};
  const mode = modeOf(c.mode);
  for (const [name, provider] of providers) {
    const cctx = microContextFor('client', c, provider);
    const sctx = microContextFor('server', c, provider);
    const t = engineTimes(cctx, sctx, mode, o.n, o.warmup, processCpuMs);
    const scheme = handshakeOnce(cctx, sctx, mode, {}, timer().meter).client.negotiated()!.signatureScheme;
    const floor = cryptoFloor(name, provider, c, mode, cctx, sctx, t.wire, scheme);
    const client = summarize(t.client);
    const server = summarize(t.server);
    out[name] = {
      client, server, processCpuMs: t.processCpuMs, wire: t.wire,
      arena: { client: cctx.arenaLayout().total, server: sctx.arenaLayout().total },
      floor,
      overFloor: { client: ratio(client.median, floor.clientMs), server: ratio(server.median, floor.serverMs) },
    };
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
  const results: ConfigResult[] = configurations(o.selection).map((c) => ({ config: c, label: configLabel(c), engine: {}, tcp: {}, ratios: {} }));
  for (const provider of providers.values()) {
    engineTimes(microContextFor('client', DEFAULT_CONFIG, provider), microContextFor('server', DEFAULT_CONFIG, provider), modeOf('full'), 10, o.warmup);
  }
  for (const r of results) {
    r.engine = engineRuns(r.config, providers, o);
    const e = r.engine[names[0]];
    o.log(`handshake ${r.label}, in memory (${names[0]}): engine ${num(e.client.median)} + ${num(e.server.median)} ms, ` +
      `floor ${num(e.floor.clientMs)} + ${num(e.floor.serverMs)} ms`);
  }
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
    md += table(['configuration', 'client', 'server', 'client floor', 'server floor', 'client / floor', 'server / floor', 'process CPU', 'arena (client/server bytes)'],
      r.configs.map((x) => {
        const e = x.engine[p];
        return [x.label, spread(e.client), spread(e.server), num(e.floor.clientMs), num(e.floor.serverMs),
          times(e.overFloor.client), times(e.overFloor.server), num(e.processCpuMs), `${e.arena.client} / ${e.arena.server}`];
      }));
    md += '\n';
  }
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
