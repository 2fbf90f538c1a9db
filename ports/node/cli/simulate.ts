// `microtls simulate`: a server and N devices on one superloop over
// simulated links, with results on the virtual clock (see sim/fleet.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runFleet, type FleetOptions, type HandshakeKind } from '../sim/fleet.js';
import { describeLink, parseLink } from '../sim/link.js';
import { PROFILES, profile } from '../sim/profiles.js';
import { aggregate, aggregateTable, connectionTable, reportJson } from '../sim/report.js';
import type { Command } from './command.js';
import { demoPkiFile } from './demo-pki.js';
import { TLS12, TLS13 } from '../../../core/registry.js';

export const SIMULATE_HELP = `usage: microtls simulate [options]
One server and N devices on one superloop over simulated links. Each device
connects, sends messages that the server echoes, closes, and reconnects when
asked. Times are virtual (deterministic for a seed); CPU times are real.
  --devices N             devices (default 10)
  --server-profile P      server certificate and preferences (default: default)
  --device-profile P      what devices offer (default: default)
  --link SPEC             latency=50ms,bandwidth=250kbit,mtu=536 (defaults), also
                          split=random (segments of 1..MTU bytes)
  --seed S                seed for the link, the engines and the data (default 1)
  --resume                reconnect resuming the previous session (ticket)
  --psk                   every connection uses an external PSK (psk_dhe_ke; TLS 1.2: PSK_WITH_AES_128_GCM_SHA256)
  --version V             the devices' protocol version: 1.3 (default) or 1.2; the server takes both
  --connections N         connections per device (default 1, 2 with --resume)
  --messages N            messages per connection (default 3)
  --message-size N        bytes per message (default 64)
  --json FILE             write every result as JSON to FILE
  -h, --help              this help
Profiles: ${Object.keys(PROFILES).map((k) => k + ' (' + PROFILES[k].description + ')').join(', ')}.
`;

export interface SimulateIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when err is a terminal (the progress line is then rewritten in place). */
  tty: boolean;
}

const processIo: SimulateIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  tty: process.stderr.isTTY === true,
};

const OPTIONS = {
  devices: { type: 'string' }, 'server-profile': { type: 'string' }, 'device-profile': { type: 'string' },
  link: { type: 'string' }, seed: { type: 'string' }, resume: { type: 'boolean' }, psk: { type: 'boolean' },
  version: { type: 'string' }, connections: { type: 'string' }, messages: { type: 'string' }, 'message-size': { type: 'string' },
  json: { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const;

function count(v: string | undefined, name: string, def: number, min: number): number {
  if (v === undefined) return def;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new Error('--' + name + ' must be an integer >= ' + min);
  return Number(v);
}

/** The server certificate chain of a demo PKI name (NAME-chain.crt when there is one). */
function serverChainFile(name: string): string {
  const chain = demoPkiFile(name + '-chain.crt');
  return existsSync(chain) ? chain : demoPkiFile(name + '.crt');
}

/** Fleet options and the JSON file from the arguments after "simulate" (null for --help); throws an Error on bad ones. */
export function simulateOptions(args: string[]): { fleet: FleetOptions; json: string | null } | null {
  const v = parseArgs({ args, options: OPTIONS, strict: true }).values;
  if (v.help) return null;
  if (v.resume && v.psk) throw new Error('--resume and --psk go separately');
  const kind: HandshakeKind = v.resume ? 'resume' : v.psk ? 'psk' : 'full';
  const serverProfile = v['server-profile'] ?? 'default';
  const cert = profile(serverProfile).serverCert;
  profile(v['device-profile'] ?? 'default');
  const version = v.version ?? '1.3';
  if (version !== '1.2' && version !== '1.3') throw new Error('--version must be 1.2 or 1.3');
  if (version === '1.2' && kind !== 'psk' && profile(v['device-profile'] ?? 'default').tls12Suites.length === 0) {
    throw new Error('device profile ' + v['device-profile'] + ' has no TLS 1.2 suite (no EdDSA in TLS 1.2 here)');
  }
  const seed = v.seed ?? '1';
  if (!/^\d+$/.test(seed) || Number(seed) > 0xffffffff) throw new Error('--seed must be an integer 0..4294967295');
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'latin1');
    } catch {
      throw new Error('cannot read ' + path + ' (the demo PKI ships in ports/node/demo-pki)');
    }
  };
  const fleet: FleetOptions = {
    devices: count(v.devices, 'devices', 10, 1),
    serverProfile,
    deviceProfile: v['device-profile'] ?? 'default',
    link: parseLink(v.link ?? ''),
    seed: Number(seed),
    kind,
    version: version === '1.2' ? TLS12 : TLS13,
    connections: count(v.connections, 'connections', kind === 'resume' ? 2 : 1, 1),
    messages: count(v.messages, 'messages', 3, 0),
    messageBytes: count(v['message-size'], 'message-size', 64, 1),
    spacingMs: 20,
    pauseMs: 1000,
    timeoutMs: 60_000,
    pki: { ca: read(demoPkiFile('ca.crt')), serverChain: read(serverChainFile(cert)), serverKey: read(demoPkiFile(cert + '.key')) },
  };
  return { fleet, json: v.json ?? null };
}

/** Runs `microtls simulate` with the arguments after the command; resolves to the exit code (1 if any connection failed). */
export async function simulate(args: string[], io: SimulateIo = processIo): Promise<number> {
  let parsed: ReturnType<typeof simulateOptions>;
  try {
    parsed = simulateOptions(args);
  } catch (e) {
    io.err('ERROR: ' + (e instanceof Error ? e.message : String(e)) + ' (see microtls simulate --help)\n');
    return 2;
  }
  if (!parsed) {
    io.out(SIMULATE_HELP);
    return 0;
  }
  const o = parsed.fleet;
  const json = parsed.json;
  // A few devices first, results dropped, so that JIT compilation is not counted as the first handshakes' CPU time.
  runFleet({ ...o, devices: Math.min(o.devices, 3), connections: Math.min(o.connections, 2) });
  const start = performance.now();
  let shown = 0;
  const progress = (done: number, virtualMs: number): void => {
    const wall = performance.now() - start;
    if (wall < 1000 || wall - shown < (io.tty ? 200 : 5000)) return;
    shown = wall;
    const line = 'simulating: ' + done + '/' + o.devices + ' devices done, virtual time ' +
      (virtualMs / 1000).toFixed(1) + ' s, wall ' + (wall / 1000).toFixed(1) + ' s';
    io.err(io.tty ? '\r' + line + '\x1b[K' : line + '\n');
  };
  const result = runFleet({ ...o, onProgress: progress });
  const wallMs = performance.now() - start;
  if (shown && io.tty) io.err('\r\x1b[K');

  const kinds = { full: 'full handshakes', resume: 'full handshake, then resumed with a ticket', psk: 'external PSK (psk_dhe_ke)' };
  io.out('microtls simulate: ' + o.devices + ' device' + (o.devices === 1 ? '' : 's') + ' (' + o.deviceProfile + ': ' +
    profile(o.deviceProfile).description + ') and a server (' + o.serverProfile + ': ' + profile(o.serverProfile).description + ')\n' +
    'link ' + describeLink(o.link) + '; seed ' + o.seed + '; TLS 1.' + (o.version === TLS12 ? '2' : '3') + ', ' + kinds[o.kind] + '; ' + o.connections + ' connection' +
    (o.connections === 1 ? '' : 's') + ' per device, ' + o.messages + ' messages of ' + o.messageBytes + ' bytes each\n\n');
  io.out(connectionTable(result.connections, 40) + '\n');
  const agg = aggregate(result.connections);
  io.out('Summary (medians, [min-max]; "max step" is the longest single engine call):\n' + aggregateTable(agg));
  io.out('handshake ms: device, first ClientHello byte sent to connect() done, on the virtual clock; server ms: to\n' +
    'accept() done. CPU ms: real time in connect()/accept(), c = device, s = server. bytes: handshake records each\n' +
    'way. RTT: round trips the device waited for. arena: Connection.arenaBytes.\n');
  io.out('virtual time ' + (result.virtualMs / 1000).toFixed(2) + ' s, ' + result.events + ' events, wall time ' +
    (wallMs / 1000).toFixed(2) + ' s\n');
  if (json) {
    writeFileSync(json, JSON.stringify(reportJson({ ...o, pki: undefined }, result, wallMs), null, 1) + '\n');
    io.out('results written to ' + json + '\n');
  }
  return agg.failed > 0 ? 1 : 0;
}

export const simulateCommand: Command = {
  name: 'simulate', summary: 'a device fleet and a server on simulated links', run: (args) => simulate(args),
};
