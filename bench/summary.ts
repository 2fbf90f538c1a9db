// bench/results/summary.md: the headline figures from whichever result
// files are there: the default handshake (X25519, ECDSA P-256,
// AES-128-GCM) per provider beside node:tls with its crypto-floor ratio,
// the other modes, steady-state allocation per record, round trips, XS.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, changed, modeOf, type Config } from './lib/configs.js';
import { machineLine } from './lib/machine.js';
import { num, spread, table, times } from './lib/report.js';
import { ratio } from '../ports/node/stats.js';
import { pairingName, type HandshakeResult } from './handshake.js';
import type { MemoryResult } from './memory.js';
import type { ThroughputResult } from './throughput.js';

function load<T>(dir: string, name: string): T | null {
  const p = join(dir, name + '.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as T) : null;
}

/** Whether c is the default configuration but for `key`. */
const sameBut = (c: Config, key: keyof Config): boolean => changed(c, DEFAULT_CONFIG).every((k) => k === key);

/** Writes summary.md into dir from the JSON results there; false when there are none. */
export function writeSummary(dir: string): boolean {
  const hs = load<HandshakeResult>(dir, 'handshake');
  const tp = load<ThroughputResult>(dir, 'throughput');
  const mem = load<MemoryResult>(dir, 'memory');
  if (!hs && !tp && !mem) return false;
  let md = '# Benchmark summary\n\n';
  const machine = hs?.machine ?? tp?.machine ?? mem?.machine;
  if (machine) md += machineLine(machine) + '\n\n';

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
          `${num(e.client.median)} / ${num(e.server.median)}`, `${times(e.overFloor.client)} / ${times(e.overFloor.server)}`,
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
          `${num(x.engine[p].client.median)} / ${num(x.engine[p].server.median)}`,
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
      md += `\nConnection arena (${d.label}): client ${h.arena.client.total} B, server ${h.arena.server.total} B; ` +
        `one handshake allocates ${num(h.allocated.client / 1024)} KiB (client) and ${num(h.allocated.server / 1024)} KiB (server) of JS heap ` +
        `(${mem.options.providers[0]} provider); see memory.md.\n`;
    }
    md += '\n';
  }
  if (tp) {
    md += '## Round trips by message size (µs, median)\n\n';
    md += table(['variant', ...tp.options.sizes.map(String)], tp.variants.map((v) => [v.name, ...v.sizes.map((s) => num(s.us.median))]));
    md += '\n![Round-trip time by message size](throughput.svg)\n\n';
  }
  if (hs || mem) md += `## XS\n\n${hs ? 'Handshake: ' + hs.xs.summary + '\n\n' : ''}${mem ? 'Memory: ' + mem.xs.summary + '\n' : ''}`;
  writeFileSync(join(dir, 'summary.md'), md);
  return true;
}
