// Public keys (SubjectPublicKeyInfo, RFC 5280/3279/5480/8410/4055) and
// private keys: PKCS#8 (RFC 5208/5958), SEC1 EC (RFC 5915), PKCS#1 RSA
// (RFC 8017), as PEM or DER.
import { ed25519, ed448, p256, p384, p521 } from '../crypto/curves.js';
import type { PrivateKey, PublicKey } from '../crypto/types.js';
import { Alert, ErrorCode } from '../errors.js';
import { fail } from './errors.js';
import { Der, Tag, bytesEqual, ctx, oid, oidToString } from './der.js';
import { pemBlocks, pemText } from './pem.js';

export const OID_RSA = oid('1.2.840.113549.1.1.1');
export const OID_RSASSA_PSS = oid('1.2.840.113549.1.1.10');
export const OID_EC_PUBLIC_KEY = oid('1.2.840.10045.2.1');
export const OID_ED25519 = oid('1.3.101.112');
export const OID_ED448 = oid('1.3.101.113');

type Curve = 'P-256' | 'P-384' | 'P-521';
// No curve arithmetic here: public key parsing must not pull the curves into a bundle.
export const CURVES: { oid: Uint8Array; name: Curve; size: number }[] = [
  { oid: oid('1.2.840.10045.3.1.7'), name: 'P-256', size: 32 },
  { oid: oid('1.3.132.0.34'), name: 'P-384', size: 48 },
  { oid: oid('1.3.132.0.35'), name: 'P-521', size: 66 },
];

/** RSA modulus sizes accepted: smaller is broken, bigger is too slow to verify on a microcontroller. */
const MIN_RSA_BITS = 512;
const MAX_RSA_BITS = 8192;

function curveByOid(d: Der, id: Uint8Array): (typeof CURVES)[number] {
  for (let i = 0; i < CURVES.length; i++) if (bytesEqual(CURVES[i].oid, id)) return CURVES[i];
  return d.unsupported('EC curve ' + oidToString(id));
}

/** Bit length of a positive INTEGER's content bytes. */
function bitLength(v: Uint8Array): number {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  let top = v[i];
  let bits = (v.length - i - 1) * 8;
  while (top > 0) {
    bits++;
    top >>= 1;
  }
  return bits;
}

/** Reads n and e (RSAPublicKey or the start of RSAPrivateKey) and checks them. */
function rsaModulus(d: Der, end: number): { n: bigint; e: bigint; bits: number } {
  const at = d.pos;
  const bits = bitLength(d.integer(end));
  d.pos = at;
  const n = d.bigint(end);
  const e = d.bigint(end);
  if ((n & BigInt(1)) === BigInt(0)) d.fail('invalid RSA modulus');
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) d.unsupported('RSA key of ' + bits + ' bits');
  if ((e & BigInt(1)) === BigInt(0) || e < BigInt(3) || e >= n) d.fail('invalid RSA exponent');
  return { n, e, bits };
}

/** Skips optional AlgorithmIdentifier parameters, which must be absent or NULL. */
function nullParams(d: Der, end: number): void {
  if (d.pos < end) d.null(end);
}

/**
 * Reads a SubjectPublicKeyInfo at d.pos. Malformed input fails with d's
 * code; well-formed keys of other types fail with d.unsupported().
 */
export function readPublicKey(d: Der, end: number): PublicKey {
  const seq = d.sequence(end);
  const algEnd = d.sequence(seq);
  const alg = d.oid(algEnd);
  let key: PublicKey;
  if (bytesEqual(alg, OID_RSA) || bytesEqual(alg, OID_RSASSA_PSS)) {
    const pssOnly = bytesEqual(alg, OID_RSASSA_PSS);
    // RSASSA-PSS parameters here would restrict the hash; they are accepted and not enforced.
    if (pssOnly) d.pos = algEnd;
    else nullParams(d, algEnd);
    d.close(algEnd);
    const bitsEnd = d.header(Tag.BIT_STRING, seq);
    if (d.buf[d.pos++] !== 0) d.fail('BIT STRING with unused bits');
    const rsa = d.sequence(bitsEnd);
    const { n, e, bits } = rsaModulus(d, rsa);
    d.close(rsa);
    d.close(bitsEnd);
    key = { kind: 'rsa', n, e, bits, pssOnly };
  } else if (bytesEqual(alg, OID_EC_PUBLIC_KEY)) {
    if (d.peek(algEnd) !== Tag.OID) d.unsupported('EC key with explicit curve parameters');
    const curve = curveByOid(d, d.oid(algEnd));
    d.close(algEnd);
    const point = d.bitString(seq);
    if (point.length !== 1 + 2 * curve.size || point[0] !== 4) d.unsupported('EC point not in uncompressed form');
    key = { kind: 'ec', curve: curve.name, point };
  } else if (bytesEqual(alg, OID_ED25519) || bytesEqual(alg, OID_ED448)) {
    d.close(algEnd); // RFC 8410: parameters absent
    const ed448Key = bytesEqual(alg, OID_ED448);
    const pub = d.bitString(seq);
    if (pub.length !== (ed448Key ? 57 : 32)) d.fail('EdDSA public key of wrong length');
    key = ed448Key ? { kind: 'ed448', key: pub } : { kind: 'ed25519', key: pub };
  } else {
    return d.unsupported('public key algorithm ' + oidToString(alg));
  }
  d.close(seq);
  return key;
}

/** Parses a DER SubjectPublicKeyInfo; failures are BAD_KEY. The key's byte fields are views into spki. */
export function parsePublicKey(spki: Uint8Array): PublicKey {
  const d = new Der(spki, ErrorCode.BAD_KEY);
  const key = readPublicKey(d, spki.length);
  d.close(spki.length);
  return key;
}

/** RSAPrivateKey (PKCS#1), two-prime only. */
function rsaPrivateKey(d: Der, end: number, pssOnly: boolean): PrivateKey {
  const seq = d.sequence(end);
  if (d.smallInt(seq) !== 0) d.unsupported('multi-prime RSA key');
  const { n, e, bits } = rsaModulus(d, seq);
  const key: PrivateKey = {
    kind: 'rsa', n, e, d: d.bigint(seq),
    p: d.bigint(seq), q: d.bigint(seq), dp: d.bigint(seq), dq: d.bigint(seq), qi: d.bigint(seq),
    bits, pssOnly,
  };
  d.close(seq);
  if (key.p * key.q !== n) d.fail('RSA key: n is not p*q');
  return key;
}

/**
 * ECPrivateKey (SEC1). `curve` comes from the PKCS#8 AlgorithmIdentifier;
 * the structure's own [0] parameters, when present, must agree.
 */
function ecPrivateKey(d: Der, end: number, curve: (typeof CURVES)[number] | null): PrivateKey {
  const seq = d.sequence(end);
  if (d.smallInt(seq) !== 1) d.fail('EC key version is not 1');
  const raw = d.octetString(seq);
  let c = curve;
  const params = d.explicit(0, seq);
  if (params >= 0) {
    if (d.peek(params) !== Tag.OID) d.unsupported('EC key with explicit curve parameters');
    const named = curveByOid(d, d.oid(params));
    d.close(params);
    if (c && c !== named) d.fail('EC key curve does not match its algorithm');
    c = named;
  }
  let point: Uint8Array | null = null;
  const pub = d.explicit(1, seq);
  if (pub >= 0) {
    point = d.bitString(pub);
    d.close(pub);
  }
  d.close(seq);
  if (!c) return d.fail('EC key without a named curve');
  if (raw.length === 0 || raw.length > c.size) d.fail('EC private key of wrong length');
  // Some encoders drop leading zero bytes; restore the fixed-width scalar.
  const priv = new Uint8Array(c.size);
  priv.set(raw, c.size - raw.length);
  if (!point || point.length !== 1 + 2 * c.size || point[0] !== 4) {
    try {
      point = (c.name === 'P-256' ? p256 : c.name === 'P-384' ? p384 : p521).getPublicKey(priv, false);
    } catch (_e) {
      d.fail('EC private key out of range');
    }
  }
  return { kind: 'ec', curve: c.name, d: priv, point };
}

/** PrivateKeyInfo / OneAsymmetricKey (PKCS#8). */
function pkcs8(d: Der, end: number): PrivateKey {
  const seq = d.sequence(end);
  if (d.smallInt(seq) > 1) d.fail('unknown PKCS#8 version');
  const algEnd = d.sequence(seq);
  const alg = d.oid(algEnd);
  let key: PrivateKey;
  if (bytesEqual(alg, OID_RSA) || bytesEqual(alg, OID_RSASSA_PSS)) {
    const pssOnly = bytesEqual(alg, OID_RSASSA_PSS);
    if (pssOnly) d.pos = algEnd;
    else nullParams(d, algEnd);
    d.close(algEnd);
    const keyEnd = d.header(Tag.OCTET_STRING, seq);
    key = rsaPrivateKey(d, keyEnd, pssOnly);
    d.close(keyEnd);
  } else if (bytesEqual(alg, OID_EC_PUBLIC_KEY)) {
    if (d.peek(algEnd) !== Tag.OID) d.unsupported('EC key with explicit curve parameters');
    const curve = curveByOid(d, d.oid(algEnd));
    d.close(algEnd);
    const keyEnd = d.header(Tag.OCTET_STRING, seq);
    key = ecPrivateKey(d, keyEnd, curve);
    d.close(keyEnd);
  } else if (bytesEqual(alg, OID_ED25519) || bytesEqual(alg, OID_ED448)) {
    d.close(algEnd);
    const is448 = bytesEqual(alg, OID_ED448);
    const keyEnd = d.header(Tag.OCTET_STRING, seq);
    const seed = d.octetString(keyEnd);
    d.close(keyEnd);
    if (seed.length !== (is448 ? 57 : 32)) d.fail('EdDSA private key of wrong length');
    key = is448
      ? { kind: 'ed448', seed, key: ed448.getPublicKey(seed) }
      : { kind: 'ed25519', seed, key: ed25519.getPublicKey(seed) };
  } else {
    return d.unsupported('private key algorithm ' + oidToString(alg));
  }
  // [0] attributes and the v2 [1] public key are not needed.
  if (d.peek(seq) === ctx(0, true)) d.skip(seq);
  if (d.peek(seq) === ctx(1, false)) d.skip(seq);
  d.close(seq);
  return key;
}

/** Parses a private key from PEM text (or PEM bytes) or DER; the result may hold views into the input. */
export function parsePrivateKey(input: Uint8Array | string): PrivateKey {
  const text = pemText(input);
  if (text === null) return parseDer(input as Uint8Array);
  for (const b of pemBlocks(text, ErrorCode.BAD_KEY)) {
    if (b.label === 'PRIVATE KEY' || b.label === 'EC PRIVATE KEY' || b.label === 'RSA PRIVATE KEY') return parseDer(b.der);
    if (b.label === 'ENCRYPTED PRIVATE KEY') fail(ErrorCode.BAD_KEY, Alert.internal_error, 'encrypted private keys are not supported');
  }
  return fail(ErrorCode.BAD_KEY, Alert.internal_error, 'no private key in PEM input');
}

/**
 * Tells PKCS#8, SEC1 and PKCS#1 apart by the element after the version:
 * an AlgorithmIdentifier, the EC private key octets, or the RSA modulus.
 */
function parseDer(der: Uint8Array): PrivateKey {
  const d = new Der(der, ErrorCode.BAD_KEY);
  const end = der.length;
  const seq = d.sequence(end);
  d.smallInt(seq);
  const next = d.peek(seq);
  d.pos = 0;
  const key =
    next === Tag.SEQUENCE ? pkcs8(d, end)
    : next === Tag.OCTET_STRING ? ecPrivateKey(d, end, null)
    : next === Tag.INTEGER ? rsaPrivateKey(d, end, false)
    : d.fail('unknown private key format');
  d.close(end);
  return key;
}
