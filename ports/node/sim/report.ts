// Results of a fleet simulation: aggregates per handshake mode, and the
// text tables `microtls simulate` prints.
import { summarize, type Summary } from '../stats.js';
import type { ConnResult, FleetResult } from './fleet.js';

export interface ModeSummary {
  mode: string;
  connections: number;
  handshakeMs: Summary;
  serverHandshakeMs: Summary;
  clientCpuMs: Summary;
  serverCpuMs: Summary;
  clientMaxStepMs: Summary;
  serverMaxStepMs: Summary;
  bytesUp: Summary;
  bytesDown: Summary;
  roundTrips: Summary;
  clientArenaBytes: Summary;
  serverArenaBytes: Summary;
}

export interface Aggregate {
  connections: number;
  ok: number;
  failed: number;
  /** Per negotiated mode ('full', 'resumed', 'psk'), successful connections only. */
  modes: ModeSummary[];
  /** Error name -> count. */
  failures: Record<string, number>;
}

export function aggregate(results: ConnResult[]): Aggregate {
  const modes: ModeSummary[] = [];
  const failures: Record<string, number> = {};
  const ok = results.filter((r) => r.ok);
  for (const r of results) if (!r.ok) failures[r.error ?? 'unknown'] = (failures[r.error ?? 'unknown'] ?? 0) + 1;
  for (const mode of ['full', 'resumed', 'psk']) {
    const rs = ok.filter((r) => r.mode === mode);
    if (rs.length === 0) continue;
    const s = (f: (r: ConnResult) => number): Summary => summarize(rs.map(f));
    modes.push({
      mode, connections: rs.length,
      handshakeMs: s((r) => r.handshakeMs), serverHandshakeMs: s((r) => r.serverHandshakeMs),
      clientCpuMs: s((r) => r.clientCpuMs), serverCpuMs: s((r) => r.serverCpuMs),
      clientMaxStepMs: s((r) => r.clientMaxStepMs), serverMaxStepMs: s((r) => r.serverMaxStepMs),
      bytesUp: s((r) => r.bytesUp), bytesDown: s((r) => r.bytesDown), roundTrips: s((r) => r.roundTrips),
      clientArenaBytes: s((r) => r.clientArenaBytes), serverArenaBytes: s((r) => r.serverArenaBytes),
    });
  }
  return { connections: results.length, ok: ok.length, failed: results.length - ok.length, modes, failures };
}

/** Columns padded to their widest cell; the first is left-aligned, the others right-aligned. */
export function textTable(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows];
  const width = headers.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ').trimEnd();
  return all.map(line).join('\n') + '\n';
}

const ms = (v: number): string => v.toFixed(1);

/** One row per connection, at most maxRows (then a note). */
export function connectionTable(results: ConnResult[], maxRows: number): string {
  const headers = ['device', 'conn', 'mode', 'handshake ms', 'server ms', 'CPU ms c/s', 'max step ms c/s',
    'bytes up/down', 'RTT', 'arena c/s', 'result'];
  const rows = results.slice(0, maxRows).map((r) => [
    String(r.device), String(r.connection), r.mode ?? '-',
    r.mode ? ms(r.handshakeMs) : '-', r.serverHandshakeMs ? ms(r.serverHandshakeMs) : '-',
    ms(r.clientCpuMs) + '/' + ms(r.serverCpuMs), ms(r.clientMaxStepMs) + '/' + ms(r.serverMaxStepMs),
    r.bytesUp + '/' + r.bytesDown, r.mode ? String(r.roundTrips) : '-',
    r.clientArenaBytes + '/' + r.serverArenaBytes, r.ok ? 'ok' : (r.error ?? 'failed'),
  ]);
  let out = textTable(headers, rows);
  if (results.length > maxRows) out += '... ' + (results.length - maxRows) + ' more connections (all of them with --json FILE)\n';
  return out;
}

/** The aggregate table: one row per mode, medians with [min-max] where they vary. */
export function aggregateTable(a: Aggregate): string {
  const range = (s: Summary, f: (v: number) => string): string =>
    f(s.median) + (f(s.min) === f(s.max) ? '' : ' [' + f(s.min) + '-' + f(s.max) + ']');
  const int = (v: number): string => String(Math.round(v));
  const rows = a.modes.map((m) => [
    m.mode, String(m.connections),
    range(m.handshakeMs, ms), range(m.serverHandshakeMs, ms),
    ms(m.clientCpuMs.median) + '/' + ms(m.serverCpuMs.median),
    ms(m.clientMaxStepMs.max) + '/' + ms(m.serverMaxStepMs.max),
    int(m.bytesUp.median) + '/' + int(m.bytesDown.median),
    range(m.roundTrips, int),
    int(m.clientArenaBytes.median) + '/' + int(m.serverArenaBytes.median),
  ]);
  let out = textTable(['mode', 'conns', 'handshake ms', 'server ms', 'CPU ms c/s', 'max step ms c/s',
    'bytes up/down', 'RTT', 'arena c/s'], rows);
  const names = Object.keys(a.failures);
  out += 'connections: ' + a.connections + ', ok: ' + a.ok + ', failed: ' + a.failed +
    (names.length ? ' (' + names.map((n) => n + ' x' + a.failures[n]).join(', ') + ')' : '') + '\n';
  return out;
}

/** The whole report as JSON-ready data. */
export function reportJson(config: unknown, r: FleetResult, wallMs: number): unknown {
  return {
    config, virtualMs: r.virtualMs, events: r.events, wallMs, trafficDigest: r.trafficDigest,
    aggregate: aggregate(r.connections), connections: r.connections,
  };
}
