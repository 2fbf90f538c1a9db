// Name constraints (RFC 5280 4.2.1.10, 6.1.3 (b)-(c)): a CA's permitted and
// excluded subtrees bind every certificate below it on the path, whether the
// extension is critical or not. Checked types: dNSName, iPAddress,
// rfc822Name and directoryName (the subject, compared RDN by RDN as DER
// bytes like every name here). When the leaf has no subjectAltName its
// subject commonName counts as a dNSName or IP (as webpki and Go do), so a
// constraint cannot be dodged by leaving the SAN out. Subtrees of other
// types (URI, otherName, ...) constrain names this stack never uses and are
// ignored.
import { asciiString } from '../bytes/ascii.js';
import { Alert, ErrorCode } from '../errors.js';
import { fail } from './errors.js';
import type { Certificate, GeneralName } from './certificate.js';
import { Der, Tag, bytesEqual } from './der.js';
import { isDnsName, parseIp } from './name.js';

const EMAIL = 1;
const DNS = 2;
const DIRECTORY = 4;
const IP = 7;

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** Offset of the first (or, with `last`, the last) byte b in v; -1 when there is none. */
function find(v: Uint8Array, b: number, last = false): number {
  for (let i = 0; i < v.length; i++) {
    const k = last ? v.length - 1 - i : i;
    if (v[k] === b) return k;
  }
  return -1;
}

/** Whether a ends with b, ASCII case-insensitively. */
function endsWith(a: Uint8Array, b: Uint8Array, bStart = 0): boolean {
  const n = b.length - bStart;
  if (n > a.length) return false;
  for (let i = 0; i < n; i++) if (lower(a[a.length - n + i]) !== lower(b[bStart + i])) return false;
  return true;
}

/**
 * dNSName subtree: "example.com" holds itself and every name below it,
 * ".example.com" only the names below it, "" everything.
 */
function dnsWithin(name: Uint8Array, c: Uint8Array): boolean {
  if (c.length === 0) return true;
  if (c[0] === 0x2e) return name.length > c.length && endsWith(name, c);
  if (!endsWith(name, c)) return false;
  return name.length === c.length || name[name.length - c.length - 1] === 0x2e;
}

/** A wildcard name "*.B" also stands for every "L.B": it hits an excluded subtree "L.B" too. */
function wildcardHits(name: Uint8Array, c: Uint8Array): boolean {
  if (name.length < 3 || name[0] !== 0x2a) return false;
  const dot = find(c.subarray(1), 0x2e) + 1;
  return dot > 0 && c.length - dot === name.length - 1 && endsWith(c, name, 1);
}

/** iPAddress subtree: address and mask of the same family (8 or 32 bytes). */
function ipWithin(ip: Uint8Array, c: Uint8Array): boolean {
  if (c.length !== 2 * ip.length) return false;
  for (let i = 0; i < ip.length; i++) if ((ip[i] & c[ip.length + i]) !== (c[i] & c[ip.length + i])) return false;
  return true;
}

/** rfc822Name subtree: a mailbox "a@host", every mailbox at "host", or at any host below ".host". */
function emailWithin(email: Uint8Array, c: Uint8Array): boolean {
  const at = find(email, 0x40, true);
  if (at <= 0) return false;
  if (find(c, 0x40) >= 0) {
    if (c.length !== email.length) return false;
    return find(c, 0x40, true) === at && bytesEqual(c.subarray(0, at), email.subarray(0, at)) && endsWith(email, c, at);
  }
  const host = email.subarray(at + 1);
  return c[0] === 0x2e ? host.length > c.length && endsWith(host, c) : host.length === c.length && endsWith(host, c);
}

/** directoryName subtree: the constraint's RDNs are the first RDNs of the name. */
function directoryWithin(name: Uint8Array, c: Uint8Array): boolean {
  const n = new Der(name);
  const k = new Der(c);
  const nEnd = n.sequence(name.length);
  const kEnd = k.sequence(c.length);
  while (k.pos < kEnd) {
    if (n.pos >= nEnd) return false;
    const a = k.element(Tag.SET, kEnd);
    if (!bytesEqual(a, n.element(Tag.SET, nEnd))) return false;
  }
  return true;
}

function within(type: number, name: Uint8Array, c: Uint8Array): boolean {
  switch (type) {
    case DNS: return dnsWithin(name, c);
    case IP: return ipWithin(name, c);
    case EMAIL: return emailWithin(name, c);
    default: return directoryWithin(name, c);
  }
}

const TYPE_LABEL: Record<number, string> = { 1: 'email', 2: 'DNS', 4: 'DirName', 7: 'IP' };

function show(type: number, v: Uint8Array): string {
  if (type === DIRECTORY) return 'the subject';
  let s = type === IP ? '' : asciiString(v);
  if (type === IP && v.length === 4) s = v.join('.');
  else if (type === IP) for (let i = 0; i < 16; i += 2) s += (i ? ':' : '') + ((v[i] << 8) | v[i + 1]).toString(16);
  return TYPE_LABEL[type] + ':' + s;
}

function excluded(subtrees: GeneralName[], type: number, name: Uint8Array): boolean {
  for (let i = 0; i < subtrees.length; i++) {
    const e = subtrees[i];
    if (e.type === type && (within(type, name, e.value) || (type === DNS && wildcardHits(name, e.value)))) return true;
  }
  return false;
}

/** The CA's verdict on one name: permitted subtrees of its type hold it, no excluded one does. */
function checkName(ca: Certificate, caLabel: string, cLabel: string, type: number, name: Uint8Array): void {
  const nc = ca.nameConstraints!;
  let constrained = false;
  let permitted = false;
  for (let i = 0; i < nc.permitted.length; i++) {
    const p: GeneralName = nc.permitted[i];
    if (p.type !== type) continue;
    constrained = true;
    if (within(type, name, p.value)) {
      permitted = true;
      break;
    }
  }
  const why = constrained && !permitted ? 'is not in the permitted subtrees of'
    : excluded(nc.excluded, type, name) ? 'is in an excluded subtree of' : '';
  if (why) fail(ErrorCode.CERT_NAME_CONSTRAINTS, Alert.bad_certificate, show(type, name) + ' of ' + cLabel + ' ' + why + ' ' + caLabel);
}


/** The commonName as bytes when it is ASCII, for the no-SAN rule. */
function commonName(c: Certificate): Uint8Array | null {
  const s = c.subjectCN;
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch > 0x7f) return null;
    out[i] = ch;
  }
  return out;
}

/**
 * Applies `ca`'s name constraints to certificate `c` below it; `leaf` says
 * whether c is the end-entity (whose commonName counts when it has no SAN).
 */
export function checkNameConstraints(ca: Certificate, caLabel: string, c: Certificate, cLabel: string, leaf: boolean): void {
  if (!ca.nameConstraints) return;
  for (let i = 0; i < c.dnsNames.length; i++) checkName(ca, caLabel, cLabel, DNS, c.dnsNames[i]);
  for (let i = 0; i < c.ipAddresses.length; i++) checkName(ca, caLabel, cLabel, IP, c.ipAddresses[i]);
  for (let i = 0; i < c.emails.length; i++) checkName(ca, caLabel, cLabel, EMAIL, c.emails[i]);
  if (c.subject.length > 2) checkName(ca, caLabel, cLabel, DIRECTORY, c.subject);
  if (leaf && !c.hasSubjectAltName && c.subjectCN) {
    const ip = parseIp(c.subjectCN);
    const cn = commonName(c);
    if (ip) checkName(ca, caLabel, cLabel, IP, ip);
    else if (cn && isDnsName(cn, true)) checkName(ca, caLabel, cLabel, DNS, cn);
  }
}
