// Keys in and out, from buffers only: PKCS#8, SPKI, SEC1 (EC) and PKCS#1
// (RSA) as DER or PEM. Parsing is core/x509/keys.ts; this adds the writers,
// X25519 keys (not a certificate or signature key, so core/x509 leaves them
// out), public PEM input and the public half of a private key.
// (core/x509/keys.ts already brings ed25519.js for Ed25519 private keys, so X25519 costs little more.)
import { x25519 } from '@noble/curves/ed25519.js';
import type { PrivateKey, PublicKey } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { Der, Tag, bytesEqual, oid } from '../x509/der.js';
import {
  bitString, derNull, explicit, integer, octetString, oidElement, sequence,
} from '../x509/der-writer.js';
import { CURVES, OID_EC_PUBLIC_KEY, OID_ED25519, OID_ED448, OID_RSA, OID_RSASSA_PSS, parsePrivateKey, parsePublicKey } from '../x509/keys.js';
import { encodePem, pemBlocks, pemText } from '../x509/pem.js';

export const OID_X25519 = oid('1.3.101.110');

/** An X25519 key pair (RFC 7748 / RFC 8410): raw 32-byte scalar and u-coordinate. */
export interface X25519PrivateKey { kind: 'x25519'; priv: Uint8Array; pub: Uint8Array }
export interface X25519PublicKey { kind: 'x25519'; pub: Uint8Array }

/** Every private key the toolkit handles. */
export type AnyPrivateKey = PrivateKey | X25519PrivateKey;
export type AnyPublicKey = PublicKey | X25519PublicKey;

/** Private key encodings: PKCS#8 for every key, SEC1 for EC, PKCS#1 for RSA. */
export type PrivateFormat = 'pkcs8' | 'sec1' | 'pkcs1';
/** Public key encodings: SPKI for every key, PKCS#1 RSAPublicKey for RSA. */
export type PublicFormat = 'spki' | 'pkcs1';

function badKey(what: string): never {
  return fail(ErrorCode.BAD_KEY, Alert.internal_error, what);
}

function curveOid(curve: string): Uint8Array {
  for (let i = 0; i < CURVES.length; i++) if (CURVES[i].name === curve) return CURVES[i].oid;
  return badKey('unknown curve ' + curve);
}

/** The AlgorithmIdentifier of a key: rsaEncryption with NULL, id-ecPublicKey with the curve, EdDSA/X25519 bare. */
function keyAlgorithm(key: AnyPublicKey | AnyPrivateKey): Uint8Array {
  switch (key.kind) {
    case 'rsa': return key.pssOnly ? sequence(oidElement(OID_RSASSA_PSS)) : sequence(oidElement(OID_RSA), derNull());
    case 'ec': return sequence(oidElement(OID_EC_PUBLIC_KEY), oidElement(curveOid(key.curve)));
    case 'ed25519': return sequence(oidElement(OID_ED25519));
    case 'ed448': return sequence(oidElement(OID_ED448));
    case 'x25519': return sequence(oidElement(OID_X25519));
  }
}

/** RSAPublicKey ::= SEQUENCE { modulus, publicExponent } (PKCS#1). */
const rsaPublicKey = (n: bigint, e: bigint): Uint8Array => sequence(integer(n), integer(e));

/** The public key carried by a private key. */
export function publicKeyOf(key: AnyPrivateKey): AnyPublicKey {
  switch (key.kind) {
    case 'rsa': return { kind: 'rsa', n: key.n, e: key.e, bits: key.bits, pssOnly: key.pssOnly };
    case 'ec': return { kind: 'ec', curve: key.curve, point: key.point };
    case 'ed25519': return { kind: 'ed25519', key: key.key };
    case 'ed448': return { kind: 'ed448', key: key.key };
    case 'x25519': return { kind: 'x25519', pub: key.pub };
  }
}

/** SubjectPublicKeyInfo (or, for RSA, PKCS#1 RSAPublicKey) DER. */
export function encodePublicKey(key: AnyPublicKey, format: PublicFormat = 'spki'): Uint8Array {
  if (format === 'pkcs1') {
    if (key.kind !== 'rsa') badKey('PKCS#1 is for RSA keys only, not ' + key.kind);
    return rsaPublicKey(key.n, key.e);
  }
  const bits = key.kind === 'rsa' ? rsaPublicKey(key.n, key.e)
    : key.kind === 'ec' ? key.point
    : key.kind === 'x25519' ? key.pub
    : key.key;
  return sequence(keyAlgorithm(key), bitString(bits));
}

/** ECPrivateKey (SEC1, RFC 5915); the curve is named inside unless PKCS#8 names it outside. */
function sec1(key: Extract<PrivateKey, { kind: 'ec' }>, withCurve: boolean): Uint8Array {
  const parts = [integer(1), octetString(key.d)];
  if (withCurve) parts.push(explicit(0, oidElement(curveOid(key.curve))));
  parts.push(explicit(1, bitString(key.point)));
  return sequence(...parts);
}

/** RSAPrivateKey (PKCS#1), two primes. */
function pkcs1Private(k: Extract<PrivateKey, { kind: 'rsa' }>): Uint8Array {
  return sequence(integer(0), integer(k.n), integer(k.e), integer(k.d), integer(k.p), integer(k.q), integer(k.dp), integer(k.dq), integer(k.qi));
}

/** A private key as DER in the given format (PKCS#8 by default, as OpenSSL 3 writes). */
export function encodePrivateKey(key: AnyPrivateKey, format: PrivateFormat = 'pkcs8'): Uint8Array {
  if (format === 'sec1') {
    if (key.kind !== 'ec') badKey('SEC1 is for EC keys only, not ' + key.kind);
    return sec1(key, true);
  }
  if (format === 'pkcs1') {
    if (key.kind !== 'rsa') badKey('PKCS#1 is for RSA keys only, not ' + key.kind);
    return pkcs1Private(key);
  }
  const inner = key.kind === 'rsa' ? pkcs1Private(key)
    : key.kind === 'ec' ? sec1(key, false)
    : key.kind === 'x25519' ? octetString(key.priv)
    : octetString(key.seed); // RFC 8410 CurvePrivateKey
  return sequence(integer(0), keyAlgorithm(key), octetString(inner));
}

const PRIVATE_LABEL: Record<PrivateFormat, string> = { pkcs8: 'PRIVATE KEY', sec1: 'EC PRIVATE KEY', pkcs1: 'RSA PRIVATE KEY' };
const PUBLIC_LABEL: Record<PublicFormat, string> = { spki: 'PUBLIC KEY', pkcs1: 'RSA PUBLIC KEY' };

export function privateKeyPem(key: AnyPrivateKey, format: PrivateFormat = 'pkcs8'): string {
  return encodePem(encodePrivateKey(key, format), PRIVATE_LABEL[format]);
}

export function publicKeyPem(key: AnyPublicKey, format: PublicFormat = 'spki'): string {
  return encodePem(encodePublicKey(key, format), PUBLIC_LABEL[format]);
}

/** The X25519 key of a PKCS#8 or SPKI DER, or null when it is another kind of key. */
function x25519From(der: Uint8Array, isPrivate: boolean): X25519PrivateKey | X25519PublicKey | null {
  const d = new Der(der, ErrorCode.BAD_KEY);
  const seq = d.sequence(der.length);
  if (isPrivate) {
    if (d.peek(seq) !== Tag.INTEGER) return null;
    d.smallInt(seq);
  }
  if (d.peek(seq) !== Tag.SEQUENCE) return null;
  const alg = d.sequence(seq);
  if (!bytesEqual(d.oid(alg), OID_X25519)) return null;
  d.close(alg);
  if (!isPrivate) {
    const pub = d.bitString(seq);
    d.close(seq);
    if (pub.length !== 32) d.fail('X25519 public key of wrong length');
    return { kind: 'x25519', pub };
  }
  const outer = d.header(Tag.OCTET_STRING, seq);
  const priv = d.octetString(outer);
  d.close(outer);
  d.pos = seq; // attributes and the optional public key are not needed
  if (priv.length !== 32) d.fail('X25519 private key of wrong length');
  return { kind: 'x25519', priv, pub: x25519.getPublicKey(priv) };
}

/** The DER of a key input: PEM text/bytes (blocks with one of `labels`) or DER bytes as they are. */
function derOf(input: Uint8Array | string, labels: string[], what: string): { der: Uint8Array; label: string } {
  const text = pemText(input);
  if (text === null) return { der: input as Uint8Array, label: '' };
  const blocks = pemBlocks(text, ErrorCode.BAD_KEY);
  for (const b of blocks) if (labels.indexOf(b.label) >= 0) return b;
  if (blocks.length === 0 && text.indexOf('-----BEGIN ') >= 0) badKey('truncated PEM');
  if (blocks.some((b) => b.label === 'ENCRYPTED PRIVATE KEY')) badKey('encrypted private keys are not supported');
  return badKey('no ' + what + ' in PEM input' + (blocks.length ? ' (found ' + blocks.map((b) => b.label).join(', ') + ')' : ''));
}

/** A private key from PEM or DER: PKCS#8 (RSA, EC, Ed25519, Ed448, X25519), SEC1 or PKCS#1. */
export function importPrivateKey(input: Uint8Array | string): AnyPrivateKey {
  const { der } = derOf(input, ['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'], 'private key');
  return (x25519From(der, true) as X25519PrivateKey | null) ?? parsePrivateKey(der);
}

/**
 * A public key from PEM or DER: SPKI ("PUBLIC KEY"), PKCS#1 ("RSA PUBLIC
 * KEY"), or the public half of a private key given instead.
 */
export function importPublicKey(input: Uint8Array | string): AnyPublicKey {
  const { der, label } = derOf(input, ['PUBLIC KEY', 'RSA PUBLIC KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'], 'public key');
  if (label.indexOf('PRIVATE') >= 0) return publicKeyOf(importPrivateKey(der));
  if (label === 'RSA PUBLIC KEY') return rsaPublicFromPkcs1(der);
  // DER without a label: SPKI starts SEQUENCE { SEQUENCE ...; a private key SEQUENCE { INTEGER ...
  const d = new Der(der, ErrorCode.BAD_KEY);
  const seq = d.sequence(der.length);
  if (label === '' && d.peek(seq) === Tag.INTEGER) {
    // PKCS#1 RSAPublicKey is INTEGER, INTEGER and nothing else; a private key has more.
    d.integer(seq);
    if (d.peek(seq) === Tag.INTEGER) d.skip(seq);
    return d.pos === seq ? rsaPublicFromPkcs1(der) : publicKeyOf(importPrivateKey(der));
  }
  return (x25519From(der, false) as X25519PublicKey | null) ?? parsePublicKey(der);
}

/** RSAPublicKey (PKCS#1) through the SPKI parser, so one place checks RSA numbers. */
function rsaPublicFromPkcs1(der: Uint8Array): PublicKey {
  return parsePublicKey(sequence(sequence(oidElement(OID_RSA), derNull()), bitString(der)));
}
