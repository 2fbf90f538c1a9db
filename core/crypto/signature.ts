// Signature verification and signing for every algorithm TLS 1.3 and X.509
// use. (Which TLS scheme means which algorithm and fits which key: schemes.ts.)
import { ed25519, ed448, p256, p384, p521 } from './curves.js';
import { buildTables } from './curve-tables.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import type { WeierstrassPoint, WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { p256Point, p384Point } from './nist-points.js';
import { bytesToBigInt, hashFunctions, rsaPkcs1Sign, rsaPkcs1Verify, rsaPssSign, rsaPssVerify } from './rsa.js';
import { decodeEcdsaSignature, encodeEcdsaSignature } from './ecdsa-der.js';
import { sha256, sha384, sha512 } from './hash.js';
import { P256 as TypedP256 } from './p256.js';
import type { Hash, HashName, PrivateKey, PublicKey, SignatureAlgorithm, Signer } from './types.js';

type Curve = 'P-256' | 'P-384' | 'P-521';

/** An ECDSA curve: its points (noble) and the byte size of r and s (the group order's size). */
interface EcdsaCurve {
  Point: WeierstrassPointCons<bigint>;
  size: number;
}

const P256: EcdsaCurve = { Point: p256.Point, size: 32 };
const P384: EcdsaCurve = { Point: p384.Point, size: 48 };
const P521: EcdsaCurve = { Point: p521.Point, size: 66 };
const ECDSA = { 'P-256': p256, 'P-384': p384, 'P-521': p521 };

const ED25519_KEY = 32;
const ED25519_SIG = 64;
const ED448_KEY = 57;
const ED448_SIG = 114;

type Verify = (alg: SignatureAlgorithm, key: PublicKey, msg: Uint8Array, sig: Uint8Array) => boolean;

/**
 * ECDSA over the given curves (a profile bundles only those; a key on
 * another curve does not verify): DER signatures; high-S values are
 * accepted (OpenSSL makes them).
 */
function ecdsaVerifier(curves: Partial<Record<Curve, EcdsaCurve>>): Verify {
  return (alg, key, msg, sig) => {
    const c = key.kind === 'ec' ? curves[key.curve] : undefined;
    if (!c || key.kind !== 'ec' || alg.hash === null) return false;
    const rs = decodeEcdsaSignature(sig, c.size);
    return rs !== null && ecdsaVerify(c, rs, hashFunctions[alg.hash](msg), key.point);
  };
}

/**
 * ECDSA verification (SEC 1 4.1.4) on the curve's points (noble's
 * arithmetic, not its ECDSA objects: a verify-only profile bundles no signing
 * code, nist-points.ts): noble's verify() with lowS off, with the key and
 * signature decoded here. noble's decoders nest ~180 stack slots of helpers,
 * and a certificate's signature is checked at the bottom of the chain walk,
 * where an ESP32's XS has 512 slots in all; this keeps ~60 of them free. A
 * compressed key goes through noble's decoder.
 */
function ecdsaVerify(c: EcdsaCurve, rs: Uint8Array, digest: Uint8Array, point: Uint8Array): boolean {
  const Point = c.Point;
  const Fn = Point.Fn;
  const len = Point.Fp.BYTES;
  const r = bytesToBigInt(rs.subarray(0, c.size));
  const s = bytesToBigInt(rs.subarray(c.size));
  if (!Fn.isValidNot0(r) || !Fn.isValidNot0(s)) return false;
  let q: WeierstrassPoint<bigint>;
  try {
    // Coordinates in the field, on the curve, not the identity.
    q = point.length === 1 + 2 * len && point[0] === 4
      ? Point.fromAffine({ x: bytesToBigInt(point.subarray(1, 1 + len)), y: bytesToBigInt(point.subarray(1 + len)) })
      : Point.fromBytes(point);
    q.assertValidity();
  } catch {
    return false;
  }
  // bits2int: the digest's leftmost bits, as many as the order has.
  const excess = digest.length * 8 - Fn.BITS;
  const e = excess > 0 ? bytesToBigInt(digest) >> BigInt(excess) : bytesToBigInt(digest);
  const w = Fn.inv(s);
  // A call in tail position: XS drops this frame (30 slots) before the deepest part.
  return ecdsaCheck(Point, Fn.create(e * w), q, Fn.create(r * w), r);
}

/** Whether x(u1 G + u2 Q) mod n is r. */
function ecdsaCheck(Point: WeierstrassPointCons<bigint>, u1: bigint, q: WeierstrassPoint<bigint>, u2: bigint, r: bigint): boolean {
  const R = Point.BASE.mulAddUnsafe(u1, q, u2);
  return !R.is0() && Point.Fn.create(R.toAffine().x) === r;
}

/** ECDSA on P-256, P-384 and P-521. */
export const verifyEcdsa: Verify = /* @__PURE__ */ ecdsaVerifier({ 'P-256': P256, 'P-384': P384, 'P-521': P521 });
/**
 * ECDSA on P-256 and P-384 alone, over their points without noble's ECDSA
 * objects (client-ecdhe: no signing and no P-521 code in the bundle).
 */
export const verifyEcdsaP256P384: Verify = /* @__PURE__ */ ecdsaVerifier({
  'P-256': { Point: p256Point, size: 32 },
  'P-384': { Point: p384Point, size: 48 },
});

/**
 * ECDSA with P-256 keys on the typed-array arithmetic of p256.ts (no BigInt,
 * no tables) on the instance `curve` gives; other curves by noble.
 */
export function ecdsaVerifierFixed(curve: () => TypedP256): Verify {
  return (alg, key, msg, sig) => {
    if (key.kind !== 'ec' || key.curve !== 'P-256') return verifyEcdsa(alg, key, msg, sig);
    if (alg.hash === null) return false;
    const rs = decodeEcdsaSignature(sig, 32);
    return rs !== null && curve().verify(rs, hashFunctions[alg.hash](msg), key.point);
  };
}

const newP256 = (): TypedP256 => new TypedP256();

export const verifyRsaPss: Verify = (alg, key, msg, sig) =>
  key.kind === 'rsa' && alg.hash !== null && rsaPssVerify(key, alg.hash, msg, sig);

/** RSA PKCS#1 v1.5 (certificates only), never with an RSA-PSS-only key. */
export const verifyRsaPkcs1: Verify = (alg, key, msg, sig) =>
  key.kind === 'rsa' && !key.pssOnly && alg.hash !== null && rsaPkcs1Verify(key, alg.hash, msg, sig);

// zip215: false is RFC 8032's strict decoding (canonical encodings, no small-order keys).
export const verifyEd25519: Verify = (_alg, key, msg, sig) =>
  key.kind === 'ed25519' && key.key.length === ED25519_KEY && sig.length === ED25519_SIG &&
  ed25519.verify(sig, msg, key.key, { zip215: false });

export const verifyEd448: Verify = (_alg, key, msg, sig) =>
  key.kind === 'ed448' && key.key.length === ED448_KEY && sig.length === ED448_SIG &&
  ed448.verify(sig, msg, key.key, { zip215: false });

/**
 * A verifier for the algorithms given (a profile bundles only those):
 * false for any other algorithm and for any mismatch (wrong key type for the
 * algorithm, malformed signature, bad key).
 */
export function signatureVerifier(algorithms: Partial<Record<SignatureAlgorithm['type'], Verify>>): Verify {
  return (alg, key, msg, sig) => {
    const v = algorithms[alg.type];
    return v ? v(alg, key, msg, sig) : false;
  };
}

/** Verifies sig over msg with every algorithm TLS 1.3 and X.509 use. */
export const verifySignature: Verify = /* @__PURE__ */ signatureVerifier({
  ecdsa: verifyEcdsa,
  'rsa-pss': verifyRsaPss,
  'rsa-pkcs1': verifyRsaPkcs1,
  ed25519: verifyEd25519,
  ed448: verifyEd448,
});

/** verifySignature with P-256 ECDSA on typed arrays, on the instance `curve` gives. */
export function signatureVerifierFixed(curve: () => TypedP256): Verify {
  return signatureVerifier({
    ecdsa: ecdsaVerifierFixed(curve),
    'rsa-pss': verifyRsaPss,
    'rsa-pkcs1': verifyRsaPkcs1,
    ed25519: verifyEd25519,
    ed448: verifyEd448,
  });
}

/** signatureVerifierFixed with a new P256 instance per verification. */
export const verifySignatureFixed: Verify = /* @__PURE__ */ signatureVerifierFixed(newP256);

/** The HMAC hash of RFC 6979 nonces: the message's. */
const RFC6979_HASH: Record<HashName, Hash> = { sha256, sha384, sha512 };

function wrongKey(alg: SignatureAlgorithm): never {
  return fail(ErrorCode.BAD_KEY, Alert.internal_error, 'key cannot make ' + alg.type + ' signatures');
}

/**
 * Signs msg (hashed inside). `random` supplies the RSA-PSS salt, RSA blinding
 * and extra entropy for ECDSA's RFC 6979 nonce. Fails with BAD_KEY when the
 * key does not fit the algorithm.
 */
export function signMessage(
  alg: SignatureAlgorithm, key: PrivateKey, msg: Uint8Array, random: (dst: Uint8Array) => void,
): Uint8Array {
  switch (alg.type) {
    case 'ecdsa': {
      if (key.kind !== 'ec' || alg.hash === null) return wrongKey(alg);
      const curve = ECDSA[key.curve];
      const size = curve.lengths.secretKey as number;
      if (key.d.length !== size) return wrongKey(alg);
      const entropy = new Uint8Array(size);
      random(entropy);
      const digest = hashFunctions[alg.hash](msg);
      let rs: Uint8Array;
      try {
        rs = curve.sign(digest, key.d, { prehash: false, format: 'compact', extraEntropy: entropy });
      } catch {
        return fail(ErrorCode.BAD_KEY, Alert.internal_error, 'invalid ECDSA private key'); // d = 0 or d >= n
      }
      return encodeEcdsaSignature(rs, size);
    }
    case 'rsa-pss':
      if (key.kind !== 'rsa' || alg.hash === null) return wrongKey(alg);
      return rsaPssSign(key, alg.hash, msg, random);
    case 'rsa-pkcs1':
      if (key.kind !== 'rsa' || key.pssOnly || alg.hash === null) return wrongKey(alg);
      return rsaPkcs1Sign(key, alg.hash, msg, random);
    case 'ed25519':
      if (key.kind !== 'ed25519' || key.seed.length !== ED25519_KEY) return wrongKey(alg);
      return ed25519.sign(msg, key.seed);
    case 'ed448':
      if (key.kind !== 'ed448' || key.seed.length !== ED448_KEY) return wrongKey(alg);
      return ed448.sign(msg, key.seed);
  }
  return wrongKey(alg);
}

/**
 * Builds the base-point table of our own key's curve (ECDSA, EdDSA), which
 * every signature multiplies: the table-free path costs an ECDSA P-256
 * signature ~384 doublings (blinded scalar) instead of ~65 additions. For a
 * Context with curveTables, once per key (false: cannot be built, curve-tables.ts).
 */
export function precomputeSigning(key: PrivateKey, built: object[]): boolean {
  switch (key.kind) {
    case 'ec': return buildTables(ECDSA[key.curve].Point.BASE, built);
    case 'ed25519': return buildTables(ed25519.Point.BASE, built);
    case 'ed448': return buildTables(ed448.Point.BASE, built);
  }
  return true;
}

/**
 * signMessage with P-256 ECDSA on typed arrays (p256.ts), on the instance
 * `curve` gives: RFC 6979 nonces with `random`'s 32 bytes as additional
 * data, as noble makes them.
 */
export function signerFixed(curve: () => TypedP256): Signer['sign'] {
  return (alg, key, msg, random) => {
    if (alg.type !== 'ecdsa' || key.kind !== 'ec' || key.curve !== 'P-256') return signMessage(alg, key, msg, random);
    if (alg.hash === null || key.d.length !== 32) return wrongKey(alg);
    const entropy = new Uint8Array(32);
    random(entropy);
    const rs = new Uint8Array(64);
    if (!curve().sign(rs, hashFunctions[alg.hash](msg), key.d, RFC6979_HASH[alg.hash], entropy)) {
      return fail(ErrorCode.BAD_KEY, Alert.internal_error, 'invalid ECDSA private key'); // d = 0 or d >= n
    }
    return encodeEcdsaSignature(rs, 32);
  };
}

/** signerFixed with a new P256 instance per signature. */
export const signMessageFixed: Signer['sign'] = /* @__PURE__ */ signerFixed(newP256);
