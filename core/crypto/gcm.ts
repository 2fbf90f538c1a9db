// GCM (NIST SP 800-38D) with 12-byte nonces and 16-byte tags, in place,
// over any AES block cipher: core's table AES (aes-gcm.ts) or a port's
// native one (Espruino), which then carries none of core's AES tables.
// GHASH uses Shoup's 4-bit tables: 16 multiples of H (256 bytes per key) and
// a 16-entry reduction table, so X*H costs 32 table steps on 32-bit words.
import { loadBE32, xorBlockBE32 } from '../bytes/be32.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { constantTimeEqual } from './ct.js';
import type { AeadState } from './types.js';

export const TAG = 16;

// Reduction of the 4 bits shifted out of X by one 4-bit step, already placed
// in the top word (the 16-bit constants of Shoup's method, shifted left 16).
const R4 = new Uint32Array([
  0x00000000, 0x1c200000, 0x38400000, 0x24600000, 0x70800000, 0x6ca00000, 0x48c00000, 0x54e00000,
  0xe1000000, 0xfd200000, 0xd9400000, 0xc5600000, 0x91800000, 0x8da00000, 0xa9c00000, 0xb5e00000,
]);

/**
 * What GCM needs of AES: the 32-bit-word block function and CTR over a
 * buffer. Core's table AES provides it; a port can plug in native AES
 * (Espruino's ECB) and keep this GHASH and tag logic.
 */
export interface BlockCipher {
  setKey(key: Uint8Array): void;
  /** dst[0..4) = E(src[0..4)), blocks as big-endian words. */
  encrypt(src: Uint32Array, dst: Uint32Array): void;
  /** XORs buf[off, off+len) with E(counter), E(counter+1), ... advancing counter[3]. */
  ctr(counter: Uint32Array, buf: Uint8Array, off: number, len: number): void;
}

export class GcmState implements AeadState {
  /** HT[4n..4n+4) = n * H for each 4-bit n, in GCM's bit order. */
  private readonly ht = new Uint32Array(64);
  /** GHASH accumulator X. */
  private readonly x = new Uint32Array(4);
  private readonly counter = new Uint32Array(4);
  /** E(K, J0), masks the tag; also scratch for H. */
  private readonly ek0 = new Uint32Array(4);
  /** Lengths block, then the computed tag. */
  private readonly block = new Uint8Array(16);

  /** `aes` is already keyed with a keyLen-byte key. */
  constructor(
    private readonly keyLen: number,
    private readonly aes: BlockCipher,
  ) {
    this.tables();
  }

  rekey(key: Uint8Array): void {
    checkKey(key, this.keyLen);
    this.aes.setKey(key);
    this.tables();
  }

  private tables(): void {
    const h = this.ek0;
    const ht = this.ht;
    h.fill(0);
    this.aes.encrypt(h, h);
    // HT[8] = H; HT[4], HT[2], HT[1] = H*x, H*x^2, H*x^3 (a right shift in
    // GCM's reflected bit order, reducing by 0xe1 || 0^120); the others are sums.
    let v0 = h[0];
    let v1 = h[1];
    let v2 = h[2];
    let v3 = h[3];
    for (let i = 8; i > 0; i >>>= 1) {
      ht[4 * i] = v0;
      ht[4 * i + 1] = v1;
      ht[4 * i + 2] = v2;
      ht[4 * i + 3] = v3;
      const carry = v3 & 1;
      v3 = ((v3 >>> 1) | (v2 << 31)) >>> 0;
      v2 = ((v2 >>> 1) | (v1 << 31)) >>> 0;
      v1 = ((v1 >>> 1) | (v0 << 31)) >>> 0;
      v0 = ((v0 >>> 1) ^ (carry ? 0xe1000000 : 0)) >>> 0;
    }
    ht[0] = ht[1] = ht[2] = ht[3] = 0;
    for (let i = 2; i < 16; i <<= 1) {
      for (let j = 1; j < i; j++) {
        for (let w = 0; w < 4; w++) ht[4 * (i + j) + w] = ht[4 * i + w] ^ ht[4 * j + w];
      }
    }
    h.fill(0);
  }

  /** X = (X ^ block) * H over buf[off, off+len), the last block zero-padded. */
  private ghash(buf: Uint8Array, off: number, len: number): void {
    const x = this.x;
    const ht = this.ht;
    const end = off + len;
    for (let p = off; p < end; p += 16) {
      if (end - p >= 16) {
        xorBlockBE32(x, buf, p);
      } else {
        for (let i = 0; p + i < end; i++) x[i >>> 2] ^= buf[p + i] << (24 - ((i & 3) << 3));
      }
      // Nibbles from the last byte to the first, low nibble first: shift Z
      // right 4 bits (reducing what falls out), then add nibble * H.
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      for (let i = 3; i >= 0; i--) {
        let w = x[i];
        for (let j = 0; j < 8; j++) {
          const rem = z3 & 0xf;
          z3 = (z3 >>> 4) | (z2 << 28);
          z2 = (z2 >>> 4) | (z1 << 28);
          z1 = (z1 >>> 4) | (z0 << 28);
          z0 = (z0 >>> 4) ^ R4[rem];
          const n = (w & 0xf) << 2;
          w >>>= 4;
          z0 ^= ht[n];
          z1 ^= ht[n + 1];
          z2 ^= ht[n + 2];
          z3 ^= ht[n + 3];
        }
      }
      x[0] = z0;
      x[1] = z1;
      x[2] = z2;
      x[3] = z3;
    }
  }

  /** Sets the counter to J0 = nonce || 1, computes E(K, J0), then moves to J0 + 1 for the data. */
  private start(nonce: Uint8Array): void {
    const c = this.counter;
    loadBE32(c, 0, nonce, 0, 3);
    c[3] = 1;
    this.aes.encrypt(c, this.ek0);
    c[3] = 2;
  }

  /** Tag = GHASH(aad, ciphertext, lengths) ^ E(K, J0), into this.block. */
  private mac(aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    const x = this.x;
    const ek0 = this.ek0;
    const b = this.block;
    x.fill(0);
    this.ghash(aad, 0, aad.length);
    this.ghash(buf, off, len);
    writeBitLength(b, 0, aad.length);
    writeBitLength(b, 8, len);
    this.ghash(b, 0, 16);
    for (let i = 0; i < 16; i++) b[i] = (x[i >>> 2] ^ ek0[i >>> 2]) >>> (24 - ((i & 3) << 3));
    x.fill(0);
    ek0.fill(0);
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    checkArgs(nonce, buf, off, len);
    this.start(nonce);
    this.aes.ctr(this.counter, buf, off, len);
    this.mac(aad, buf, off, len);
    buf.set(this.block, off + len);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean {
    checkArgs(nonce, buf, off, len);
    this.start(nonce);
    this.mac(aad, buf, off, len);
    if (!constantTimeEqual(this.block, buf, 0, off + len, TAG)) return false;
    this.aes.ctr(this.counter, buf, off, len);
    return true;
  }
}

/** Writes the 64-bit big-endian bit length of `bytes` bytes at b[p]. */
function writeBitLength(b: Uint8Array, p: number, bytes: number): void {
  const hi = Math.floor(bytes / 0x20000000);
  const lo = (bytes * 8) >>> 0;
  b[p] = hi >>> 24; b[p + 1] = hi >>> 16; b[p + 2] = hi >>> 8; b[p + 3] = hi;
  b[p + 4] = lo >>> 24; b[p + 5] = lo >>> 16; b[p + 6] = lo >>> 8; b[p + 7] = lo;
}

export function checkKey(key: Uint8Array, keyLen: number): void {
  if (key.length !== keyLen) fail(ErrorCode.BAD_KEY, Alert.internal_error, 'AES-GCM key length');
}

function checkArgs(nonce: Uint8Array, buf: Uint8Array, off: number, len: number): void {
  if (nonce.length !== 12 || !(off >= 0 && len >= 0 && off + len + TAG <= buf.length)) {
    fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'AES-GCM nonce or buffer range');
  }
}
