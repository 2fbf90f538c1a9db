// Server identity checks (RFC 6125, RFC 5280 4.2.1.6). Choices:
// - only subjectAltName counts; a certificate without one matches nothing
//   (the subject commonName is never used, as in current browsers);
// - dNSName compares ASCII case-insensitively, a trailing dot on either side
//   is ignored; IDNs must already be A-labels ("xn--...");
// - a wildcard is allowed only as the whole left-most label, matches exactly
//   one non-empty label, and needs at least two labels after it ("*.com" and
//   "f*o.example.com" match nothing);
// - IP literals (IPv4 dotted quad, IPv6 text, optionally in brackets) match
//   only iPAddress entries, never a dNSName.
import type { Certificate } from './certificate.js';
import { bytesEqual } from './der.js';

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** Compares pattern[ps, ps+n) with host[hs, hs+n) ignoring ASCII case. */
function sameText(pattern: Uint8Array, ps: number, host: string, hs: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (lower(pattern[ps + i]) !== lower(host.charCodeAt(hs + i))) return false;
  return true;
}

/** Whether a dNSName from a certificate matches a DNS host name. */
export function matchDnsName(pattern: Uint8Array, host: string): boolean {
  let plen = pattern.length;
  let hlen = host.length;
  if (plen > 0 && pattern[plen - 1] === 0x2e) plen--;
  if (hlen > 0 && host.charCodeAt(hlen - 1) === 0x2e) hlen--;
  if (plen === 0 || hlen === 0) return false;
  let star = -1;
  let dots = 0;
  for (let i = 0; i < plen; i++) {
    if (pattern[i] === 0x2a) star = star < 0 ? i : plen; // a second '*' makes it unusable
    else if (pattern[i] === 0x2e) dots++;
  }
  if (star < 0) return plen === hlen && sameText(pattern, 0, host, 0, hlen);
  // "*." + at least two labels
  if (star !== 0 || plen < 3 || pattern[1] !== 0x2e || dots < 2) return false;
  const dot = host.indexOf('.');
  if (dot <= 0 || dot >= hlen) return false;
  const rest = plen - 1; // ".example.com"
  return hlen - dot === rest && sameText(pattern, 1, host, dot, rest);
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    // No leading zeros: "010" is octal to some parsers, decimal to others.
    if (p.length === 0 || p.length > 3 || (p.length > 1 && p[0] === '0')) return null;
    let v = 0;
    for (let k = 0; k < p.length; k++) {
      const c = p.charCodeAt(k) - 0x30;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

/** 16-bit groups of one side of "::"; an embedded IPv4 address is allowed only at the very end. */
function ipv6Groups(s: string, v4Allowed: boolean): number[] | null {
  if (s === '') return [];
  const parts = s.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (v4Allowed && i === parts.length - 1 && p.indexOf('.') >= 0) {
      const v4 = parseIpv4(p);
      if (!v4) return null;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      continue;
    }
    if (p.length === 0 || p.length > 4) return null;
    let v = 0;
    for (let k = 0; k < p.length; k++) {
      const c = p.charCodeAt(k);
      const h = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (h < 0) return null;
      v = v * 16 + h;
    }
    groups.push(v);
  }
  return groups;
}

function parseIpv6(s: string): Uint8Array | null {
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return null;
  const head = ipv6Groups(dbl >= 0 ? s.substring(0, dbl) : s, dbl < 0);
  const tail = ipv6Groups(dbl >= 0 ? s.substring(dbl + 2) : '', true);
  if (!head || !tail) return null;
  if (dbl < 0 ? head.length !== 8 : head.length + tail.length > 7) return null;
  const out = new Uint8Array(16);
  for (let i = 0; i < head.length; i++) {
    out[2 * i] = head[i] >> 8;
    out[2 * i + 1] = head[i] & 0xff;
  }
  for (let i = 0, o = 16 - 2 * tail.length; i < tail.length; i++, o += 2) {
    out[o] = tail[i] >> 8;
    out[o + 1] = tail[i] & 0xff;
  }
  return out;
}

/** An IPv4 or IPv6 literal ("[...]" allowed) as 4 or 16 bytes; null when `text` is not one. */
export function parseIp(text: string): Uint8Array | null {
  let s = text;
  if (s.length > 2 && s[0] === '[' && s[s.length - 1] === ']') s = s.substring(1, s.length - 1);
  return s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s);
}

/** Whether the certificate's subjectAltName covers `host` (a DNS name or an IP literal). */
export function matchesHostname(cert: Certificate, host: string): boolean {
  const ip = parseIp(host);
  if (ip) {
    for (let k = 0; k < cert.ipAddresses.length; k++) if (bytesEqual(cert.ipAddresses[k], ip)) return true;
    return false;
  }
  // A name whose last label is numeric is a malformed IP ("1.2.3.04"), not a DNS name.
  let end = host.length;
  if (end > 0 && host.charCodeAt(end - 1) === 0x2e) end--;
  let i = end;
  while (i > 0 && host.charCodeAt(i - 1) >= 0x30 && host.charCodeAt(i - 1) <= 0x39) i--;
  if (i < end && (i === 0 || host.charCodeAt(i - 1) === 0x2e)) return false;
  for (let k = 0; k < cert.dnsNames.length; k++) if (matchDnsName(cert.dnsNames[k], host)) return true;
  return false;
}

/**
 * Whether bytes are a dNSName in preferred name syntax (RFC 5280 4.2.1.6,
 * RFC 1034 3.5): labels of 1..63 letters, digits and inner hyphens, at most
 * 253 bytes, no trailing dot, a last label that is not all digits (that is
 * an IP address), and (when `wildcard`) "*" only as the whole left-most
 * label. Underscores are refused as RFC 5280 and the CA/Browser Forum
 * require (rustls-webpki lets them through for compatibility).
 */
export function isDnsName(v: Uint8Array, wildcard: boolean): boolean {
  if (v.length === 0 || v.length > 253) return false;
  let start = 0;
  if (wildcard && v[0] === 0x2a) {
    if (v.length < 3 || v[1] !== 0x2e) return false;
    start = 2;
  }
  let label = 0;
  let numeric = true;
  for (let i = start; i <= v.length; i++) {
    const c = i < v.length ? v[i] : 0x2e;
    if (c === 0x2e) {
      if (label === 0 || label > 63 || v[i - 1] === 0x2d || (numeric && i === v.length)) return false;
      label = 0;
      numeric = true;
      continue;
    }
    const digit = c >= 0x30 && c <= 0x39;
    if (!digit && !(c >= 0x41 && c <= 0x5a) && !(c >= 0x61 && c <= 0x7a) && !(c === 0x2d && label > 0)) return false;
    if (!digit) numeric = false;
    label++;
  }
  return true;
}
