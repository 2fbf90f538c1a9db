// ChaCha20-Poly1305 (RFC 8439), in place. The ChaCha20 keystream goes through
// one fixed 64-byte block. Poly1305 uses ten 13-bit limbs so every partial
// sum stays below 2^32; its limb arithmetic is adapted from @noble/ciphers'
// _poly1305.ts (MIT, after poly1305-donna), with the state kept in fixed
// arrays and reset per record instead of reallocated.
import { Alert, ErrorCode, fail } from '../errors.js';
import { constantTimeEqual } from './ct.js';
import type { Aead, AeadState } from './types.js';

const TAG = 16;

function readLE32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

/** out = ChaCha20 block of `input` (RFC 8439 2.3): 20 rounds, then add the input. */
function chachaBlock(input: Uint32Array, out: Uint32Array): void {
  let x0 = input[0], x1 = input[1], x2 = input[2], x3 = input[3];
  let x4 = input[4], x5 = input[5], x6 = input[6], x7 = input[7];
  let x8 = input[8], x9 = input[9], x10 = input[10], x11 = input[11];
  let x12 = input[12], x13 = input[13], x14 = input[14], x15 = input[15];
  for (let i = 0; i < 10; i++) {
    // Column rounds.
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);
    // Diagonal rounds.
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
  }
  out[0] = x0 + input[0]; out[1] = x1 + input[1]; out[2] = x2 + input[2]; out[3] = x3 + input[3];
  out[4] = x4 + input[4]; out[5] = x5 + input[5]; out[6] = x6 + input[6]; out[7] = x7 + input[7];
  out[8] = x8 + input[8]; out[9] = x9 + input[9]; out[10] = x10 + input[10]; out[11] = x11 + input[11];
  out[12] = x12 + input[12]; out[13] = x13 + input[13]; out[14] = x14 + input[14]; out[15] = x15 + input[15];
}

class ChaChaPolyState implements AeadState {
  /** ChaCha20 input: constants, key, block counter, nonce. */
  private readonly input = new Uint32Array(16);
  /** Keystream block. */
  private readonly ks = new Uint32Array(16);
  /** Poly1305 r (clamped), accumulator h, and s, in 13-bit / 16-bit limbs. */
  private readonly r = new Uint16Array(10);
  private readonly h = new Uint16Array(10);
  private readonly g = new Uint16Array(10);
  private readonly pad = new Uint16Array(8);
  /** Zero-padded tail block, lengths block, then the computed tag. */
  private readonly block = new Uint8Array(16);

  constructor(key: Uint8Array) {
    // "expand 32-byte k"
    this.input[0] = 0x61707865;
    this.input[1] = 0x3320646e;
    this.input[2] = 0x79622d32;
    this.input[3] = 0x6b206574;
    this.rekey(key);
  }

  rekey(key: Uint8Array): void {
    if (key.length !== 32) fail(ErrorCode.BAD_KEY, Alert.internal_error, 'ChaCha20-Poly1305 key length');
    for (let i = 0; i < 8; i++) this.input[4 + i] = readLE32(key, 4 * i);
  }

  /** Sets the nonce and derives the one-time Poly1305 key from block 0 (RFC 8439 2.6). */
  private start(nonce: Uint8Array): void {
    const input = this.input;
    const ks = this.ks;
    input[12] = 0;
    input[13] = readLE32(nonce, 0);
    input[14] = readLE32(nonce, 4);
    input[15] = readLE32(nonce, 8);
    chachaBlock(input, ks);
    input[12] = 1;
    // r = ks[0..16) clamped, split into 13-bit limbs; s = ks[16..32).
    const t0 = ks[0] & 0xffff, t1 = ks[0] >>> 16, t2 = ks[1] & 0xffff, t3 = ks[1] >>> 16;
    const t4 = ks[2] & 0xffff, t5 = ks[2] >>> 16, t6 = ks[3] & 0xffff, t7 = ks[3] >>> 16;
    const r = this.r;
    r[0] = t0 & 0x1fff;
    r[1] = ((t0 >>> 13) | (t1 << 3)) & 0x1fff;
    r[2] = ((t1 >>> 10) | (t2 << 6)) & 0x1f03;
    r[3] = ((t2 >>> 7) | (t3 << 9)) & 0x1fff;
    r[4] = ((t3 >>> 4) | (t4 << 12)) & 0x00ff;
    r[5] = (t4 >>> 1) & 0x1ffe;
    r[6] = ((t4 >>> 14) | (t5 << 2)) & 0x1fff;
    r[7] = ((t5 >>> 11) | (t6 << 5)) & 0x1f81;
    r[8] = ((t6 >>> 8) | (t7 << 8)) & 0x1fff;
    r[9] = (t7 >>> 5) & 0x007f;
    for (let i = 0; i < 8; i++) this.pad[i] = ks[4 + (i >>> 1)] >>> ((i & 1) << 4);
    this.h.fill(0);
    ks.fill(0);
  }

  /** XORs buf[off, off+len) with the keystream from block counter 1. */
  private xor(buf: Uint8Array, off: number, len: number): void {
    const input = this.input;
    const ks = this.ks;
    const end = off + len;
    for (let p = off; p < end; p += 64) {
      chachaBlock(input, ks);
      input[12] = input[12] + 1;
      if (end - p >= 64) {
        for (let i = 0, q = p; i < 16; i++, q += 4) {
          const k = ks[i];
          buf[q] ^= k; buf[q + 1] ^= k >>> 8; buf[q + 2] ^= k >>> 16; buf[q + 3] ^= k >>> 24;
        }
      } else {
        for (let i = 0; p + i < end; i++) buf[p + i] ^= ks[i >>> 2] >>> ((i & 3) << 3);
      }
    }
    ks.fill(0);
  }

  /** Poly1305 over buf[off, off+len) zero-padded to whole blocks, as the AEAD construction pads. */
  private mac(buf: Uint8Array, off: number, len: number): void {
    const full = len & ~15;
    if (full) this.blocks(buf, off, full);
    if (len > full) {
      const b = this.block;
      b.fill(0);
      for (let i = 0; i < len - full; i++) b[i] = buf[off + full + i];
      this.blocks(b, 0, 16);
    }
  }

  /** h = (h + m) * r mod 2^130 - 5 for each 16-byte block m (with the 2^128 bit). */
  private blocks(data: Uint8Array, off: number, len: number): void {
    const r = this.r;
    const h = this.h;
    const r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3], r4 = r[4];
    const r5 = r[5], r6 = r[6], r7 = r[7], r8 = r[8], r9 = r[9];
    let h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4];
    let h5 = h[5], h6 = h[6], h7 = h[7], h8 = h[8], h9 = h[9];
    for (let p = off, end = off + len; p < end; p += 16) {
      const t0 = data[p] | (data[p + 1] << 8);
      const t1 = data[p + 2] | (data[p + 3] << 8);
      const t2 = data[p + 4] | (data[p + 5] << 8);
      const t3 = data[p + 6] | (data[p + 7] << 8);
      const t4 = data[p + 8] | (data[p + 9] << 8);
      const t5 = data[p + 10] | (data[p + 11] << 8);
      const t6 = data[p + 12] | (data[p + 13] << 8);
      const t7 = data[p + 14] | (data[p + 15] << 8);
      h0 += t0 & 0x1fff;
      h1 += ((t0 >>> 13) | (t1 << 3)) & 0x1fff;
      h2 += ((t1 >>> 10) | (t2 << 6)) & 0x1fff;
      h3 += ((t2 >>> 7) | (t3 << 9)) & 0x1fff;
      h4 += ((t3 >>> 4) | (t4 << 12)) & 0x1fff;
      h5 += (t4 >>> 1) & 0x1fff;
      h6 += ((t4 >>> 14) | (t5 << 2)) & 0x1fff;
      h7 += ((t5 >>> 11) | (t6 << 5)) & 0x1fff;
      h8 += ((t6 >>> 8) | (t7 << 8)) & 0x1fff;
      h9 += (t7 >>> 5) | (1 << 11);

      // Schoolbook product with 2^130 = 5 folded in; each half-row of five
      // products stays below 2^32, carries are taken between halves.
      let c = 0;
      let d0 = c + h0 * r0 + h1 * (5 * r9) + h2 * (5 * r8) + h3 * (5 * r7) + h4 * (5 * r6);
      c = d0 >>> 13; d0 &= 0x1fff;
      d0 += h5 * (5 * r5) + h6 * (5 * r4) + h7 * (5 * r3) + h8 * (5 * r2) + h9 * (5 * r1);
      c += d0 >>> 13; d0 &= 0x1fff;
      let d1 = c + h0 * r1 + h1 * r0 + h2 * (5 * r9) + h3 * (5 * r8) + h4 * (5 * r7);
      c = d1 >>> 13; d1 &= 0x1fff;
      d1 += h5 * (5 * r6) + h6 * (5 * r5) + h7 * (5 * r4) + h8 * (5 * r3) + h9 * (5 * r2);
      c += d1 >>> 13; d1 &= 0x1fff;
      let d2 = c + h0 * r2 + h1 * r1 + h2 * r0 + h3 * (5 * r9) + h4 * (5 * r8);
      c = d2 >>> 13; d2 &= 0x1fff;
      d2 += h5 * (5 * r7) + h6 * (5 * r6) + h7 * (5 * r5) + h8 * (5 * r4) + h9 * (5 * r3);
      c += d2 >>> 13; d2 &= 0x1fff;
      let d3 = c + h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * (5 * r9);
      c = d3 >>> 13; d3 &= 0x1fff;
      d3 += h5 * (5 * r8) + h6 * (5 * r7) + h7 * (5 * r6) + h8 * (5 * r5) + h9 * (5 * r4);
      c += d3 >>> 13; d3 &= 0x1fff;
      let d4 = c + h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;
      c = d4 >>> 13; d4 &= 0x1fff;
      d4 += h5 * (5 * r9) + h6 * (5 * r8) + h7 * (5 * r7) + h8 * (5 * r6) + h9 * (5 * r5);
      c += d4 >>> 13; d4 &= 0x1fff;
      let d5 = c + h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1;
      c = d5 >>> 13; d5 &= 0x1fff;
      d5 += h5 * r0 + h6 * (5 * r9) + h7 * (5 * r8) + h8 * (5 * r7) + h9 * (5 * r6);
      c += d5 >>> 13; d5 &= 0x1fff;
      let d6 = c + h0 * r6 + h1 * r5 + h2 * r4 + h3 * r3 + h4 * r2;
      c = d6 >>> 13; d6 &= 0x1fff;
      d6 += h5 * r1 + h6 * r0 + h7 * (5 * r9) + h8 * (5 * r8) + h9 * (5 * r7);
      c += d6 >>> 13; d6 &= 0x1fff;
      let d7 = c + h0 * r7 + h1 * r6 + h2 * r5 + h3 * r4 + h4 * r3;
      c = d7 >>> 13; d7 &= 0x1fff;
      d7 += h5 * r2 + h6 * r1 + h7 * r0 + h8 * (5 * r9) + h9 * (5 * r8);
      c += d7 >>> 13; d7 &= 0x1fff;
      let d8 = c + h0 * r8 + h1 * r7 + h2 * r6 + h3 * r5 + h4 * r4;
      c = d8 >>> 13; d8 &= 0x1fff;
      d8 += h5 * r3 + h6 * r2 + h7 * r1 + h8 * r0 + h9 * (5 * r9);
      c += d8 >>> 13; d8 &= 0x1fff;
      let d9 = c + h0 * r9 + h1 * r8 + h2 * r7 + h3 * r6 + h4 * r5;
      c = d9 >>> 13; d9 &= 0x1fff;
      d9 += h5 * r4 + h6 * r3 + h7 * r2 + h8 * r1 + h9 * r0;
      c += d9 >>> 13; d9 &= 0x1fff;
      c = ((c << 2) + c) | 0;
      c = (c + d0) | 0;
      d0 = c & 0x1fff;
      c = c >>> 13;
      d1 += c;
      h0 = d0; h1 = d1; h2 = d2; h3 = d3; h4 = d4;
      h5 = d5; h6 = d6; h7 = d7; h8 = d8; h9 = d9;
    }
    h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4;
    h[5] = h5; h[6] = h6; h[7] = h7; h[8] = h8; h[9] = h9;
  }

  /** MAC(aad, ciphertext) into this.block: pads, lengths block, h mod p, + s. */
  private tag(aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    this.mac(aad, 0, aad.length);
    this.mac(buf, off, len);
    const b = this.block;
    writeLE64(b, 0, aad.length);
    writeLE64(b, 8, len);
    this.blocks(b, 0, 16);
    const h = this.h;
    const g = this.g;
    const pad = this.pad;
    // Full carry, then h - p via g = h + 5 - 2^130; keep g when it did not borrow.
    let c = h[1] >>> 13;
    h[1] &= 0x1fff;
    for (let i = 2; i < 10; i++) {
      h[i] += c;
      c = h[i] >>> 13;
      h[i] &= 0x1fff;
    }
    h[0] += c * 5;
    c = h[0] >>> 13;
    h[0] &= 0x1fff;
    h[1] += c;
    c = h[1] >>> 13;
    h[1] &= 0x1fff;
    h[2] += c;
    g[0] = h[0] + 5;
    c = g[0] >>> 13;
    g[0] &= 0x1fff;
    for (let i = 1; i < 10; i++) {
      g[i] = h[i] + c;
      c = g[i] >>> 13;
      g[i] &= 0x1fff;
    }
    let mask = (c ^ 1) - 1;
    for (let i = 0; i < 10; i++) g[i] &= mask;
    mask = ~mask;
    for (let i = 0; i < 10; i++) h[i] = (h[i] & mask) | g[i];
    // Back to 16-bit limbs, then tag = (h + s) mod 2^128, little-endian.
    h[0] = h[0] | (h[1] << 13);
    h[1] = (h[1] >>> 3) | (h[2] << 10);
    h[2] = (h[2] >>> 6) | (h[3] << 7);
    h[3] = (h[3] >>> 9) | (h[4] << 4);
    h[4] = (h[4] >>> 12) | (h[5] << 1) | (h[6] << 14);
    h[5] = (h[6] >>> 2) | (h[7] << 11);
    h[6] = (h[7] >>> 5) | (h[8] << 8);
    h[7] = (h[8] >>> 8) | (h[9] << 5);
    let f = 0;
    for (let i = 0; i < 8; i++) {
      f = h[i] + pad[i] + (f >>> 16);
      b[2 * i] = f;
      b[2 * i + 1] = f >>> 8;
    }
    h.fill(0);
    g.fill(0);
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    checkArgs(nonce, buf, off, len);
    this.start(nonce);
    this.xor(buf, off, len);
    this.tag(aad, buf, off, len);
    buf.set(this.block, off + len);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean {
    checkArgs(nonce, buf, off, len);
    this.start(nonce);
    this.tag(aad, buf, off, len);
    if (!constantTimeEqual(this.block, buf, 0, off + len, TAG)) return false;
    this.xor(buf, off, len);
    return true;
  }
}

/** Writes `n` as a 64-bit little-endian integer at b[p]. */
function writeLE64(b: Uint8Array, p: number, n: number): void {
  const hi = Math.floor(n / 0x100000000);
  b[p] = n; b[p + 1] = n >>> 8; b[p + 2] = n >>> 16; b[p + 3] = n >>> 24;
  b[p + 4] = hi; b[p + 5] = hi >>> 8; b[p + 6] = hi >>> 16; b[p + 7] = hi >>> 24;
}

function checkArgs(nonce: Uint8Array, buf: Uint8Array, off: number, len: number): void {
  if (nonce.length !== 12 || !(off >= 0 && len >= 0 && off + len + TAG <= buf.length)) {
    fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'ChaCha20-Poly1305 nonce or buffer range');
  }
}

export const chacha20poly1305: Aead = { keyLen: 32, tagLen: TAG, create: (key) => new ChaChaPolyState(key) };
