// AES block encryption (FIPS 197) for GCM and CCM, which only need the
// forward cipher. Compact T-tables (4 x 1 KB + the 256-byte S-box, built at
// load) on big-endian 32-bit words; the key schedule is expanded once into a
// fixed array and nothing is allocated per block.
// Table lookups are indexed by secret data, as in every table-based AES: fine
// for the engines this targets (no shared cache with attackers), noted here
// because it is not constant-time on a multi-tenant CPU.
import { loadBE32 } from '../bytes/be32.js';
import { Alert, ErrorCode, fail } from '../errors.js';

export const SBOX = new Uint8Array(256);
const T0 = new Uint32Array(256);
const T1 = new Uint32Array(256);
const T2 = new Uint32Array(256);
const T3 = new Uint32Array(256);

{
  // p runs over all non-zero field elements as powers of 3 and q over their
  // inverses (powers of 3^-1); the S-box is the affine map of the inverse.
  let p = 1;
  let q = 1;
  do {
    p = (p ^ (p << 1) ^ (p & 0x80 ? 0x1b : 0)) & 0xff;
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const x = q ^ (q << 1) ^ (q << 2) ^ (q << 3) ^ (q << 4);
    SBOX[p] = (x ^ (x >> 8) ^ 0x63) & 0xff;
  } while (p !== 1);
  SBOX[0] = 0x63;
  // T0[x] is the MixColumns column (2s, s, s, 3s) of s = S(x); T1..T3 are its rotations.
  for (let i = 0; i < 256; i++) {
    const s = SBOX[i];
    const s2 = ((s << 1) ^ (s & 0x80 ? 0x1b : 0)) & 0xff;
    const s3 = s2 ^ s;
    T0[i] = ((s2 << 24) | (s << 16) | (s << 8) | s3) >>> 0;
    T1[i] = ((s3 << 24) | (s2 << 16) | (s << 8) | s) >>> 0;
    T2[i] = ((s << 24) | (s3 << 16) | (s2 << 8) | s) >>> 0;
    T3[i] = ((s << 24) | (s << 16) | (s3 << 8) | s2) >>> 0;
  }
}

function subWord(t: number): number {
  return ((SBOX[t >>> 24] << 24) | (SBOX[(t >>> 16) & 0xff] << 16) | (SBOX[(t >>> 8) & 0xff] << 8) | SBOX[t & 0xff]) >>> 0;
}

/** An AES-128/192/256 encryption key schedule, rekeyable in place. */
export class Aes {
  readonly rk = new Uint32Array(60);
  rounds = 0;
  /** Keystream scratch for ctr(). */
  private readonly ks = new Uint32Array(4);

  constructor(key: Uint8Array) {
    this.setKey(key);
  }

  setKey(key: Uint8Array): void {
    const nk = key.length >>> 2;
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) fail(ErrorCode.BAD_KEY, Alert.internal_error, 'AES key length ' + key.length);
    const rk = this.rk;
    const total = 4 * (nk + 7);
    loadBE32(rk, 0, key, 0, nk);
    for (let i = nk, rcon = 1; i < total; i++) {
      let t = rk[i - 1];
      if (i % nk === 0) {
        t = subWord(((t << 8) | (t >>> 24)) >>> 0) ^ (rcon << 24);
        rcon = ((rcon << 1) ^ (rcon & 0x80 ? 0x1b : 0)) & 0xff;
      } else if (nk > 6 && i % nk === 4) {
        t = subWord(t);
      }
      rk[i] = rk[i - nk] ^ t;
    }
    this.rounds = nk + 6;
  }

  /** dst[0..4) = AES(src[0..4)), blocks as big-endian words; src and dst may be the same array. */
  encrypt(src: Uint32Array, dst: Uint32Array): void {
    const rk = this.rk;
    let s0 = src[0] ^ rk[0];
    let s1 = src[1] ^ rk[1];
    let s2 = src[2] ^ rk[2];
    let s3 = src[3] ^ rk[3];
    let k = 4;
    for (let r = this.rounds - 1; r > 0; r--, k += 4) {
      const t0 = T0[s0 >>> 24] ^ T1[(s1 >>> 16) & 0xff] ^ T2[(s2 >>> 8) & 0xff] ^ T3[s3 & 0xff] ^ rk[k];
      const t1 = T0[s1 >>> 24] ^ T1[(s2 >>> 16) & 0xff] ^ T2[(s3 >>> 8) & 0xff] ^ T3[s0 & 0xff] ^ rk[k + 1];
      const t2 = T0[s2 >>> 24] ^ T1[(s3 >>> 16) & 0xff] ^ T2[(s0 >>> 8) & 0xff] ^ T3[s1 & 0xff] ^ rk[k + 2];
      s3 = T0[s3 >>> 24] ^ T1[(s0 >>> 16) & 0xff] ^ T2[(s1 >>> 8) & 0xff] ^ T3[s2 & 0xff] ^ rk[k + 3];
      s0 = t0;
      s1 = t1;
      s2 = t2;
    }
    // Last round: no MixColumns, plain S-box.
    dst[0] = ((SBOX[s0 >>> 24] << 24) | (SBOX[(s1 >>> 16) & 0xff] << 16) | (SBOX[(s2 >>> 8) & 0xff] << 8) | SBOX[s3 & 0xff]) ^ rk[k];
    dst[1] = ((SBOX[s1 >>> 24] << 24) | (SBOX[(s2 >>> 16) & 0xff] << 16) | (SBOX[(s3 >>> 8) & 0xff] << 8) | SBOX[s0 & 0xff]) ^ rk[k + 1];
    dst[2] = ((SBOX[s2 >>> 24] << 24) | (SBOX[(s3 >>> 16) & 0xff] << 16) | (SBOX[(s0 >>> 8) & 0xff] << 8) | SBOX[s1 & 0xff]) ^ rk[k + 2];
    dst[3] = ((SBOX[s3 >>> 24] << 24) | (SBOX[(s0 >>> 16) & 0xff] << 16) | (SBOX[(s1 >>> 8) & 0xff] << 8) | SBOX[s2 & 0xff]) ^ rk[k + 3];
  }

  /**
   * CTR mode: XORs buf[off, off+len) in place with AES(counter), AES(counter+1), ...
   * incrementing the last word of `counter` (GCM's inc32; CCM's 24-bit counter
   * never carries out of it for record-sized data).
   */
  ctr(counter: Uint32Array, buf: Uint8Array, off: number, len: number): void {
    const ks = this.ks;
    const end = off + len;
    for (let p = off; p < end; p += 16) {
      this.encrypt(counter, ks);
      counter[3] = counter[3] + 1;
      const k0 = ks[0];
      const k1 = ks[1];
      const k2 = ks[2];
      const k3 = ks[3];
      if (end - p >= 16) {
        // Stores into a Uint8Array keep the low 8 bits, so no masks are needed.
        buf[p] ^= k0 >>> 24; buf[p + 1] ^= k0 >>> 16; buf[p + 2] ^= k0 >>> 8; buf[p + 3] ^= k0;
        buf[p + 4] ^= k1 >>> 24; buf[p + 5] ^= k1 >>> 16; buf[p + 6] ^= k1 >>> 8; buf[p + 7] ^= k1;
        buf[p + 8] ^= k2 >>> 24; buf[p + 9] ^= k2 >>> 16; buf[p + 10] ^= k2 >>> 8; buf[p + 11] ^= k2;
        buf[p + 12] ^= k3 >>> 24; buf[p + 13] ^= k3 >>> 16; buf[p + 14] ^= k3 >>> 8; buf[p + 15] ^= k3;
      } else {
        for (let i = 0; p + i < end; i++) buf[p + i] ^= ks[i >>> 2] >>> (24 - ((i & 3) << 3));
      }
    }
    ks.fill(0);
  }
}
