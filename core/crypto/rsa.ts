// RSA signatures on BigInt (RFC 8017): RSASSA-PSS for TLS 1.3 handshake
// signatures and RSASSA-PKCS1-v1_5 for certificate signatures. Runs only
// during the handshake, so it allocates freely; hashing via @noble/hashes.
import { sha256, sha384, sha512 } from './sha2.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { constantTimeEqual } from './ct.js';
import type { HashName, PrivateKey, PublicKey } from './types.js';

/** The SHA-2 functions by name (one-shot `h(msg)` and incremental `h.create()`). */
export const hashFunctions = { sha256, sha384, sha512 } as const satisfies Record<HashName, unknown>;

export type RsaPublicKey = Pick<Extract<PublicKey, { kind: 'rsa' }>, 'n' | 'e'>;
export type RsaPrivateKey = Pick<
  Extract<PrivateKey, { kind: 'rsa' }>,
  'n' | 'e' | 'p' | 'q' | 'dp' | 'dq' | 'qi'
>;

// Modulus sizes: verification accepts old 1024-bit certificates and large
// roots; signing is held to what a device key should be.
const MIN_VERIFY_BITS = 1024;
const MAX_VERIFY_BITS = 8192;
const MIN_SIGN_BITS = 2048;
const MAX_SIGN_BITS = 4096;
// OpenSSL's bound on e for moduli above 3072 bits (verification cost stays bounded).
const MAX_LARGE_MODULUS_E_BITS = 64;

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? '0' : '') + i.toString(16));

/** OS2IP: big-endian bytes to a non-negative integer. */
export function bytesToBigInt(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let s = '0x';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]];
  return BigInt(s);
}

/**
 * I2OSP: writes x big-endian into all of out (left-padded with zeros).
 * Returns false when x does not fit.
 */
export function bigIntToBytes(x: bigint, out: Uint8Array): boolean {
  const hex = x.toString(16);
  let i = hex.length;
  if (i > 2 * out.length) return false;
  out.fill(0);
  for (let o = out.length - 1; i > 0; o--) {
    const lo = hexDigit(hex.charCodeAt(--i));
    const hi = i > 0 ? hexDigit(hex.charCodeAt(--i)) : 0;
    out[o] = (hi << 4) | lo;
  }
  return true;
}

function hexDigit(c: number): number {
  return c <= 57 ? c - 48 : c - 87; // '0'-'9', 'a'-'f' (toString(16) is lower case)
}

/** Number of bits in x > 0. */
export function bitLength(x: bigint): number {
  const hex = x.toString(16);
  const top = hexDigit(hex.charCodeAt(0));
  return (hex.length - 1) * 4 + (top >= 8 ? 4 : top >= 4 ? 3 : top >= 2 ? 2 : 1);
}

/** base^exp mod m for exp >= 0, m >= 1: left-to-right sliding window over the exponent's bits. */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  base %= m;
  if (base < 0n) base += m;
  if (exp === 0n) return 1n;
  const bits = exp.toString(2);
  const len = bits.length;
  // Window widths as OpenSSL picks them (BN_window_bits_for_exponent_size).
  const k = len > 671 ? 6 : len > 239 ? 5 : len > 79 ? 4 : len > 23 ? 3 : 1;
  // Odd powers base^1, base^3, ..., base^(2^k - 1).
  const odd: bigint[] = [base];
  if (k > 1) {
    const sq = (base * base) % m;
    for (let i = 1; i < 1 << (k - 1); i++) odd.push((odd[i - 1] * sq) % m);
  }
  let r = 1n;
  let started = false;
  let i = 0;
  while (i < len) {
    if (bits.charCodeAt(i) === 48) {
      if (started) r = (r * r) % m;
      i++;
      continue;
    }
    // Longest window of at most k bits starting at i that ends in a 1.
    let j = i + k < len ? i + k - 1 : len - 1;
    while (bits.charCodeAt(j) === 48) j--;
    let v = 0;
    for (let t = i; t <= j; t++) {
      v = (v << 1) | (bits.charCodeAt(t) - 48);
      if (started) r = (r * r) % m;
    }
    r = started ? (r * odd[v >> 1]) % m : odd[v >> 1];
    started = true;
    i = j + 1;
  }
  return r;
}

/** a^-1 mod m by the extended Euclidean algorithm; 0n when gcd(a, m) != 1. */
export function modInverse(a: bigint, m: bigint): bigint {
  let r0 = m;
  let r1 = a % m;
  if (r1 < 0n) r1 += m;
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const t2 = t0 - q * t1;
    t0 = t1;
    t1 = t2;
  }
  if (r0 !== 1n) return 0n;
  return t0 < 0n ? t0 + m : t0;
}

/** Modulus size in bits when the public key is acceptable for verification, else 0. */
function verifyModulusBits(key: RsaPublicKey): number {
  const { n, e } = key;
  if (n <= 0n || (n & 1n) === 0n || e < 3n || (e & 1n) === 0n || e >= n) return 0;
  const bits = bitLength(n);
  if (bits < MIN_VERIFY_BITS || bits > MAX_VERIFY_BITS) return 0;
  if (bits > 3072 && bitLength(e) > MAX_LARGE_MODULUS_E_BITS) return 0;
  return bits;
}

/** RSAVP1 on a signature of exactly the modulus length; null when the key or signature is unacceptable. */
function publicOp(key: RsaPublicKey, sig: Uint8Array): { m: bigint; bits: number } | null {
  const bits = verifyModulusBits(key);
  if (bits === 0 || sig.length !== (bits + 7) >> 3) return null;
  const s = bytesToBigInt(sig);
  if (s >= key.n) return null;
  return { m: modPow(s, key.e, key.n), bits };
}

/** Modulus size in bits of a private key fit for signing; fails with BAD_KEY otherwise. */
export function signModulusBits(key: RsaPrivateKey): number {
  const { n, e, p, q } = key;
  if (e < 3n || (e & 1n) === 0n || p <= 1n || q <= 1n || p * q !== n) {
    fail(ErrorCode.BAD_KEY, Alert.internal_error, 'inconsistent RSA private key');
  }
  const bits = bitLength(n);
  if (bits < MIN_SIGN_BITS || bits > MAX_SIGN_BITS) {
    fail(ErrorCode.BAD_KEY, Alert.internal_error, 'RSA private key must be 2048 to 4096 bits, not ' + bits);
  }
  return bits;
}

/**
 * RSASP1 with CRT. The message is blinded with a random r (so the timing of
 * the private exponentiations does not depend on the message an attacker may
 * choose), and the result is checked with the public exponent before it is
 * released (a faulty CRT half would otherwise leak a factor of n).
 */
export function privateOp(key: RsaPrivateKey, m: bigint, k: number, random: (dst: Uint8Array) => void): Uint8Array {
  const { n, e, p, q, dp, dq, qi } = key;
  const rb = new Uint8Array(k);
  random(rb);
  const r = bytesToBigInt(rb) % n;
  const rInv = modInverse(r, n);
  if (rInv === 0n) fail(ErrorCode.CRYPTO_ERROR, Alert.internal_error, 'RSA blinding factor not invertible');
  const c = (m * modPow(r, e, n)) % n;
  const s1 = modPow(c % p, dp, p);
  const s2 = modPow(c % q, dq, q);
  let h = (qi * ((s1 - s2) % p)) % p;
  if (h < 0n) h += p;
  const s = ((s2 + h * q) * rInv) % n;
  if (modPow(s, e, n) !== m) fail(ErrorCode.CRYPTO_ERROR, Alert.internal_error, 'RSA signature self-check failed');
  const out = new Uint8Array(k);
  bigIntToBytes(s, out);
  return out;
}

const ZERO8 = new Uint8Array(8);

/** XORs MGF1(seed) (RFC 8017 B.2.1, with hash h) into buf[0, len). */
export function mgf1Xor(hash: HashName, seed: Uint8Array, buf: Uint8Array, len: number): void {
  const h = hashFunctions[hash];
  const counter = new Uint8Array(4);
  for (let done = 0, c = 0; done < len; c++) {
    counter[0] = c >>> 24;
    counter[1] = (c >>> 16) & 0xff;
    counter[2] = (c >>> 8) & 0xff;
    counter[3] = c & 0xff;
    const t = h.create().update(seed).update(counter).digest();
    for (let i = 0; i < t.length && done < len; i++) buf[done++] ^= t[i];
  }
}

/** H = Hash(0x00 * 8 || mHash || salt), the PSS message representative hash. */
function pssHash(hash: HashName, mHash: Uint8Array, salt: Uint8Array): Uint8Array {
  return hashFunctions[hash].create().update(ZERO8).update(mHash).update(salt).digest();
}

/**
 * RSASSA-PSS signature (RFC 8017 8.1.1) with MGF1 over the same hash and a
 * salt as long as the hash, as TLS 1.3 requires.
 */
export function rsaPssSign(
  key: RsaPrivateKey, hash: HashName, msg: Uint8Array, random: (dst: Uint8Array) => void,
): Uint8Array {
  const bits = signModulusBits(key);
  const h = hashFunctions[hash];
  const hLen = h.outputLen;
  const emBits = bits - 1;
  const emLen = (emBits + 7) >> 3;
  // EMSA-PSS-ENCODE (9.1.1); 2048-bit keys always leave room for SHA-512.
  const salt = new Uint8Array(hLen);
  random(salt);
  const em = new Uint8Array(emLen);
  const dbLen = emLen - hLen - 1;
  const H = pssHash(hash, h(msg), salt);
  em[dbLen - hLen - 1] = 0x01;
  em.set(salt, dbLen - hLen);
  mgf1Xor(hash, H, em, dbLen);
  em[0] &= 0xff >> (8 * emLen - emBits);
  em.set(H, dbLen);
  em[emLen - 1] = 0xbc;
  return privateOp(key, bytesToBigInt(em), (bits + 7) >> 3, random);
}

/**
 * RSASSA-PSS verification (RFC 8017 8.1.2) with MGF1 over the same hash.
 * saltLen defaults to the hash length (TLS 1.3); certificates may state another.
 */
export function rsaPssVerify(
  key: RsaPublicKey, hash: HashName, msg: Uint8Array, sig: Uint8Array, saltLen?: number,
): boolean {
  const op = publicOp(key, sig);
  if (op === null) return false;
  const h = hashFunctions[hash];
  const hLen = h.outputLen;
  const sLen = saltLen === undefined ? hLen : saltLen;
  const emBits = op.bits - 1;
  const emLen = (emBits + 7) >> 3;
  if (sLen < 0 || emLen < hLen + sLen + 2) return false;
  // EMSA-PSS-VERIFY (9.1.2); when emLen < k the top byte of m must be zero.
  const em = new Uint8Array(emLen);
  if (!bigIntToBytes(op.m, em) || em[emLen - 1] !== 0xbc) return false;
  const topMask = 0xff >> (8 * emLen - emBits);
  if ((em[0] & ~topMask) !== 0) return false;
  const dbLen = emLen - hLen - 1;
  const H = em.slice(dbLen, dbLen + hLen);
  mgf1Xor(hash, H, em, dbLen); // em[0, dbLen) is now DB
  em[0] &= topMask;
  const psLen = dbLen - sLen - 1;
  for (let i = 0; i < psLen; i++) if (em[i] !== 0) return false;
  if (em[psLen] !== 0x01) return false;
  return constantTimeEqual(H, pssHash(hash, h(msg), em.subarray(dbLen - sLen, dbLen)));
}

// DigestInfo DER prefixes (RFC 8017 9.2 note 1), followed by the hash value.
const DIGEST_INFO: Record<HashName, Uint8Array> = {
  sha256: Uint8Array.of(0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20),
  sha384: Uint8Array.of(0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30),
  sha512: Uint8Array.of(0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40),
};

/** EMSA-PKCS1-v1_5-ENCODE (RFC 8017 9.2): 00 01 FF..FF 00 DigestInfo; null when k is too short. */
function pkcs1Encode(hash: HashName, msg: Uint8Array, k: number): Uint8Array | null {
  const prefix = DIGEST_INFO[hash];
  const digest = hashFunctions[hash](msg);
  const tLen = prefix.length + digest.length;
  if (k < tLen + 11) return null;
  const em = new Uint8Array(k);
  em[1] = 0x01;
  em.fill(0xff, 2, k - tLen - 1);
  em.set(prefix, k - tLen);
  em.set(digest, k - digest.length);
  return em;
}

/** RSASSA-PKCS1-v1_5 signature (RFC 8017 8.2.1); used for certificates, never in TLS 1.3 CertificateVerify. */
export function rsaPkcs1Sign(
  key: RsaPrivateKey, hash: HashName, msg: Uint8Array, random: (dst: Uint8Array) => void,
): Uint8Array {
  const k = (signModulusBits(key) + 7) >> 3;
  // Never null: a 2048-bit modulus has room for any SHA-2 DigestInfo.
  const em = pkcs1Encode(hash, msg, k) as Uint8Array;
  return privateOp(key, bytesToBigInt(em), k, random);
}

/**
 * RSASSA-PKCS1-v1_5 verification (RFC 8017 8.2.2): re-encodes the expected
 * block and compares it whole, so no parser of the padding can be fooled.
 */
export function rsaPkcs1Verify(key: RsaPublicKey, hash: HashName, msg: Uint8Array, sig: Uint8Array): boolean {
  const op = publicOp(key, sig);
  if (op === null) return false;
  const expected = pkcs1Encode(hash, msg, sig.length);
  if (expected === null) return false;
  const em = new Uint8Array(sig.length);
  bigIntToBytes(op.m, em);
  return constantTimeEqual(em, expected);
}
