// The pieces of CSRs and certificates the toolkit writes: distinguished
// names, signature AlgorithmIdentifiers and the v3 extensions (RFC 5280
// 4.2.1), each as DER from core/x509/der-writer.ts with the OIDs the
// certificate parser already knows.
import type { HashName, SignatureAlgorithm } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import {
  OID_AUTHORITY_KEY_ID, OID_BASIC_CONSTRAINTS, OID_CN, OID_ECDSA_SHA256, OID_ECDSA_SHA384, OID_ECDSA_SHA512,
  OID_EKU_CLIENT, OID_EKU_SERVER, OID_EXT_KEY_USAGE, OID_KEY_USAGE, OID_MGF1, OID_SHA256, OID_SHA256_RSA,
  OID_SHA384, OID_SHA384_RSA, OID_SHA512, OID_SHA512_RSA, OID_SUBJECT_ALT_NAME, OID_SUBJECT_KEY_ID,
} from '../x509/certificate.js';
import { oid } from '../x509/der.js';
import {
  boolean, derNull, explicit, implicit, integer, namedBits, octetString, oidElement, printableString, sequence, set,
  utf8Bytes, utf8String,
} from '../x509/der-writer.js';
import { OID_ED25519, OID_ED448, OID_RSASSA_PSS } from '../x509/keys.js';
import { parseIp } from '../x509/name.js';

/** Attribute types of a subject, as openssl's -subj names them. */
const NAME_TYPES: Record<string, Uint8Array> = {
  CN: OID_CN,
  C: oid('2.5.4.6'),
  L: oid('2.5.4.7'),
  ST: oid('2.5.4.8'),
  O: oid('2.5.4.10'),
  OU: oid('2.5.4.11'),
  serialNumber: oid('2.5.4.5'),
};

/** A subject as [type, value] pairs in order, e.g. [['CN', 'device-1'], ['O', 'Acme']]. */
export type NameEntries = [string, string][];

function badInput(what: string): never {
  return fail(ErrorCode.BAD_CONFIG, Alert.internal_error, what);
}

/** Reads openssl's "/CN=device-1/O=Acme" form (a backslash escapes "/" in a value). */
export function parseSubject(text: string): NameEntries {
  if (text.charAt(0) !== '/') badInput('subject must look like /CN=name/O=org, not ' + JSON.stringify(text));
  const entries: NameEntries = [];
  let cur = '';
  for (let i = 1; i <= text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\' && i + 1 < text.length) cur += text.charAt(++i);
    else if (c === '/' || i === text.length) {
      const eq = cur.indexOf('=');
      if (eq <= 0) badInput('subject entry ' + JSON.stringify(cur) + ' is not TYPE=value');
      entries.push([cur.substring(0, eq), cur.substring(eq + 1)]);
      cur = '';
    } else cur += c;
  }
  return entries;
}

/** A Name: one RDN per entry; countryName is a PrintableString, the rest UTF8String (as openssl writes them). */
export function encodeName(entries: NameEntries): Uint8Array {
  const rdns: Uint8Array[] = [];
  for (const [type, value] of entries) {
    const id = NAME_TYPES[type];
    if (!id) badInput('unknown subject attribute ' + JSON.stringify(type) + ' (' + Object.keys(NAME_TYPES).join(', ') + ')');
    if (value.length === 0 || utf8Bytes(value).length > 64) badInput('subject ' + type + ' must be 1 to 64 bytes');
    if (type === 'C' && !/^[A-Z]{2}$/.test(value)) badInput('country must be two capital letters, not ' + JSON.stringify(value));
    rdns.push(set(sequence(oidElement(id), type === 'C' ? printableString(value) : utf8String(value))));
  }
  return sequence(...rdns);
}

const HASH_OID: Record<HashName, Uint8Array> = { sha256: OID_SHA256, sha384: OID_SHA384, sha512: OID_SHA512 };
const HASH_LEN: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** The AlgorithmIdentifier of a signature (RFC 5754, 4055, 8410). */
export function signatureAlgorithmId(alg: SignatureAlgorithm): Uint8Array {
  const h = alg.hash as HashName;
  switch (alg.type) {
    case 'ecdsa':
      return sequence(oidElement(h === 'sha256' ? OID_ECDSA_SHA256 : h === 'sha384' ? OID_ECDSA_SHA384 : OID_ECDSA_SHA512));
    case 'rsa-pkcs1':
      return sequence(oidElement(h === 'sha256' ? OID_SHA256_RSA : h === 'sha384' ? OID_SHA384_RSA : OID_SHA512_RSA), derNull());
    case 'rsa-pss': {
      const hashId = sequence(oidElement(HASH_OID[h]), derNull());
      return sequence(oidElement(OID_RSASSA_PSS), sequence(
        explicit(0, hashId), explicit(1, sequence(oidElement(OID_MGF1), hashId)), explicit(2, integer(HASH_LEN[h])),
      ));
    }
    case 'ed25519': return sequence(oidElement(OID_ED25519));
    case 'ed448': return sequence(oidElement(OID_ED448));
  }
}

/** Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }. */
export function extension(id: Uint8Array, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oidElement(id), boolean(true), octetString(value)) : sequence(oidElement(id), octetString(value));
}

/** subjectAltName from "DNS:name" and "IP:address" entries (IPv4 or IPv6). */
export function subjectAltName(entries: string[]): Uint8Array {
  const names: Uint8Array[] = [];
  for (const e of entries) {
    const colon = e.indexOf(':');
    const kind = e.substring(0, colon);
    const value = e.substring(colon + 1);
    if (kind === 'DNS') {
      if (!/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(value) || value.length > 253) {
        badInput('invalid DNS name ' + JSON.stringify(value));
      }
      names.push(implicit(2, utf8Bytes(value)));
    } else if (kind === 'IP') {
      const ip = parseIp(value);
      if (!ip) badInput('invalid IP address ' + JSON.stringify(value));
      names.push(implicit(7, ip));
    } else {
      badInput('subjectAltName entries are DNS:name or IP:address, not ' + JSON.stringify(e));
    }
  }
  if (names.length === 0) badInput('empty subjectAltName');
  return extension(OID_SUBJECT_ALT_NAME, false, sequence(...names));
}

export function basicConstraints(ca: boolean, pathLen?: number): Uint8Array {
  const body = ca ? (pathLen === undefined ? [boolean(true)] : [boolean(true), integer(pathLen)]) : [];
  return extension(OID_BASIC_CONSTRAINTS, true, sequence(...body));
}

/** keyUsage from core/x509's KeyUsage bits; critical, as RFC 5280 asks of CAs. */
export const keyUsage = (flags: number): Uint8Array => extension(OID_KEY_USAGE, true, namedBits(flags));

export type Purpose = 'serverAuth' | 'clientAuth';

export function extKeyUsage(purposes: Purpose[]): Uint8Array {
  return extension(OID_EXT_KEY_USAGE, false, sequence(...purposes.map((p) => {
    if (p !== 'serverAuth' && p !== 'clientAuth') badInput('extended key usage is serverAuth or clientAuth, not ' + JSON.stringify(p));
    return oidElement(p === 'serverAuth' ? OID_EKU_SERVER : OID_EKU_CLIENT);
  })));
}

export const subjectKeyIdentifier = (id: Uint8Array): Uint8Array => extension(OID_SUBJECT_KEY_ID, false, octetString(id));
export const authorityKeyIdentifier = (id: Uint8Array): Uint8Array => extension(OID_AUTHORITY_KEY_ID, false, sequence(implicit(0, id)));
