// bench/results/summary.md: the headline figures from whichever result
// files are there: the goals (each measured ratio beside its target), the
// default handshake (X25519, ECDSA P-256, AES-128-GCM) per provider beside
// node:tls with its crypto-floor ratio, the other modes, steady-state
// allocation per record, the record path, round trips, XS.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, changed, modeOf, type Config } from './lib/configs.js';
import { machineLine } from './lib/machine.js';
import { num, spread, table, times } from './lib/report.js';
import { ratio } from '../ports/node/stats.js';
import { pairingName, type HandshakeResult } from './handshake.js';
import type { MemoryResult } from './memory.js';
import type { CurvesBenchResult } from './curves.js';
import { IMPLEMENTATIONS, IMPLEMENTATION_LABEL, OPS } from './lib/curve-ops.js';
import type { RecordsResult } from './records.js';
import type { ThroughputResult } from './throughput.js';
import { SUITE_LABEL } from './lib/configs.js';

function load<T>(dir: string, name: string): T | null {
  const p = join(dir, name + '.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as T) : null;
}

/** Whether c is the default configuration but for `key`. */
const sameBut = (c: Config, key: keyof Config): boolean => changed(c, DEFAULT_CONFIG).every((k) => k === key);

/** One goal: what is measured, the figure, the target and whether the figure meets it (null: not measured). */
export interface Goal {
  goal: string;
  measured: string;
  target: string;
  pass: boolean | null;
  /** The most the cryptography allows, where it bounds the figure (the psk_ke speed-ups). */
  bound?: string;
}

/** JS heap one handshake allocated (client, server; KiB) with the noble provider before this work (main at 6e08877); the goal halves it. */
export const HEAP_BEFORE_KIB = { client: 5619, server: 2494 };

/** Every goal the results can tell, in the order of the issue: handshake CPU, node:tls, speed-ups, record path, allocation. */
export function goals(hs: HandshakeResult | null, rec: RecordsResult | null, mem: MemoryResult | null): Goal[] {
  const out: Goal[] = [];
  const atMost = (goal: string, v: number | null | undefined, max: number, unit = 'x'): void => {
    out.push({ goal, measured: unit === 'x' ? times(v) : num(v) + unit, target: `≤ ${num(max)}${unit}`, pass: v == null ? null : v <= max });
  };
  const atLeast = (goal: string, v: number | null | undefined, min: number | null | undefined, what = ''): void => {
    out.push({ goal, measured: times(v), target: min == null ? '–' : `≥ ${times(min)}${what}`, pass: v == null || min == null ? null : v >= min });
  };
  const head = hs?.configs.find((x) => changed(x.config, DEFAULT_CONFIG).length === 0);
  if (hs && head) {
    const noble = head.engine['noble'];
    if (noble) {
      atMost('full handshake, noble: engine / crypto floor, client (CPU in memory)', noble.overFloor.client, 1.15);
      atMost('full handshake, noble: engine / crypto floor, server (CPU in memory)', noble.overFloor.server, 1.15);
    }
    if (head.duplexRatio?.['node-crypto'] !== undefined) {
      atMost('full handshake, node-crypto / node:tls (CPU, one process, duplex pair)', head.duplexRatio['node-crypto'], 1.5);
    }
    // psk_ke: the engine's own speed-up (in memory); resumption: against node:tls's, both over the duplex pair (no target in the issue).
    const nodeTls = hs.speedups?.find((x) => x.impl === 'node:tls');
    // Beside each, the most the crypto allows with the same provider: both handshakes at their crypto floor (both sides), and the
    // measured full handshake over psk_ke's floor (were psk_ke's TLS logic free).
    const floorOf = (impl: string, mode: string): number | null => {
      const f = hs.configs.find((x) => sameBut(x.config, 'mode') && x.config.mode === mode)?.engine[impl.replace('microtls/', '')]?.floor;
      return f ? f.clientMs + f.serverMs : null;
    };
    for (const x of hs.speedups ?? []) {
      if (x.transport !== 'in memory') continue;
      const pskFloor = floorOf(x.impl, 'psk');
      out.push({ goal: `psk_ke, ${x.impl}: full / psk_ke (CPU in memory)`, measured: times(x.psk), target: '≥ 20x',
        pass: x.psk == null ? null : x.psk >= 20,
        bound: pskFloor === null ? undefined : `floor ${times(ratio(floorOf(x.impl, 'full'), pskFloor))}; full / floor ${times(ratio(x.fullMs, pskFloor))}` });
    }
    for (const x of hs.speedups ?? []) {
      if (x.impl !== 'node:tls' && x.transport === 'duplex pair') {
        atLeast(`resumption, ${x.impl}: full / psk_dhe_ke (CPU, duplex pair)`, x.resumption, nodeTls?.resumption, ' (node:tls\'s)');
      }
    }
  }
  for (const r of rec?.rows ?? []) {
    atLeast(`16 KB records, ${r.provider} ${SUITE_LABEL[r.suite]}: record path / raw AEAD throughput`, r.ratio, 0.85);
  }
  for (const m of mem?.steadyState ?? []) {
    const name = `bytes per 1 KB record, ${m.provider} ${SUITE_LABEL[m.suite]} (write / read)`;
    const worst = Math.max(m.write.bytesPerRecord, m.read.bytesPerRecord);
    if (m.apiFloor) {
      const ok = m.write.bytesPerRecord <= 1.1 * m.apiFloor.write && m.read.bytesPerRecord <= 1.1 * m.apiFloor.read;
      out.push({ goal: name, measured: `${num(m.write.bytesPerRecord)} / ${num(m.read.bytesPerRecord)}`,
        target: `≤ 1.1 × node:crypto's API alone (${num(m.apiFloor.write)} / ${num(m.apiFloor.read)})`, pass: ok });
    } else {
      out.push({ goal: name, measured: `${num(m.write.bytesPerRecord)} / ${num(m.read.bytesPerRecord)}`, target: '< 16 (no object per record)', pass: worst < 16 });
    }
  }
  // The heap goal: the full profile's provider (typed-array curves), which replaced noble's BigInt curve math, the garbage the
  // figure before was made of; noble's own beside it, no target (its API allows no less).
  const heads = mem?.configs.find((x) => changed(x.config, DEFAULT_CONFIG).length === 0)?.providers;
  for (const [p, target] of [['typed-curves', true], ['noble', false]] as const) {
    const d = heads?.[p];
    if (!d) continue;
    for (const side of ['client', 'server'] as const) {
      const kib = d.allocated[side] / 1024;
      const max = HEAP_BEFORE_KIB[side] / 2;
      out.push({ goal: `JS heap per full handshake, ${p}, ${side} (was ${HEAP_BEFORE_KIB[side]} KiB with noble)`, measured: num(kib) + ' KiB',
        target: target ? `≤ ${num(max)} KiB` : '– (noble\'s BigInt curves)', pass: target ? kib <= max : null });
    }
  }
  return out;
}

/** Writes summary.md into dir from the JSON results there; false when there are none. */
export function writeSummary(dir: string): boolean {
  const hs = load<HandshakeResult>(dir, 'handshake');
  const tp = load<ThroughputResult>(dir, 'throughput');
  const mem = load<MemoryResult>(dir, 'memory');
  const rec = load<RecordsResult>(dir, 'records');
  if (!hs && !tp && !mem && !rec && !existsSync(join(dir, 'curves.json'))) return false;
  let md = '# Benchmark summary\n\n';
  const machine = hs?.machine ?? rec?.machine ?? tp?.machine ?? mem?.machine;
  if (machine) md += machineLine(machine) + '\n\n';
  const g = goals(hs, rec, mem);
  if (g.length > 0) {
    const passed = g.filter((x) => x.pass === true).length;
    md += `## Goals\n\n${passed} of ${g.filter((x) => x.pass !== null).length} goals met. Ratios of process CPU time measured in interleaved rounds (handshake.md, ` +
      'records.md and memory.md give the method and every figure); load averages at the start of each bench: ' +
      [hs, rec, mem].filter((x) => x).map((x) => `${x!.bench} ${x!.machine.loadAverage}`).join(', ') + '.\n\n';
    const bounds = g.some((x) => x.bound !== undefined);
    if (bounds) {
      md += 'Bound by the crypto (psk_ke): "floor" is the full handshake\'s crypto floor over psk_ke\'s (both sides, same provider), ' +
        'the speed-up were both handshakes their bare crypto; "full / floor" the measured full handshake over psk_ke\'s floor, the most ' +
        'the speed-up can be as long as the full handshake costs what it does.\n\n';
    }
    md += table(['goal', 'measured', 'target', 'result', ...(bounds ? ['bound by the crypto'] : [])],
      g.map((x) => [x.goal, x.measured, x.target, x.pass === null ? '–' : x.pass ? 'pass' : 'FAIL', ...(bounds ? [x.bound ?? ''] : [])]));
    md += '\n';
  }

  if (hs) {
    const NODE = 'node:tls';
    const modes = hs.configs.filter((x) => sameBut(x.config, 'mode'));
    const head = modes.find((x) => x.config.mode === DEFAULT_CONFIG.mode);
    if (head) {
      md += `## Full handshake: ${head.label}\n\nTimes in ms, median (p10–p90); see handshake.md for the method.\n\n`;
      const nn = head.tcp[pairingName(NODE, NODE)];
      const rows: string[][] = [];
      for (const p of hs.options.providers) {
        const e = head.engine[p];
        const mm = head.tcp[pairingName('microtls/' + p, 'microtls/' + p)];
        rows.push([`microtls (${p})`, spread(mm?.wallMs), spread(mm?.clientCpuMs), spread(mm?.serverCpuMs),
          `${num(e.clientMs)} / ${num(e.serverMs)}`, `${times(e.overFloor.client)} / ${times(e.overFloor.server)}`,
          times(ratio(mm?.wallMs.median, nn?.wallMs.median))]);
      }
      if (nn) rows.push(['node:tls (OpenSSL)', spread(nn.wallMs), spread(nn.clientCpuMs), spread(nn.serverCpuMs), '–', '–', '1x']);
      md += table(['implementation', 'wall (TCP)', 'client CPU', 'server CPU', 'engine client / server (in memory)', 'engine / crypto floor', 'wall / node:tls'], rows);
      md += '\n';
    }
    const others = modes.filter((x) => x.config.mode !== DEFAULT_CONFIG.mode);
    if (others.length > 0) {
      md += '## Other handshake modes (same suite, group and certificate)\n\n';
      md += table(['mode', 'provider', 'engine client / server', 'wall µtls↔µtls', 'wall node↔node'],
        others.flatMap((x) => hs.options.providers.map((p) => [modeOf(x.config.mode).label, p,
          `${num(x.engine[p].clientMs)} / ${num(x.engine[p].serverMs)}`,
          spread(x.tcp[pairingName('microtls/' + p, 'microtls/' + p)]?.wallMs), spread(x.tcp[pairingName(NODE, NODE)]?.wallMs)])));
      md += '\n';
    }
    if (hs.options.tcp) md += '![Handshake wall time by configuration](handshake.svg)\n\n';
    md += '![Handshake CPU per side](handshake-cpu.svg)\n\n';
  }
  if (mem) {
    md += '## Steady state: heap allocated per application record (1 KiB records)\n\n';
    md += table(['suite', 'provider', 'write B/record', 'read B/record'],
      mem.steadyState.map((s) => [s.suite, s.provider, num(s.write.bytesPerRecord), num(s.read.bytesPerRecord)]));
    const d = mem.configs.find((x) => sameBut(x.config, 'suite') && x.config.suite === DEFAULT_CONFIG.suite);
    const h = d?.providers[mem.options.providers[0]];
    if (d && h) {
      const each = mem.options.providers.filter((p) => d.providers[p]).map((p) =>
        `${num(d.providers[p].allocated.client / 1024)} KiB (client) and ${num(d.providers[p].allocated.server / 1024)} KiB (server) with ${p}`);
      md += `\nConnection arena (${d.label}): client ${h.arena.client.total} B, server ${h.arena.server.total} B; ` +
        `one handshake allocates ${each.join(', ')} of JS heap; see memory.md.\n`;
    }
    md += '\n';
  }
  if (rec) {
    md += '## Record path against the raw AEAD (16 KB records, in memory)\n\n';
    md += table(['suite', 'provider', 'record path µs', 'raw AEAD µs', 'raw / record path'],
      rec.rows.map((x) => [SUITE_LABEL[x.suite], x.provider, num(x.recordUs), num(x.rawUs), times(x.ratio)]));
    md += '\n';
  }
  if (tp) {
    md += '## Round trips by message size (µs, median)\n\n';
    md += table(['variant', ...tp.options.sizes.map(String)], tp.variants.map((v) => [v.name, ...v.sizes.map((s) => num(s.us.median))]));
    md += '\n![Round-trip time by message size](throughput.svg)\n\n';
  }
  const curves = load<CurvesBenchResult>(dir, 'curves');
  if (curves) {
    md += '## Curve operations (CPU ms / heap KiB per operation on Node; curves.md has XS)\n\n';
    md += table(['operation', ...IMPLEMENTATIONS.map((i) => IMPLEMENTATION_LABEL[i])],
      OPS.map((op) => [op, ...IMPLEMENTATIONS.map((i) => `${num(curves.node[i][op].ms)} / ${num(curves.node[i][op].bytes / 1024)}`)]));
    md += '\n';
  }
  if (hs || mem) md += `## XS\n\n${hs ? 'Handshake: ' + hs.xs.summary + '\n\n' : ''}${mem ? 'Memory: ' + mem.xs.summary + '\n' : ''}`;
  writeFileSync(join(dir, 'summary.md'), md);
  return true;
}
