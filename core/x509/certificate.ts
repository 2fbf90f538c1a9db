// X.509 certificates (RFC 5280 section 4): one pass over the DER, keeping
// views into it for everything that is compared later (names, key ids,
// SANs, the signed TBS bytes) and decoding only what validation needs.
import type { HashName, PublicKey, SignatureAlgorithm } from '../crypto/types.js';
import { Der, Tag, bytesEqual, ctx, oid } from './der.js';
import { OID_ED25519, OID_ED448, OID_RSASSA_PSS, readPublicKey } from './keys.js';

/** keyUsage bits (RFC 5280 4.2.1.3): bit i of Certificate.keyUsage. */
export const KeyUsage = {
  digitalSignature: 1 << 0,
  nonRepudiation: 1 << 1,
  keyEncipherment: 1 << 2,
  dataEncipherment: 1 << 3,
  keyAgreement: 1 << 4,
  keyCertSign: 1 << 5,
  cRLSign: 1 << 6,
  encipherOnly: 1 << 7,
  decipherOnly: 1 << 8,
} as const;

/** extendedKeyUsage purposes this stack knows (RFC 5280 4.2.1.12). */
export const ExtKeyUsage = {
  serverAuth: 1,
  clientAuth: 2,
  any: 4,
  /** id-kp-OCSPSigning: a delegated OCSP responder (RFC 6960 4.2.2.2); anyExtendedKeyUsage does not imply it. */
  ocspSigning: 8,
} as const;

export interface Certificate {
  /** The whole certificate. */
  readonly der: Uint8Array;
  /** TBSCertificate, the signed bytes. */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** INTEGER content of the serial number. */
  readonly serial: Uint8Array;
  /** null when the algorithm is not one this stack verifies (e.g. sha1WithRSAEncryption). */
  readonly signatureAlgorithm: SignatureAlgorithm | null;
  readonly signature: Uint8Array;
  /** DER Names, compared byte for byte when building chains. */
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  /** First commonName of each Name, for messages ('' when there is none). */
  readonly issuerCN: string;
  readonly subjectCN: string;
  /** Validity in milliseconds since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** SubjectPublicKeyInfo DER, and the key it holds. */
  readonly spki: Uint8Array;
  readonly publicKey: PublicKey;
  /** basicConstraints cA; null when the extension is absent. */
  readonly ca: boolean | null;
  /** basicConstraints pathLenConstraint; null when absent. */
  readonly pathLen: number | null;
  /** KeyUsage bits; null when the extension is absent. */
  readonly keyUsage: number | null;
  /** ExtKeyUsage flags; null when the extension is absent. */
  readonly extKeyUsage: number | null;
  /** Whether a subjectAltName extension is present, and its dNSName / iPAddress (4 or 16 bytes) / rfc822Name entries. */
  readonly hasSubjectAltName: boolean;
  readonly dnsNames: Uint8Array[];
  readonly ipAddresses: Uint8Array[];
  readonly emails: Uint8Array[];
  readonly subjectKeyId: Uint8Array | null;
  readonly authorityKeyId: Uint8Array | null;
  /** Criticality of basicConstraints and authorityKeyIdentifier (profile rules, RFC 5280 4.2.1.1 and 4.2.1.9). */
  readonly basicConstraintsCritical: boolean;
  readonly authorityKeyIdCritical: boolean;
  /** nameConstraints (RFC 5280 4.2.1.10); null when absent. */
  readonly nameConstraints: NameConstraints | null;
  /** OID of the first critical extension this stack does not process (validation rejects it). */
  readonly unknownCriticalExtension: Uint8Array | null;
}

/** A GeneralName: its context tag number (1 rfc822Name, 2 dNSName, 4 directoryName, 7 iPAddress, ...) and content view. */
export interface GeneralName {
  readonly type: number;
  readonly value: Uint8Array;
}

/** permittedSubtrees and excludedSubtrees (empty when absent). */
export interface NameConstraints {
  readonly permitted: GeneralName[];
  readonly excluded: GeneralName[];
}

export const OID_CN = oid('2.5.4.3');

export const OID_SHA256_RSA = oid('1.2.840.113549.1.1.11');
export const OID_SHA384_RSA = oid('1.2.840.113549.1.1.12');
export const OID_SHA512_RSA = oid('1.2.840.113549.1.1.13');
export const OID_ECDSA_SHA256 = oid('1.2.840.10045.4.3.2');
export const OID_ECDSA_SHA384 = oid('1.2.840.10045.4.3.3');
export const OID_ECDSA_SHA512 = oid('1.2.840.10045.4.3.4');
export const OID_MGF1 = oid('1.2.840.113549.1.1.8');
export const OID_SHA256 = oid('2.16.840.1.101.3.4.2.1');
export const OID_SHA384 = oid('2.16.840.1.101.3.4.2.2');
export const OID_SHA512 = oid('2.16.840.1.101.3.4.2.3');

export const OID_BASIC_CONSTRAINTS = oid('2.5.29.19');
export const OID_KEY_USAGE = oid('2.5.29.15');
export const OID_EXT_KEY_USAGE = oid('2.5.29.37');
export const OID_SUBJECT_ALT_NAME = oid('2.5.29.17');
export const OID_SUBJECT_KEY_ID = oid('2.5.29.14');
export const OID_AUTHORITY_KEY_ID = oid('2.5.29.35');
export const OID_NAME_CONSTRAINTS = oid('2.5.29.30');
export const OID_EKU_SERVER = oid('1.3.6.1.5.5.7.3.1');
export const OID_EKU_CLIENT = oid('1.3.6.1.5.5.7.3.2');
export const OID_EKU_ANY = oid('2.5.29.37.0');
export const OID_EKU_OCSP = oid('1.3.6.1.5.5.7.3.9');

// One shared object per algorithm: parsing allocates none.
const ALG = {
  rsa256: { type: 'rsa-pkcs1', hash: 'sha256' },
  rsa384: { type: 'rsa-pkcs1', hash: 'sha384' },
  rsa512: { type: 'rsa-pkcs1', hash: 'sha512' },
  pss256: { type: 'rsa-pss', hash: 'sha256' },
  pss384: { type: 'rsa-pss', hash: 'sha384' },
  pss512: { type: 'rsa-pss', hash: 'sha512' },
  ecdsa256: { type: 'ecdsa', hash: 'sha256' },
  ecdsa384: { type: 'ecdsa', hash: 'sha384' },
  ecdsa512: { type: 'ecdsa', hash: 'sha512' },
  ed25519: { type: 'ed25519', hash: null },
  ed448: { type: 'ed448', hash: null },
} as const satisfies Record<string, SignatureAlgorithm>;

/** A hash AlgorithmIdentifier (parameters NULL or absent); null for hashes not supported (SHA-1, ...). */
function readHash(d: Der, end: number): HashName | null {
  const seq = d.sequence(end);
  const id = d.oid(seq);
  if (d.pos < seq) d.null(seq);
  d.close(seq);
  return bytesEqual(id, OID_SHA256) ? 'sha256' : bytesEqual(id, OID_SHA384) ? 'sha384' : bytesEqual(id, OID_SHA512) ? 'sha512' : null;
}

/**
 * RSASSA-PSS-params (RFC 4055): supported only with SHA-2, MGF1 over the
 * same hash, salt length equal to the hash length, and the standard trailer.
 */
function readPssParams(d: Der, end: number): SignatureAlgorithm | null {
  const p = d.sequence(end);
  let hash: HashName | null = null; // the DEFAULT is SHA-1
  let mgfHash: HashName | null = null;
  let salt = 20;
  let trailer = 1;
  let e = d.explicit(0, p);
  if (e >= 0) {
    hash = readHash(d, e);
    d.close(e);
  }
  e = d.explicit(1, p);
  if (e >= 0) {
    const mgf = d.sequence(e);
    const isMgf1 = bytesEqual(d.oid(mgf), OID_MGF1);
    if (isMgf1) mgfHash = readHash(d, mgf);
    else d.pos = mgf;
    d.close(mgf);
    d.close(e);
  }
  e = d.explicit(2, p);
  if (e >= 0) {
    salt = d.smallInt(e);
    d.close(e);
  }
  e = d.explicit(3, p);
  if (e >= 0) {
    trailer = d.smallInt(e);
    d.close(e);
  }
  d.close(p);
  if (hash === null || mgfHash !== hash || trailer !== 1) return null;
  if (hash === 'sha256') return salt === 32 ? ALG.pss256 : null;
  if (hash === 'sha384') return salt === 48 ? ALG.pss384 : null;
  return salt === 64 ? ALG.pss512 : null;
}

/** A signature AlgorithmIdentifier; null (parameters skipped) for algorithms not supported. Also used for OCSP responses. */
export function readSignatureAlgorithm(d: Der, end: number): SignatureAlgorithm | null {
  const seq = d.sequence(end);
  const id = d.oid(seq);
  let alg: SignatureAlgorithm | null = null;
  if (bytesEqual(id, OID_ECDSA_SHA256)) alg = ALG.ecdsa256;
  else if (bytesEqual(id, OID_ECDSA_SHA384)) alg = ALG.ecdsa384;
  else if (bytesEqual(id, OID_ECDSA_SHA512)) alg = ALG.ecdsa512;
  else if (bytesEqual(id, OID_ED25519)) alg = ALG.ed25519;
  else if (bytesEqual(id, OID_ED448)) alg = ALG.ed448;
  else if (bytesEqual(id, OID_SHA256_RSA)) alg = ALG.rsa256;
  else if (bytesEqual(id, OID_SHA384_RSA)) alg = ALG.rsa384;
  else if (bytesEqual(id, OID_SHA512_RSA)) alg = ALG.rsa512;
  else if (bytesEqual(id, OID_RSASSA_PSS)) {
    alg = readPssParams(d, seq);
  } else {
    d.pos = seq;
  }
  // PKCS#1 v1.5 parameters are NULL (some encoders omit them); ECDSA and EdDSA have none.
  if (alg !== null && alg.type === 'rsa-pkcs1' && d.pos < seq) d.null(seq);
  d.close(seq);
  return alg;
}

/**
 * The end of a signed structure (certificate, CRL): signatureAlgorithm,
 * which must repeat the TBS one byte for byte, and the signature BIT STRING.
 */
export function readSignature(d: Der, end: number, innerAlg: Uint8Array): { signatureAlgorithm: SignatureAlgorithm | null; signature: Uint8Array } {
  const at = d.pos;
  const signatureAlgorithm = readSignatureAlgorithm(d, end);
  if (!bytesEqual(innerAlg, d.buf.subarray(at, d.pos))) d.fail('signature algorithm differs from the TBS one');
  const signature = d.bitString(end);
  d.close(end);
  return { signatureAlgorithm, signature };
}

/** A Name: returns its first commonName ('' if none) and leaves the whole Name as d.buf[start, d.pos). Also used for CRLs. */
export function readName(d: Der, end: number): string {
  const nameEnd = d.sequence(end);
  let cn = '';
  let found = false;
  while (d.pos < nameEnd) {
    const rdn = d.header(Tag.SET, nameEnd);
    if (d.pos === rdn) d.fail('empty RDN');
    while (d.pos < rdn) {
      const atv = d.sequence(rdn);
      const type = d.oid(atv);
      if (!found && bytesEqual(type, OID_CN)) {
        cn = d.text(atv);
        found = true;
      } else {
        d.skip(atv);
      }
      d.close(atv);
    }
  }
  return cn;
}

/** Mutable fields filled from the extensions. */
interface Extensions {
  ca: boolean | null;
  pathLen: number | null;
  keyUsage: number | null;
  extKeyUsage: number | null;
  hasSubjectAltName: boolean;
  dnsNames: Uint8Array[];
  ipAddresses: Uint8Array[];
  emails: Uint8Array[];
  subjectKeyId: Uint8Array | null;
  authorityKeyId: Uint8Array | null;
  basicConstraintsCritical: boolean;
  authorityKeyIdCritical: boolean;
  nameConstraints: NameConstraints | null;
  unknownCriticalExtension: Uint8Array | null;
}

function readBasicConstraints(d: Der, end: number, x: Extensions): void {
  const s = d.sequence(end);
  x.ca = d.peek(s) === Tag.BOOLEAN ? d.boolean(s) : false;
  x.pathLen = d.peek(s) === Tag.INTEGER ? d.smallInt(s) : null;
  d.close(s);
}

function readExtKeyUsage(d: Der, end: number, x: Extensions): void {
  const s = d.sequence(end);
  let flags = 0;
  while (d.pos < s) {
    const id = d.oid(s);
    if (bytesEqual(id, OID_EKU_SERVER)) flags |= ExtKeyUsage.serverAuth;
    else if (bytesEqual(id, OID_EKU_CLIENT)) flags |= ExtKeyUsage.clientAuth;
    else if (bytesEqual(id, OID_EKU_ANY)) flags |= ExtKeyUsage.any;
    else if (bytesEqual(id, OID_EKU_OCSP)) flags |= ExtKeyUsage.ocspSigning;
  }
  x.extKeyUsage = flags;
}

const SAN_EMAIL = ctx(1, false);
const SAN_DNS = ctx(2, false);
const SAN_IP = ctx(7, false);

function ascii(d: Der, v: Uint8Array, what: string): Uint8Array {
  for (let i = 0; i < v.length; i++) if (v[i] >= 0x80) d.fail('non-ASCII ' + what);
  return v;
}

function readSubjectAltName(d: Der, end: number, x: Extensions): void {
  const s = d.sequence(end);
  x.hasSubjectAltName = true;
  while (d.pos < s) {
    const tag = d.peek(s);
    if (tag === SAN_DNS) {
      x.dnsNames.push(ascii(d, d.content(SAN_DNS, s), 'dNSName'));
    } else if (tag === SAN_IP) {
      const ip = d.content(SAN_IP, s);
      if (ip.length !== 4 && ip.length !== 16) d.fail('iPAddress of length ' + ip.length);
      x.ipAddresses.push(ip);
    } else if (tag === SAN_EMAIL) {
      x.emails.push(ascii(d, d.content(SAN_EMAIL, s), 'rfc822Name'));
    } else {
      d.skip(s);
    }
  }
}

/**
 * GeneralSubtrees: each GeneralSubtree is a GeneralName with minimum 0 and
 * no maximum (RFC 5280 4.2.1.10 says so; anything else is refused). Tag
 * bits are kept as the type: [4] directoryName is constructed (EXPLICIT).
 */
function readSubtrees(d: Der, end: number): GeneralName[] {
  const out: GeneralName[] = [];
  while (d.pos < end) {
    const sub = d.sequence(end);
    const tag = d.peek(sub);
    if (tag < 0 || (tag & 0xc0) !== 0x80) d.fail('GeneralSubtree without a GeneralName');
    const value = d.content(tag, sub);
    if (tag === ctx(4, true)) {
      // directoryName: a whole Name, checked here so that matching never meets a malformed one.
      const valueEnd = d.pos;
      d.pos = d.start;
      readName(d, valueEnd);
      d.close(valueEnd);
    }
    if (tag === SAN_IP && value.length !== 8 && value.length !== 32) d.fail('iPAddress constraint of length ' + value.length);
    if (tag === SAN_DNS || tag === SAN_EMAIL) ascii(d, value, 'name constraint');
    if (d.pos < sub) d.fail('GeneralSubtree with minimum or maximum');
    out.push({ type: tag & 0x1f, value });
  }
  return out;
}

function readNameConstraints(d: Der, end: number, x: Extensions): void {
  const s = d.sequence(end);
  let permitted: GeneralName[] = [];
  let excluded: GeneralName[] = [];
  let e = d.explicit(0, s);
  if (e >= 0) permitted = readSubtrees(d, e);
  e = d.explicit(1, s);
  if (e >= 0) excluded = readSubtrees(d, e);
  d.close(s);
  // RFC 5280: at least one of the two is present.
  if (permitted.length === 0 && excluded.length === 0) d.fail('empty nameConstraints');
  x.nameConstraints = { permitted, excluded };
}

function readAuthorityKeyId(d: Der, end: number, x: Extensions): void {
  const s = d.sequence(end);
  if (d.peek(s) === ctx(0, false)) x.authorityKeyId = d.content(ctx(0, false), s);
  while (d.pos < s) d.skip(s); // authorityCertIssuer, authorityCertSerialNumber
}

const KNOWN = [OID_BASIC_CONSTRAINTS, OID_KEY_USAGE, OID_EXT_KEY_USAGE, OID_SUBJECT_ALT_NAME, OID_SUBJECT_KEY_ID, OID_AUTHORITY_KEY_ID,
  OID_NAME_CONSTRAINTS];

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension. */
function readExtensions(d: Der, end: number, x: Extensions): void {
  const seq = d.sequence(end);
  let seen = 0;
  while (d.pos < seq) {
    const ext = d.sequence(seq);
    const id = d.oid(ext);
    const critical = d.peek(ext) === Tag.BOOLEAN ? d.boolean(ext) : false;
    const value = d.header(Tag.OCTET_STRING, ext);
    let k = 0;
    while (k < KNOWN.length && !bytesEqual(id, KNOWN[k])) k++;
    if (k < KNOWN.length) {
      if (seen & (1 << k)) d.fail('duplicate extension');
      seen |= 1 << k;
    }
    switch (k) {
      case 0:
        readBasicConstraints(d, value, x);
        x.basicConstraintsCritical = critical;
        break;
      case 1: x.keyUsage = d.bitFlags(value); break;
      case 2: readExtKeyUsage(d, value, x); break;
      case 3: readSubjectAltName(d, value, x); break;
      case 4: x.subjectKeyId = d.octetString(value); break;
      case 5:
        readAuthorityKeyId(d, value, x);
        x.authorityKeyIdCritical = critical;
        break;
      case 6: readNameConstraints(d, value, x); break;
      default:
        if (critical && x.unknownCriticalExtension === null) x.unknownCriticalExtension = id;
        d.pos = value;
    }
    d.close(value);
    d.close(ext);
  }
  d.close(seq);
}

/**
 * Parses a DER certificate. Malformed input fails with CERT_PARSE /
 * bad_certificate, an unsupported public key with CERT_UNSUPPORTED_KEY.
 * All byte fields are views into `der`.
 */
export function parseCertificate(der: Uint8Array): Certificate {
  const d = new Der(der);
  const end = der.length;
  const certEnd = d.sequence(end);
  if (certEnd !== end) d.fail('trailing data after certificate');
  const tbsStart = d.pos;
  const tbsEnd = d.sequence(certEnd);
  const tbs = der.subarray(tbsStart, tbsEnd);

  let version = 1;
  const v = d.explicit(0, tbsEnd);
  if (v >= 0) {
    version = d.smallInt(v) + 1;
    d.close(v);
    if (version > 3) d.fail('unknown certificate version ' + version);
  }
  const serial = d.integer(tbsEnd);
  const innerAlg = d.element(Tag.SEQUENCE, tbsEnd);
  let at = d.pos;
  const issuerCN = readName(d, tbsEnd);
  const issuer = der.subarray(at, d.pos);
  const validity = d.sequence(tbsEnd);
  const notBefore = d.time(validity);
  const notAfter = d.time(validity);
  d.close(validity);
  at = d.pos;
  const subjectCN = readName(d, tbsEnd);
  const subject = der.subarray(at, d.pos);
  at = d.pos;
  const publicKey = readPublicKey(d, tbsEnd);
  const spki = der.subarray(at, d.pos);

  const x: Extensions = {
    ca: null, pathLen: null, keyUsage: null, extKeyUsage: null,
    hasSubjectAltName: false, dnsNames: [], ipAddresses: [], emails: [],
    subjectKeyId: null, authorityKeyId: null, basicConstraintsCritical: false, authorityKeyIdCritical: false,
    nameConstraints: null, unknownCriticalExtension: null,
  };
  if (version >= 2) {
    // issuerUniqueID [1], subjectUniqueID [2]: obsolete, skipped.
    if (d.peek(tbsEnd) === ctx(1, false)) d.skip(tbsEnd);
    if (d.peek(tbsEnd) === ctx(2, false)) d.skip(tbsEnd);
  }
  if (version === 3) {
    const exts = d.explicit(3, tbsEnd);
    if (exts >= 0) {
      readExtensions(d, exts, x);
      d.close(exts);
    }
  }
  d.close(tbsEnd);

  const { signatureAlgorithm, signature } = readSignature(d, certEnd, innerAlg);
  return {
    der, tbs, version, serial, signatureAlgorithm, signature,
    issuer, subject, issuerCN, subjectCN, notBefore, notAfter, spki, publicKey,
    ca: x.ca, pathLen: x.pathLen, keyUsage: x.keyUsage, extKeyUsage: x.extKeyUsage,
    hasSubjectAltName: x.hasSubjectAltName, dnsNames: x.dnsNames, ipAddresses: x.ipAddresses, emails: x.emails,
    subjectKeyId: x.subjectKeyId, authorityKeyId: x.authorityKeyId,
    basicConstraintsCritical: x.basicConstraintsCritical, authorityKeyIdCritical: x.authorityKeyIdCritical,
    nameConstraints: x.nameConstraints,
    unknownCriticalExtension: x.unknownCriticalExtension,
  };
}
