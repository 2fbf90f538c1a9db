// bench/throughput (the seed's method): over one loopback TCP connection,
// round trips of a message of each size answered by "ack", for plain TCP,
// node:tls and microtls (each suite, each provider, and max_fragment_length
// 1024 when the engine negotiates it). Client and server each run in their
// own process.
import { DEFAULT_CONFIG, SUITE_LABEL, loadProviders, microContextFor, modeOf, type SuiteName } from './lib/configs.js';
import type { EndpointSpec } from './lib/endpoint.js';
import { handshakeOnce, timer } from './lib/inmemory.js';
import { machineInfo, machineLine, type Machine } from './lib/machine.js';
import { Endpoint } from './lib/processes.js';
import { num, table, writeResults } from './lib/report.js';
import { summarize, type Summary } from '../ports/node/stats.js';
import { lineChart } from './lib/svg.js';

export const SIZES = [16, 256, 1024, 4096, 16384, 65536];
const WARMUP = 50;

export interface ThroughputOptions {
  suites: readonly SuiteName[];
  providers: string[];
  sizes: number[];
  roundTrips: number;
  out: string;
  log(line: string): void;
}

export const METHOD = 'One connection per variant and size, client and server each in its own forked process on 127.0.0.1, ' +
  'TCP_NODELAY on both ends. The client sends a 4-byte size header, then ' + WARMUP + ' warm-up and N timed round trips: ' +
  'write the message, read the 3-byte "ack" the server writes once it has read the whole message. ' +
  'µs per round trip = performance.now() around each round trip; MB/s = message bytes / mean round-trip time (10^6 bytes/s, one direction).';

export interface SizeResult {
  size: number;
  /** Round-trip times in µs. */
  us: Summary;
  mbPerS: number;
}

export interface VariantResult {
  name: string;
  impl: EndpointSpec['impl'];
  suite: SuiteName | null;
  provider: string | null;
  maxFragmentLength: number | null;
  sizes: SizeResult[];
}

export interface ThroughputResult {
  bench: 'throughput';
  machine: Machine;
  method: string;
  options: { sizes: number[]; roundTrips: number; warmup: number };
  variants: VariantResult[];
  /** Variants left out, with the reason. */
  skipped: string[];
}

interface Variant {
  name: string;
  spec: EndpointSpec;
}

/** Whether this build negotiates max_fragment_length (the record size then follows it). */
async function negotiatesMfl(provider: string, mfl: 1024): Promise<boolean> {
  const crypto = (await loadProviders([provider])).get(provider)!;
  const extra = { maxFragmentLength: mfl };
  const c = microContextFor('client', DEFAULT_CONFIG, crypto, extra);
  const s = microContextFor('server', DEFAULT_CONFIG, crypto, extra);
  try {
    return handshakeOnce(c, s, modeOf('full'), {}, timer().meter).client.negotiated()?.maxFragment === mfl;
  } catch {
    return false;
  }
}

async function variants(o: ThroughputOptions, skipped: string[]): Promise<Variant[]> {
  const spec = (impl: EndpointSpec['impl'], suite: SuiteName, provider = ''): EndpointSpec =>
    ({ impl, provider, config: { ...DEFAULT_CONFIG, suite }, serve: 'ack' });
  const list: Variant[] = [{ name: 'TCP', spec: spec('tcp', DEFAULT_CONFIG.suite) }];
  for (const suite of o.suites) list.push({ name: `node:tls ${SUITE_LABEL[suite]}`, spec: spec('node', suite) });
  const providers = [...(await loadProviders(o.providers)).keys()];
  for (const p of providers) {
    for (const suite of o.suites) list.push({ name: `microtls/${p} ${SUITE_LABEL[suite]}`, spec: spec('microtls', suite, p) });
  }
  const p = providers[0];
  if (p && (await negotiatesMfl(p, 1024))) {
    list.push({ name: `microtls/${p} ${SUITE_LABEL[DEFAULT_CONFIG.suite]} mfl 1024`, spec: { ...spec('microtls', DEFAULT_CONFIG.suite, p), maxFragmentLength: 1024 } });
  } else {
    skipped.push('microtls max_fragment_length 1024: not negotiated by this build of the engine');
  }
  return list;
}

export async function runThroughput(o: ThroughputOptions): Promise<ThroughputResult> {
  const skipped: string[] = [];
  const list = await variants(o, skipped);
  const client = Endpoint.start();
  const server = Endpoint.start();
  const results: VariantResult[] = [];
  try {
    for (const v of list) {
      const port = await server.listen(v.spec);
      const sizes: SizeResult[] = [];
      for (const size of o.sizes) {
        const us = await client.roundTrips(v.spec, port, size, o.roundTrips, WARMUP);
        const s = summarize(us);
        sizes.push({ size, us: s, mbPerS: size / s.mean });
      }
      const { errors } = await server.samples(port);
      if (errors.length > 0) throw new Error(`${v.name}: server errors: ${errors.join('; ')}`);
      await server.unlisten(port);
      await client.forget(port);
      results.push({
        name: v.name,
        impl: v.spec.impl,
        suite: v.spec.impl === 'tcp' ? null : v.spec.config.suite,
        provider: v.spec.impl === 'microtls' ? v.spec.provider : null,
        maxFragmentLength: v.spec.maxFragmentLength ?? null,
        sizes,
      });
      o.log(`throughput ${v.name}: ` + sizes.map((s) => `${s.size} B ${num(s.us.median)} µs`).join(', '));
    }
  } finally {
    client.stop();
    server.stop();
  }
  const result: ThroughputResult = {
    bench: 'throughput',
    machine: machineInfo(),
    method: METHOD,
    options: { sizes: o.sizes, roundTrips: o.roundTrips, warmup: WARMUP },
    variants: results,
    skipped,
  };
  writeResults(o.out, 'throughput', result, markdown(result), { throughput: chart(result) });
  return result;
}

const sizeLabel = (n: number): string => (n >= 1024 ? n / 1024 + ' KiB' : n + ' B');

function markdown(r: ThroughputResult): string {
  let md = `# Throughput benchmark\n\n${machineLine(r.machine)}\n\n${r.method}\n\n${r.options.roundTrips} round trips per size.\n\n`;
  const head = ['variant', ...r.options.sizes.map(sizeLabel)];
  md += '## µs per round trip, median (p10–p90)\n\n';
  md += table(head, r.variants.map((v) => [v.name, ...v.sizes.map((s) => `${num(s.us.median)} (${num(s.us.p10)}–${num(s.us.p90)})`)]));
  md += '\n## MB/s (message bytes / mean round-trip time)\n\n';
  md += table(head, r.variants.map((v) => [v.name, ...v.sizes.map((s) => num(s.mbPerS))]));
  if (r.skipped.length > 0) md += `\nNot measured:\n\n${r.skipped.map((s) => '- ' + s).join('\n')}\n`;
  return md;
}

function chart(r: ThroughputResult): string {
  return lineChart({
    title: 'Round trip by message size over loopback TCP (median)',
    xAxis: 'message size (answered by a 3-byte "ack")',
    yAxis: 'µs per round trip',
    xLabel: sizeLabel,
    xTicks: r.options.sizes,
    logY: true,
    series: r.variants.map((v) => ({ name: v.name, points: v.sizes.map((s): [number, number] => [s.size, s.us.median]) })),
  });
}
