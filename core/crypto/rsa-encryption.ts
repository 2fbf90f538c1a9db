// RSA encryption (RFC 8017 section 7): RSAES-OAEP and RSAES-PKCS1-v1_5, on
// the BigInt arithmetic of rsa.ts (the private operation is blinded and
// self-checked there).
//
// Decryption and Bleichenbacher/Manger-style oracles: the padding is checked
// without branching on secret bytes (every byte of the block is read and the
// verdict is accumulated in masks), and every failure (wrong length,
// out-of-range value, bad padding, wrong label) ends in the same null, after
// the same work. What JS cannot make constant-time: BigInt arithmetic (the
// blinding in privateOp is the defence there) and slicing out a message whose
// length depends on the padding. A caller must not reveal *why* or *whether*
// a PKCS#1 v1.5 decryption failed to an attacker who can submit ciphertexts:
// prefer OAEP for anything new.
import { bigIntToBytes, bitLength, bytesToBigInt, hashFunctions, modPow, mgf1Xor, privateOp, signModulusBits, type RsaPublicKey } from './rsa.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import type { HashName, PrivateKey } from './types.js';

/** A whole RSA private key (a native provider needs d too). */
export type RsaPrivateKey = Extract<PrivateKey, { kind: 'rsa' }>;

type Random = (dst: Uint8Array) => void;

/** 1 when x === 0, else 0, for x in [0, 255], without a branch. */
const isZero = (x: number): number => ((x - 1) >>> 31) & 1;

/**
 * The raw RSA operations on k-byte blocks (m < n, c < n checked by the
 * callers below), so a provider with native RSA (node:crypto) plugs in under
 * the same padding code.
 */
export interface RsaOps {
  /** RSAEP: em^e mod n. */
  publicRaw(key: RsaPublicKey, em: Uint8Array): Uint8Array;
  /** RSADP: c^d mod n, blinded. */
  privateRaw(key: RsaPrivateKey, c: Uint8Array, random: Random): Uint8Array;
}

/** RSA on BigInt: rsa.ts's modPow and blinded, self-checked CRT. */
export const bigintRsa: RsaOps = {
  publicRaw(key, em) {
    const out = new Uint8Array(em.length);
    bigIntToBytes(modPow(bytesToBigInt(em), key.e, key.n), out);
    return out;
  },
  privateRaw: (key, c, random) => privateOp(key, bytesToBigInt(c), c.length, random),
};

/** The public operation on an encoded block, after checking it is below n. */
function publicOp(key: RsaPublicKey, em: Uint8Array, ops: RsaOps): Uint8Array {
  if (bytesToBigInt(em) >= key.n) fail(ErrorCode.BAD_KEY, Alert.internal_error, 'RSA message representative out of range');
  return ops.publicRaw(key, em);
}

const modulusBytes = (key: RsaPublicKey): number => (bitLength(key.n) + 7) >> 3;

function tooLong(): never {
  return fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'message too long for this RSA key and padding');
}

/** RSAES-OAEP-ENCRYPT (7.1.1) with MGF1 over the same hash. */
export function rsaOaepEncrypt(key: RsaPublicKey, hash: HashName, msg: Uint8Array, random: Random, label: Uint8Array = new Uint8Array(0), ops: RsaOps = bigintRsa): Uint8Array {
  const k = modulusBytes(key);
  const h = hashFunctions[hash];
  const hLen = h.outputLen;
  if (msg.length > k - 2 * hLen - 2) tooLong();
  const em = new Uint8Array(k);
  const seed = em.subarray(1, 1 + hLen);
  const db = em.subarray(1 + hLen);
  db.set(h(label));
  db[db.length - msg.length - 1] = 0x01;
  db.set(msg, db.length - msg.length);
  random(seed);
  mgf1Xor(hash, seed, db, db.length);
  mgf1Xor(hash, db, seed, hLen);
  return publicOp(key, em, ops);
}

/** The private operation on a ciphertext of exactly k bytes; ok = 0 (and a zero block to decode anyway) for one out of range. */
function decryptBlock(key: RsaPrivateKey, ct: Uint8Array, random: Random, ops: RsaOps): { em: Uint8Array; ok: number } {
  const k = (signModulusBits(key) + 7) >> 3;
  if (ct.length !== k || bytesToBigInt(ct) >= key.n) return { em: new Uint8Array(k), ok: 0 };
  return { em: ops.privateRaw(key, ct, random), ok: 1 };
}

/** RSAES-OAEP-DECRYPT (7.1.2); null for any failure, with one result for all. */
export function rsaOaepDecrypt(key: RsaPrivateKey, hash: HashName, ct: Uint8Array, random: Random, label: Uint8Array = new Uint8Array(0), ops: RsaOps = bigintRsa): Uint8Array | null {
  const { em, ok } = decryptBlock(key, ct, random, ops);
  const k = em.length;
  const h = hashFunctions[hash];
  const hLen = h.outputLen;
  if (k < 2 * hLen + 2) return null; // public: the key and hash sizes
  const seed = em.subarray(1, 1 + hLen);
  const db = em.subarray(1 + hLen);
  mgf1Xor(hash, db, seed, hLen);
  mgf1Xor(hash, seed, db, db.length);
  const lHash = h(label);
  let good = ok & isZero(em[0]);
  for (let i = 0; i < hLen; i++) good &= isZero(db[i] ^ lHash[i]);
  // The first non-zero byte after lHash must be 0x01; remember where it is without branching.
  let found = 0;
  let index = 0;
  for (let i = hLen; i < db.length; i++) {
    const zero = isZero(db[i]);
    const one = isZero(db[i] ^ 1);
    const first = (found ^ 1) & (zero ^ 1);
    good &= (first & one) | (first ^ 1);
    index |= -(first & one) & i;
    found |= first;
  }
  good &= found;
  const msg = db.slice(index + 1);
  em.fill(0);
  return good ? msg : null;
}

/** RSAES-PKCS1-V1_5-ENCRYPT (7.2.1): 00 02 PS (non-zero, at least 8 bytes) 00 M. */
export function rsaPkcs1Encrypt(key: RsaPublicKey, msg: Uint8Array, random: Random, ops: RsaOps = bigintRsa): Uint8Array {
  const k = modulusBytes(key);
  if (msg.length > k - 11) tooLong();
  const em = new Uint8Array(k);
  em[1] = 0x02;
  const ps = em.subarray(2, k - msg.length - 1);
  random(ps);
  const one = new Uint8Array(1);
  for (let i = 0; i < ps.length; i++) {
    for (let tries = 0; ps[i] === 0; tries++) {
      if (tries === 64) fail(ErrorCode.CRYPTO_ERROR, Alert.internal_error, 'the random source gives only zero bytes');
      random(one);
      ps[i] = one[0];
    }
  }
  em.set(msg, k - msg.length);
  return publicOp(key, em, ops);
}

/**
 * RSAES-PKCS1-V1_5-DECRYPT (7.2.2); null for any failure (uniform error: see
 * the top of this file). `expectedLength`, when given, also fails messages of
 * another length in the same way (a key transport of a fixed-size secret).
 */
export function rsaPkcs1Decrypt(key: RsaPrivateKey, ct: Uint8Array, random: Random, expectedLength?: number, ops: RsaOps = bigintRsa): Uint8Array | null {
  const { em, ok } = decryptBlock(key, ct, random, ops);
  const k = em.length;
  let good = ok & isZero(em[0]) & isZero(em[1] ^ 2);
  let found = 0;
  let index = 0;
  for (let i = 2; i < k; i++) {
    const zero = isZero(em[i]);
    index |= -((found ^ 1) & zero) & i;
    found |= zero;
  }
  good &= found;
  good &= ((9 - index) >>> 31) & 1; // at least 8 bytes of PS: index >= 10
  if (expectedLength !== undefined) good &= isZero((k - index - 1) ^ expectedLength);
  const msg = em.slice(index + 1);
  em.fill(0);
  return good ? msg : null;
}
