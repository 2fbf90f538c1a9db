// A DER writer (X.690), the counterpart of der.ts: each function returns one
// complete element (tag, length, content) as a new array, and constructed
// elements are made by concatenating their children. Generation (keys out,
// CSRs, certificates) runs once on a device, so plain allocation is fine.
import { Tag, ctx } from './der.js';

/** Concatenation of byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (let i = 0; i < parts.length; i++) len += parts[i].length;
  const out = new Uint8Array(len);
  for (let i = 0, o = 0; i < parts.length; o += parts[i].length, i++) out.set(parts[i], o);
  return out;
}

/** One element: tag, definite length in the shortest form, content. */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const lenBytes = n < 0x80 ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
  const out = new Uint8Array(2 + lenBytes + n);
  out[0] = tag;
  if (lenBytes === 0) out[1] = n;
  else {
    out[1] = 0x80 | lenBytes;
    for (let i = 0; i < lenBytes; i++) out[2 + i] = (n >>> (8 * (lenBytes - 1 - i))) & 0xff;
  }
  out.set(content, 2 + lenBytes);
  return out;
}

export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(Tag.SEQUENCE, concat(items));
export const set = (...items: Uint8Array[]): Uint8Array => tlv(Tag.SET, concat(items));
/** [n] EXPLICIT around the given elements. */
export const explicit = (n: number, ...items: Uint8Array[]): Uint8Array => tlv(ctx(n, true), concat(items));
/** [n] IMPLICIT on a primitive value (dNSName, iPAddress, keyIdentifier). */
export const implicit = (n: number, content: Uint8Array): Uint8Array => tlv(ctx(n, false), content);
export const octetString = (v: Uint8Array): Uint8Array => tlv(Tag.OCTET_STRING, v);
export const oidElement = (content: Uint8Array): Uint8Array => tlv(Tag.OID, content);
export const derNull = (): Uint8Array => Uint8Array.of(Tag.NULL, 0);
export const boolean = (v: boolean): Uint8Array => Uint8Array.of(Tag.BOOLEAN, 1, v ? 0xff : 0);

/** BIT STRING with no unused bits (keys, signatures). */
export function bitString(v: Uint8Array): Uint8Array {
  const c = new Uint8Array(v.length + 1);
  c.set(v, 1);
  return tlv(Tag.BIT_STRING, c);
}

/**
 * A named-bit BIT STRING (keyUsage) from flags where bit i is named bit i,
 * with trailing zero bits removed as DER requires.
 */
export function namedBits(flags: number): Uint8Array {
  let top = -1;
  for (let i = 0; i < 16; i++) if (flags & (1 << i)) top = i;
  const bytes = top < 0 ? 0 : (top >> 3) + 1;
  const c = new Uint8Array(1 + bytes);
  for (let i = 0; i <= top; i++) if (flags & (1 << i)) c[1 + (i >> 3)] |= 0x80 >> (i & 7);
  c[0] = top < 0 ? 0 : 7 - (top & 7);
  return tlv(Tag.BIT_STRING, c);
}

/** INTEGER from an unsigned big-endian magnitude (leading zeros dropped, a 0x00 added to keep it positive). */
export function unsignedInteger(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  const body = v.subarray(i);
  if (body.length === 0) return Uint8Array.of(Tag.INTEGER, 1, 0);
  if (body[0] < 0x80) return tlv(Tag.INTEGER, body);
  const c = new Uint8Array(body.length + 1);
  c.set(body, 1);
  return tlv(Tag.INTEGER, c);
}

/** INTEGER from a non-negative BigInt or number. */
export function integer(v: bigint | number): Uint8Array {
  let hex = v.toString(16);
  if (hex.length & 1) hex = '0' + hex;
  const b = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.substr(2 * i, 2), 16);
  return unsignedInteger(b);
}

/** Text as UTF-8 bytes (the writer's strings: names and SANs). */
export function utf8Bytes(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i) as number;
    if (c > 0xffff) i++; // a surrogate pair
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

export const utf8String = (s: string): Uint8Array => tlv(Tag.UTF8String, utf8Bytes(s));
export const printableString = (s: string): Uint8Array => tlv(Tag.PrintableString, utf8Bytes(s));

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5), from milliseconds since the epoch (seconds kept). */
export function time(ms: number): Uint8Array {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const rest = two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds()) + 'Z';
  if (y >= 1950 && y < 2050) return tlv(Tag.UTCTime, utf8Bytes(two(y % 100) + rest));
  return tlv(Tag.GeneralizedTime, utf8Bytes(String(y).padStart(4, '0') + rest));
}
