// Flags shared by the TLS commands (server, client, demo) and their
// conversion to Context options: IANA name lists, bounded integers,
// external PSKs, ALPN. A bad value is a BAD_CONFIG error naming the flag.
import type { ContextOptions, ExternalPsk } from '../../../core/engine/types.js';
import { ErrorCode } from '../../../core/errors.js';
import { CipherSuite, NamedGroup, SignatureScheme, TLS12, TLS13, parseNameList } from '../../../core/registry.js';
import { keyLogFile, nodeRandom } from '../files.js';
import type { Values } from './command.js';
import { cliError } from './errors.js';
import type { Print } from './output.js';
import { DEFAULT_TIMEOUT_S } from './deadline.js';

export const DEFAULT_PORT = 11111;
export const DEFAULT_HOST = '127.0.0.1';

/** Flags of every TLS command. */
export const COMMON = {
  ciphers: { type: 'string' },
  groups: { type: 'string' },
  sigalgs: { type: 'string' },
  keylog: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  tls1_2: { type: 'boolean' }, tls1_3: { type: 'boolean' },
  'min-version': { type: 'string' }, 'max-version': { type: 'string' },
} as const;

/** Flags of both server and client: external PSK and extensions. */
export const PEER = {
  'psk-identity': { type: 'string' }, 'psk-key': { type: 'string' }, 'psk-only': { type: 'boolean' },
  alpn: { type: 'string' }, servername: { type: 'string' }, 'record-size-limit': { type: 'string' },
  timeout: { type: 'string' },
} as const;

function nameList(v: Values, key: string, table: Readonly<Record<string, number>>, what: string): number[] | undefined {
  const list = v[key];
  if (typeof list !== 'string') return undefined;
  const r = parseNameList(list, table);
  if (typeof r === 'string') throw cliError(ErrorCode.BAD_CONFIG, 'unknown ' + what + " '" + r + "'");
  if (r.length === 0) throw cliError(ErrorCode.BAD_CONFIG, 'empty ' + what + ' list');
  return r;
}

/** The integer value of --key within [min, max], or undefined when not given. */
export function intOption(v: Values, key: string, min: number, max: number): number | undefined {
  const s = v[key];
  if (typeof s !== 'string') return undefined;
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < min || n > max) throw cliError(ErrorCode.BAD_CONFIG, 'bad --' + key + " '" + s + "' (" + min + '..' + max + ')');
  return n;
}

/** --timeout in milliseconds (0: no bound). */
export function timeoutOf(v: Values): number {
  return (intOption(v, 'timeout', 0, 86400) ?? DEFAULT_TIMEOUT_S) * 1000;
}

/** --record-size-limit N, the RFC 8449 value (65..16385), as the engine's plaintext limit (one byte less in TLS 1.3). */
function recordSizeLimitOf(v: Values): number | undefined {
  const n = intOption(v, 'record-size-limit', 65, 16385);
  return n === undefined ? undefined : n - 1;
}

/** A version as the flags take it: 1.2, 1.3, TLSv1.2 or TLSv1.3. */
function versionOf(v: Values, key: string): number | undefined {
  const s = v[key];
  if (typeof s !== 'string') return undefined;
  const m = /^(?:TLSv)?1\.([23])$/i.exec(s);
  if (!m) throw cliError(ErrorCode.BAD_CONFIG, 'bad --' + key + " '" + s + "' (1.2 or 1.3)");
  return m[1] === '2' ? TLS12 : TLS13;
}

/**
 * --tls1_2 / --tls1_3 (that version only, as OpenSSL's flags) or
 * --min-version / --max-version; the engine's defaults without them.
 */
export function versionsOf(v: Values): { minVersion?: number; maxVersion?: number } {
  const only = v.tls1_2 ? TLS12 : v.tls1_3 ? TLS13 : undefined;
  const min = versionOf(v, 'min-version');
  const max = versionOf(v, 'max-version');
  if (only !== undefined) {
    if (v.tls1_2 && v.tls1_3) throw cliError(ErrorCode.BAD_CONFIG, '--tls1_2 and --tls1_3 exclude each other (use --min-version/--max-version)');
    if (min !== undefined || max !== undefined) throw cliError(ErrorCode.BAD_CONFIG, '--tls1_2/--tls1_3 go without --min-version/--max-version');
    return { minVersion: only, maxVersion: only };
  }
  if (min !== undefined && max !== undefined && min > max) throw cliError(ErrorCode.BAD_CONFIG, '--min-version is above --max-version');
  return { minVersion: min, maxVersion: max };
}

/** --host and --port, with their defaults. */
export function endpointOf(v: Values): { host: string; port: number } {
  return { host: typeof v.host === 'string' ? v.host : DEFAULT_HOST, port: intOption(v, 'port', 0, 65535) ?? DEFAULT_PORT };
}

/** --psk-identity and --psk-key as an external PSK, or null. */
export function pskOf(v: Values): ExternalPsk | null {
  const id = v['psk-identity'];
  const hex = v['psk-key'];
  if (id === undefined && hex === undefined) {
    if (v['psk-only']) throw cliError(ErrorCode.BAD_CONFIG, '--psk-only needs --psk-identity and --psk-key');
    return null;
  }
  if (typeof id !== 'string' || typeof hex !== 'string') throw cliError(ErrorCode.BAD_CONFIG, '--psk-identity and --psk-key go together');
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw cliError(ErrorCode.BAD_CONFIG, '--psk-key must be hex digits');
  return { identity: Buffer.from(id, 'utf8'), key: Buffer.from(hex, 'hex') };
}

/** --alpn LIST as protocol names. */
function alpnOf(v: Values): string[] | undefined {
  const list = v.alpn;
  if (typeof list !== 'string') return undefined;
  const names = list.split(',');
  if (names.some((n) => n.length === 0 || n.length > 255)) throw cliError(ErrorCode.BAD_CONFIG, "bad --alpn list '" + list + "'");
  return names;
}

export function maxFragOf(v: Values): 512 | 1024 | 2048 | 4096 | undefined {
  const s = v['max-frag'];
  if (s === undefined) return undefined;
  if (s !== '512' && s !== '1024' && s !== '2048' && s !== '4096') throw cliError(ErrorCode.BAD_CONFIG, "bad --max-frag '" + s + "' (512, 1024, 2048 or 4096)");
  return Number(s) as 512 | 1024 | 2048 | 4096;
}

/** Context options shared by every TLS command: names, debug log, key log, PSK mode, ALPN, record size. */
export function baseOptions(side: 'client' | 'server', v: Values, debug: Print | undefined): ContextOptions {
  return {
    side,
    random: nodeRandom,
    now: Date.now,
    ...versionsOf(v),
    cipherSuites: nameList(v, 'ciphers', CipherSuite, 'cipher suite'),
    groups: nameList(v, 'groups', NamedGroup, 'group'),
    signatureSchemes: nameList(v, 'sigalgs', SignatureScheme, 'signature scheme'),
    debug,
    keyLog: typeof v.keylog === 'string' ? keyLogFile(v.keylog) : undefined,
    pskModes: v['psk-only'] ? ['psk_ke'] : undefined,
    alpn: alpnOf(v),
    recordSizeLimit: recordSizeLimitOf(v),
  };
}
