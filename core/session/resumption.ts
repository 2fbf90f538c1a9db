// What a client's saved session (session.ts) and a server's ticket
// (ticket.ts) both know about a resumable session, and its one encoding:
// both formats embed this body, so each field is written, read and checked
// in one place. Decoding is strict and copies what it returns, because a
// session outlives the buffer it was read from.
import { asciiBytes, asciiString } from '../bytes/ascii.js';
import type { Reader } from '../bytes/reader.js';
import type { Writer } from '../bytes/writer.js';
import { Alert, ErrorCode, TlsFailure, fail } from '../errors.js';
import { CipherSuite, isTls13Suite, suiteHash } from '../registry.js';

export interface Resumable {
  /** Cipher suite the session was established with (a TLS 1.2 one in a TLS 1.2 server's ticket). */
  suite: number;
  /** resumption PSK (RFC 8446 4.6.1), as long as the suite's hash; TLS 1.2: the master secret. */
  psk: Uint8Array;
  /** ticket_lifetime in seconds (at most 7 days). */
  lifetime: number;
  /** ticket_age_add (uint32). */
  ageAdd: number;
  /** max_early_data_size the ticket allows (0: no 0-RTT). */
  maxEarlyData: number;
  /** ALPN protocol of the original connection, or null. */
  alpn: Uint8Array | null;
  /** SNI of the original connection, or null. */
  serverName: string | null;
}

/** RFC 8446 4.6.1: ticket_lifetime MUST NOT exceed 7 days (in seconds). */
export const MAX_LIFETIME = 604800;

/**
 * The body, in this order (integers big-endian, vectors as u8 length then bytes):
 *   suite u16 | psk<32|48> | lifetime u32 | ageAdd u32 | time u64 (ms since
 *   the epoch) | maxEarlyData u32 | alpn<0..255> | serverName<0..255>
 * An empty alpn or serverName means null (RFC 7301 and RFC 6066 names are
 * never empty); serverName is ASCII.
 */
export const MAX_BODY = 2 + 1 + 48 + 4 + 4 + 8 + 4 + 1 + 255 + 1 + 255;

const MAX_SAFE = 9007199254740991; // 2^53 - 1 (no Number.isSafeInteger on Espruino)
const TWO32 = 4294967296;

export function badSession(detail: string): never {
  return fail(ErrorCode.BAD_SESSION, Alert.internal_error, detail);
}

function uint(v: number, max: number): boolean {
  return typeof v === 'number' && Math.floor(v) === v && v >= 0 && v <= max;
}

/** Checks every field (and the time) before encoding and after decoding. */
function check(s: Resumable, time: number): void {
  let known = false;
  for (const k of Object.keys(CipherSuite)) if ((CipherSuite as Record<string, number>)[k] === s.suite) known = true;
  if (!known) badSession('unknown cipher suite ' + s.suite);
  // A TLS 1.2 session keeps its master secret (48 bytes, RFC 5246 8.1) where TLS 1.3 keeps a resumption PSK.
  if (s.psk.length !== (suiteHash(s.suite) === 'sha384' || !isTls13Suite(s.suite) ? 48 : 32)) badSession('PSK length does not match the suite');
  if (!uint(s.lifetime, MAX_LIFETIME)) badSession('lifetime out of range');
  if (!uint(s.ageAdd, 0xffffffff)) badSession('ticket_age_add out of range');
  if (!uint(time, MAX_SAFE)) badSession('time out of range');
  if (!uint(s.maxEarlyData, 0xffffffff)) badSession('max_early_data out of range');
  if (s.alpn !== null && (s.alpn.length === 0 || s.alpn.length > 255)) badSession('ALPN length out of range');
  const n = s.serverName;
  if (n !== null) {
    if (n.length === 0 || n.length > 255) badSession('server name length out of range');
    for (let i = 0; i < n.length; i++) if (n.charCodeAt(i) > 0x7f) badSession('server name is not ASCII');
  }
}

export function writeResumable(w: Writer, s: Resumable, time: number): void {
  check(s, time);
  w.u16(s.suite);
  w.vec8(s.psk);
  w.u32(s.lifetime);
  w.u32(s.ageAdd);
  const high = Math.floor(time / TWO32);
  w.u32(high);
  w.u32(time - high * TWO32);
  w.u32(s.maxEarlyData);
  w.vec8(s.alpn ?? new Uint8Array(0));
  w.vec8(s.serverName === null ? new Uint8Array(0) : asciiBytes(s.serverName));
}

function copy(v: Uint8Array): Uint8Array {
  const c = new Uint8Array(v.length);
  c.set(v);
  return c;
}

/** Reads and checks the body; `time` is the u64 field. Throws BAD_SESSION. */
export function readResumable(r: Reader): Resumable & { time: number } {
  const suite = r.u16('suite');
  const psk = copy(r.vec8('psk'));
  const lifetime = r.u32('lifetime');
  const ageAdd = r.u32('ticket_age_add');
  const time = r.u32('time') * TWO32 + r.u32('time');
  const maxEarlyData = r.u32('max_early_data');
  const alpn = r.vec8('alpn');
  const name = r.vec8('server name');
  const s = {
    suite,
    psk,
    lifetime,
    ageAdd,
    maxEarlyData,
    alpn: alpn.length ? copy(alpn) : null,
    serverName: name.length ? asciiString(name) : null,
    time,
  };
  check(s, time);
  return s;
}

/** Runs a decoder, turning the Reader's decode errors into BAD_SESSION. */
export function strictly<T>(decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof TlsFailure && e.code !== ErrorCode.BAD_SESSION) badSession(e.detail);
    throw e;
  }
}
