// AES-CBC (NIST SP 800-38A) with PKCS#7 padding (RFC 5652 6.3), for the
// crypto toolkit; TLS 1.3 never uses it, so the inverse cipher's tables live
// here and no TLS bundle carries them. The forward cipher and its key
// schedule are aes.ts's; decryption uses the equivalent inverse cipher (FIPS
// 197 5.3.5) with its own T-tables, built at load like aes.ts's.
import { loadBE32 } from '../bytes/be32.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { Aes, SBOX } from './aes.js';

/** Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
function gmul(a: number, b: number): number {
  let r = 0;
  for (; b > 0; b >>= 1) {
    if (b & 1) r ^= a;
    a = ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;
  }
  return r;
}

/** The inverse S-box and D0..D3: D0[x] is the InvMixColumns column (14s, 9s, 13s, 11s) of s = InvS(x), D1..D3 its rotations. */
function inverseTables(): [Uint8Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array] {
  const inv = new Uint8Array(256);
  const d0 = new Uint32Array(256);
  const d1 = new Uint32Array(256);
  const d2 = new Uint32Array(256);
  const d3 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) inv[SBOX[i]] = i;
  for (let i = 0; i < 256; i++) {
    const s = inv[i];
    const e = gmul(s, 14);
    const n = gmul(s, 9);
    const d = gmul(s, 13);
    const b = gmul(s, 11);
    d0[i] = ((e << 24) | (n << 16) | (d << 8) | b) >>> 0;
    d1[i] = ((b << 24) | (e << 16) | (n << 8) | d) >>> 0;
    d2[i] = ((d << 24) | (b << 16) | (e << 8) | n) >>> 0;
    d3[i] = ((n << 24) | (d << 16) | (b << 8) | e) >>> 0;
  }
  return [inv, d0, d1, d2, d3];
}

// Built once at load; the annotation lets a bundle without CBC decryption drop them.
const [INV_SBOX, D0, D1, D2, D3] = /*#__PURE__*/ inverseTables();

/** InvMixColumns of one round-key word: D tables of S(x) undo the S-box they include. */
function invMix(w: number): number {
  return (D0[SBOX[w >>> 24]] ^ D1[SBOX[(w >>> 16) & 0xff]] ^ D2[SBOX[(w >>> 8) & 0xff]] ^ D3[SBOX[w & 0xff]]) >>> 0;
}

/** AES decryption with the equivalent inverse cipher's key schedule. */
class AesInverse {
  private readonly dk = new Uint32Array(60);
  private readonly rounds: number;

  constructor(enc: Aes) {
    const nr = enc.rounds;
    const rk = enc.rk;
    const dk = this.dk;
    for (let j = 0; j < 4; j++) {
      dk[j] = rk[4 * nr + j];
      dk[4 * nr + j] = rk[j];
    }
    for (let r = 1; r < nr; r++) for (let j = 0; j < 4; j++) dk[4 * r + j] = invMix(rk[4 * (nr - r) + j]);
    this.rounds = nr;
  }

  decrypt(src: Uint32Array, dst: Uint32Array): void {
    const dk = this.dk;
    let s0 = src[0] ^ dk[0];
    let s1 = src[1] ^ dk[1];
    let s2 = src[2] ^ dk[2];
    let s3 = src[3] ^ dk[3];
    let k = 4;
    for (let r = this.rounds - 1; r > 0; r--, k += 4) {
      const t0 = D0[s0 >>> 24] ^ D1[(s3 >>> 16) & 0xff] ^ D2[(s2 >>> 8) & 0xff] ^ D3[s1 & 0xff] ^ dk[k];
      const t1 = D0[s1 >>> 24] ^ D1[(s0 >>> 16) & 0xff] ^ D2[(s3 >>> 8) & 0xff] ^ D3[s2 & 0xff] ^ dk[k + 1];
      const t2 = D0[s2 >>> 24] ^ D1[(s1 >>> 16) & 0xff] ^ D2[(s0 >>> 8) & 0xff] ^ D3[s3 & 0xff] ^ dk[k + 2];
      s3 = D0[s3 >>> 24] ^ D1[(s2 >>> 16) & 0xff] ^ D2[(s1 >>> 8) & 0xff] ^ D3[s0 & 0xff] ^ dk[k + 3];
      s0 = t0;
      s1 = t1;
      s2 = t2;
    }
    const S = INV_SBOX;
    dst[0] = ((S[s0 >>> 24] << 24) | (S[(s3 >>> 16) & 0xff] << 16) | (S[(s2 >>> 8) & 0xff] << 8) | S[s1 & 0xff]) ^ dk[k];
    dst[1] = ((S[s1 >>> 24] << 24) | (S[(s0 >>> 16) & 0xff] << 16) | (S[(s3 >>> 8) & 0xff] << 8) | S[s2 & 0xff]) ^ dk[k + 1];
    dst[2] = ((S[s2 >>> 24] << 24) | (S[(s1 >>> 16) & 0xff] << 16) | (S[(s0 >>> 8) & 0xff] << 8) | S[s3 & 0xff]) ^ dk[k + 2];
    dst[3] = ((S[s3 >>> 24] << 24) | (S[(s2 >>> 16) & 0xff] << 16) | (S[(s1 >>> 8) & 0xff] << 8) | S[s0 & 0xff]) ^ dk[k + 3];
  }
}

/** CBC over whole blocks without padding; a provider with native AES (node:crypto) offers the same. */
export interface CbcCipher {
  encrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}

function writeBlock(w: Uint32Array, buf: Uint8Array, p: number): void {
  for (let i = 0; i < 4; i++) {
    const v = w[i];
    buf[p + 4 * i] = v >>> 24;
    buf[p + 4 * i + 1] = v >>> 16;
    buf[p + 4 * i + 2] = v >>> 8;
    buf[p + 4 * i + 3] = v;
  }
}

function checkArgs(iv: Uint8Array, data: Uint8Array): void {
  if (iv.length !== 16) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'AES-CBC IV must be 16 bytes, not ' + iv.length);
  if (data.length % 16 !== 0) fail(ErrorCode.CRYPTO_ERROR, Alert.internal_error, 'AES-CBC data is not a whole number of blocks');
}

/** Core's table AES in CBC mode. */
export const aesCbc: CbcCipher = {
  encrypt(key, iv, data) {
    checkArgs(iv, data);
    const aes = new Aes(key);
    const out = new Uint8Array(data.length);
    const x = new Uint32Array(4);
    const b = new Uint32Array(4);
    loadBE32(x, 0, iv, 0, 4);
    for (let p = 0; p < data.length; p += 16) {
      loadBE32(b, 0, data, p, 4);
      for (let i = 0; i < 4; i++) x[i] ^= b[i];
      aes.encrypt(x, x);
      writeBlock(x, out, p);
    }
    return out;
  },
  decrypt(key, iv, data) {
    checkArgs(iv, data);
    const aes = new AesInverse(new Aes(key));
    const out = new Uint8Array(data.length);
    const prev = new Uint32Array(4);
    const c = new Uint32Array(4);
    const x = new Uint32Array(4);
    loadBE32(prev, 0, iv, 0, 4);
    for (let p = 0; p < data.length; p += 16) {
      loadBE32(c, 0, data, p, 4);
      aes.decrypt(c, x);
      for (let i = 0; i < 4; i++) {
        x[i] ^= prev[i];
        prev[i] = c[i];
      }
      writeBlock(x, out, p);
    }
    return out;
  },
};

/** PKCS#7: 1 to 16 bytes, each the pad length. */
export function pkcs7Pad(data: Uint8Array): Uint8Array {
  const n = 16 - (data.length % 16);
  const out = new Uint8Array(data.length + n);
  out.set(data);
  out.fill(n, data.length);
  return out;
}

/**
 * Removes PKCS#7 padding; null when it is malformed. The last block is
 * checked whole, without branching on its bytes (no padding oracle through
 * timing here; an application that reports padding errors to a network
 * peer still has one: authenticate the ciphertext, or use AES-GCM).
 */
export function pkcs7Unpad(data: Uint8Array): Uint8Array | null {
  const len = data.length;
  if (len === 0 || len % 16 !== 0) return null;
  const n = data[len - 1];
  // good stays 0 when n is 0 or above 16, or when one of the last n bytes differs from n.
  let bad = ((n - 1) >>> 31) | ((16 - n) >>> 31);
  for (let i = 1; i <= 16; i++) {
    const inPad = ((i - n - 1) >>> 31) & 1; // i <= n
    bad |= inPad & (((data[len - i] ^ n) + 0xff) >>> 8);
  }
  return bad ? null : data.slice(0, len - n);
}
