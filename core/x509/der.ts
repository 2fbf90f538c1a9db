// A zero-copy DER reader (X.690). A Der cursor walks one buffer; callers pass
// the end offset of the enclosing element, so every length is checked
// against its parent, not just the buffer. Values come back as subarray
// views or offsets; only INTEGER-as-BigInt and printable strings build new
// values. Failures throw TlsFailure with the code given to the cursor:
// CERT_PARSE/bad_certificate for certificates, BAD_KEY for key files.
import { Alert, ErrorCode } from '../errors.js';
import { fail } from './errors.js';

export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  UniversalString: 0x1c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Tag of a context-specific [n]: constructed for EXPLICIT (and IMPLICIT SEQUENCE), primitive for IMPLICIT scalars. */
export function ctx(n: number, constructed: boolean): number {
  return (constructed ? 0xa0 : 0x80) | n;
}

export class Der {
  /** Offset of the next element. */
  pos: number;
  /** Content start of the element the last header() read. */
  start = 0;

  constructor(
    readonly buf: Uint8Array,
    readonly code: number = ErrorCode.CERT_PARSE,
    pos = 0,
  ) {
    this.pos = pos;
  }

  /** Throws this cursor's parse error. */
  fail(detail: string): never {
    return fail(this.code, this.code === ErrorCode.BAD_KEY ? Alert.internal_error : Alert.bad_certificate, detail);
  }

  /** Throws "unsupported key" in certificate context, BAD_KEY otherwise. */
  unsupported(detail: string): never {
    if (this.code === ErrorCode.BAD_KEY) this.fail(detail);
    return fail(ErrorCode.CERT_UNSUPPORTED_KEY, Alert.unsupported_certificate, detail);
  }

  /** Tag of the next element, or -1 at `end`. */
  peek(end: number): number {
    return this.pos < end ? this.buf[this.pos] : -1;
  }

  /**
   * Reads the header of the next element, which must have tag `tag` (or any
   * tag when tag < 0), and leaves pos at its content. Returns the content end.
   */
  header(tag: number, end: number): number {
    const b = this.buf;
    let p = this.pos;
    if (p + 2 > end) this.fail('truncated element');
    const t = b[p++];
    if ((t & 0x1f) === 0x1f) this.fail('multi-byte tag');
    if (tag >= 0 && t !== tag) this.fail('expected tag 0x' + tag.toString(16) + ', got 0x' + t.toString(16));
    let len = b[p++];
    if (len >= 0x80) {
      const n = len & 0x7f;
      if (n === 0) this.fail('indefinite length');
      if (n > 3 || p + n > end) this.fail('length too large');
      if (b[p] === 0) this.fail('non-minimal length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p++];
      if (len < 0x80) this.fail('non-minimal length');
    }
    if (len > end - p) this.fail('length past the end');
    this.start = p;
    this.pos = p;
    return p + len;
  }

  /** Checks that the element ending at `end` has been read completely. */
  close(end: number): void {
    if (this.pos !== end) this.fail('trailing data in element');
  }

  /** Enters a SEQUENCE; returns its content end. */
  sequence(end: number): number {
    return this.header(Tag.SEQUENCE, end);
  }

  /** Skips the next element, whatever its tag. */
  skip(end: number): void {
    this.pos = this.header(-1, end);
  }

  /** View of the whole next element (tag, length and content) with tag `tag`. */
  element(tag: number, end: number): Uint8Array {
    const at = this.pos;
    this.pos = this.header(tag, end);
    return this.buf.subarray(at, this.pos);
  }

  /** View of the content of the next element with tag `tag`. */
  content(tag: number, end: number): Uint8Array {
    this.pos = this.header(tag, end);
    return this.buf.subarray(this.start, this.pos);
  }

  /** If the next element is [n] EXPLICIT, enters it and returns its content end; otherwise -1. */
  explicit(n: number, end: number): number {
    return this.peek(end) === ctx(n, true) ? this.header(ctx(n, true), end) : -1;
  }

  /** INTEGER content view, checked for minimal encoding (sign byte kept). */
  integer(end: number): Uint8Array {
    const v = this.content(Tag.INTEGER, end);
    if (v.length === 0) this.fail('empty INTEGER');
    if (v.length > 1 && ((v[0] === 0 && v[1] < 0x80) || (v[0] === 0xff && v[1] >= 0x80))) {
      this.fail('non-minimal INTEGER');
    }
    return v;
  }

  /** A non-negative INTEGER that fits in 31 bits (versions, lengths). */
  smallInt(end: number): number {
    const v = this.integer(end);
    if (v[0] >= 0x80 || v.length > 4) this.fail('INTEGER out of range');
    let n = 0;
    for (let i = 0; i < v.length; i++) n = n * 256 + v[i];
    return n;
  }

  /** A positive INTEGER as a BigInt (RSA). */
  bigint(end: number): bigint {
    const v = this.integer(end);
    if (v[0] >= 0x80) this.fail('negative INTEGER');
    let n = BigInt(0);
    for (let i = 0; i < v.length; i++) n = (n << BigInt(8)) | BigInt(v[i]);
    return n;
  }

  /** OID content view (compare with bytesEqual against constants from oid()). */
  oid(end: number): Uint8Array {
    const v = this.content(Tag.OID, end);
    if (v.length === 0 || (v[v.length - 1] & 0x80) !== 0) this.fail('malformed OID');
    return v;
  }

  /** BIT STRING content after the unused-bits byte; `unused` must be 0 (keys, signatures). */
  bitString(end: number): Uint8Array {
    const v = this.content(Tag.BIT_STRING, end);
    if (v.length === 0 || v[0] !== 0) this.fail('BIT STRING with unused bits');
    return v.subarray(1);
  }

  /**
   * A named-bit BIT STRING (keyUsage) as a number: bit i of the result is
   * bit i of the string (bit 0 = the first, most significant bit).
   */
  bitFlags(end: number): number {
    const v = this.content(Tag.BIT_STRING, end);
    if (v.length === 0 || v[0] > 7 || (v.length === 1 && v[0] !== 0)) this.fail('malformed BIT STRING');
    if (v.length > 1 && (v[v.length - 1] & ((1 << v[0]) - 1)) !== 0) this.fail('BIT STRING unused bits not zero');
    let flags = 0;
    for (let i = 1; i < v.length && i <= 3; i++) {
      for (let bit = 0; bit < 8; bit++) if (v[i] & (0x80 >> bit)) flags |= 1 << ((i - 1) * 8 + bit);
    }
    return flags;
  }

  octetString(end: number): Uint8Array {
    return this.content(Tag.OCTET_STRING, end);
  }

  boolean(end: number): boolean {
    const v = this.content(Tag.BOOLEAN, end);
    if (v.length !== 1 || (v[0] !== 0 && v[0] !== 0xff)) this.fail('malformed BOOLEAN');
    return v[0] !== 0;
  }

  /** NULL (AlgorithmIdentifier parameters). */
  null(end: number): void {
    if (this.header(Tag.NULL, end) !== this.pos) this.fail('non-empty NULL');
  }

  /** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) in milliseconds since the epoch. */
  time(end: number): number {
    const tag = this.peek(end);
    const v = this.content(tag === Tag.UTCTime ? Tag.UTCTime : Tag.GeneralizedTime, end);
    const short = tag === Tag.UTCTime;
    if (v.length !== (short ? 13 : 15) || v[v.length - 1] !== 0x5a /* Z */) this.fail('malformed time');
    const d = (i: number): number => {
      const hi = v[i] - 0x30;
      const lo = v[i + 1] - 0x30;
      if (hi < 0 || hi > 9 || lo < 0 || lo > 9) this.fail('malformed time');
      return hi * 10 + lo;
    };
    let year: number;
    let i: number;
    if (short) {
      year = d(0);
      year += year >= 50 ? 1900 : 2000; // RFC 5280 4.1.2.5.1
      i = 2;
    } else {
      year = d(0) * 100 + d(2);
      i = 4;
    }
    const month = d(i);
    const day = d(i + 2);
    const hour = d(i + 4);
    const min = d(i + 6);
    const sec = d(i + 8);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || min > 59 || sec > 59) {
      this.fail('time out of range');
    }
    return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + min) * 60000 + sec * 1000;
  }

  /**
   * A directory string (UTF8String, PrintableString, IA5String, T61String,
   * BMPString, UniversalString) as a JS string, for messages.
   */
  text(end: number): string {
    const tag = this.peek(end);
    const v = this.content(-1, end);
    let s = '';
    if (tag === Tag.BMPString || tag === Tag.UniversalString) {
      const w = tag === Tag.BMPString ? 2 : 4;
      if (v.length % w !== 0) this.fail('malformed string');
      for (let i = 0; i < v.length; i += w) {
        let c = 0;
        for (let k = 0; k < w; k++) c = c * 256 + v[i + k];
        s += c <= 0x10ffff ? String.fromCodePoint(c) : '\ufffd';
      }
      return s;
    }
    if (tag === Tag.UTF8String) return utf8(v);
    if (tag !== Tag.PrintableString && tag !== Tag.IA5String && tag !== Tag.T61String) this.fail('unexpected string type');
    for (let i = 0; i < v.length; i++) s += String.fromCharCode(v[i]);
    return s;
  }
}

/** Decodes UTF-8, replacing malformed sequences with U+FFFD (strings here are only shown, never compared). */
function utf8(v: Uint8Array): string {
  let s = '';
  for (let i = 0; i < v.length; ) {
    const b = v[i++];
    const n = b < 0x80 ? 0 : b >= 0xf0 && b < 0xf8 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : -1;
    let c = n === 3 ? b & 0x07 : n === 2 ? b & 0x0f : n === 1 ? b & 0x1f : b;
    if (n < 0 || i + n > v.length) {
      s += '\ufffd';
      continue;
    }
    let ok = true;
    for (let k = 0; k < n; k++) {
      const x = v[i + k];
      if ((x & 0xc0) !== 0x80) ok = false;
      c = (c << 6) | (x & 0x3f);
    }
    if (ok) i += n;
    s += ok && c <= 0x10ffff ? String.fromCodePoint(c) : '\ufffd';
  }
  return s;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** OID content bytes from a dotted string, for constants (evaluated once at module load). */
export function oid(dotted: string): Uint8Array {
  const p = dotted.split('.').map(Number);
  const arcs = [p[0] * 40 + p[1]].concat(p.slice(2));
  const out: number[] = [];
  for (let v of arcs) {
    const bytes = [v & 0x7f];
    while ((v = Math.floor(v / 128)) > 0) bytes.unshift((v & 0x7f) | 0x80);
    for (const b of bytes) out.push(b);
  }
  return Uint8Array.from(out);
}

/** Dotted form of OID content bytes, for error messages. */
export function oidToString(v: Uint8Array): string {
  let s = '';
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    n = n * 128 + (v[i] & 0x7f);
    if (v[i] & 0x80) continue;
    if (s === '') s = n < 80 ? Math.floor(n / 40) + '.' + (n % 40) : '2.' + (n - 80);
    else s += '.' + n;
    n = 0;
  }
  return s;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
