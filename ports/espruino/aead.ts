// AES-128-CCM, CCM_8 and AES-128-GCM on Espruino's native AES (mbedTLS in
// the firmware), in place on the connection's buffer. Per record:
// - the CTR keystream is one native ECB call over counter blocks written into
//   a scratch buffer kept by the state (grown once to the largest record);
// - CCM's CBC-MAC is three native CBC calls with the chaining value carried
//   in the IV (header blocks, whole plaintext blocks, the padded tail);
// - only the XOR with the keystream, GCM's GHASH and the counter bytes run
//   in interpreted JS.
// Each native call returns a new ArrayBuffer: that allocation per record
// cannot be avoided on Espruino (its AES has no output argument); nothing
// else is allocated after the first record.
import { Alert, ErrorCode, fail } from '../../core/errors.js';
import { constantTimeEqual } from '../../core/crypto/ct.js';
import type { Aead, AeadState } from '../../core/crypto/types.js';
import type { EspruinoCrypto } from './espruino.js';

function checkArgs(nonce: Uint8Array, buf: Uint8Array, off: number, len: number, tagLen: number): void {
  if (nonce.length !== 12 || !(off >= 0 && len >= 0 && len < 0x1000000 && off + len + tagLen <= buf.length)) {
    fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'AES nonce or buffer range');
  }
}

const ZERO_BLOCK = new Uint8Array(16);

/** AES-128 on the native module: the key, and scratch for counter blocks. */
class NativeAes {
  readonly key = new Uint8Array(16);
  private counters = new Uint8Array(64);

  constructor(private readonly crypto: EspruinoCrypto, key: Uint8Array) {
    this.setKey(key);
  }

  setKey(key: Uint8Array): void {
    if (key.length !== 16) fail(ErrorCode.BAD_KEY, Alert.internal_error, 'AES-128 key length ' + key.length);
    this.key.set(key);
  }

  private run(data: Uint8Array, mode: 'ECB' | 'CBC', iv: Uint8Array): Uint8Array {
    const r = this.crypto.AES.encrypt(data, this.key, { iv, mode });
    if (!r) fail(ErrorCode.CRYPTO_ERROR, Alert.internal_error, 'native AES ' + mode);
    return new Uint8Array(r);
  }

  /** E(block) for one or more whole blocks. */
  ecb(data: Uint8Array): Uint8Array {
    return this.run(data, 'ECB', ZERO_BLOCK);
  }

  /** The last block of CBC(data) under iv: a CBC-MAC step (the first with a zero IV); data is whole blocks. */
  cbcLast(data: Uint8Array, iv: Uint8Array): Uint8Array {
    const out = this.run(data, 'CBC', iv);
    return out.subarray(out.length - 16);
  }

  /**
   * E(first), E(first + 1), ... for `count` blocks, the last four bytes of
   * `first` being a big-endian counter (GCM's inc32; CCM's 3-byte counter
   * never carries into the nonce for record-sized data).
   */
  keystream(first: Uint8Array, count: number): Uint8Array {
    const size = 16 * count;
    if (this.counters.length < size) this.counters = new Uint8Array(size);
    const c = this.counters.subarray(0, size);
    c.set(first);
    // Copy the block by doubling (native copies), then number each block.
    for (let filled = 16; filled < size; filled *= 2) c.set(c.subarray(0, Math.min(filled, size - filled)), filled);
    const base = ((first[12] << 24) | (first[13] << 16) | (first[14] << 8) | first[15]) >>> 0;
    for (let i = 1, p = 16; i < count; i++, p += 16) {
      const n = (base + i) >>> 0;
      c[p + 12] = n >>> 24;
      c[p + 13] = n >>> 16;
      c[p + 14] = n >>> 8;
      c[p + 15] = n;
    }
    return this.ecb(c);
  }
}

/** buf[off, off+len) ^= ks[ksOff, ksOff+len). */
function xorInto(buf: Uint8Array, off: number, len: number, ks: Uint8Array, ksOff: number): void {
  for (let i = 0; i < len; i++) buf[off + i] ^= ks[ksOff + i];
}

// --- CCM (RFC 3610 with TLS 1.3's 12-byte nonce: L = 3) ---

class NativeCcm implements AeadState {
  private readonly aes: NativeAes;
  /** Counter block A_0 = (L-1) || nonce || 0, then B_0. */
  private readonly a0 = new Uint8Array(16);
  /** B_0 and the encoded AAD, zero-padded to whole blocks (grown for long AAD). */
  private header = new Uint8Array(32);
  private readonly tail = new Uint8Array(16);
  /** The computed tag T xor S_0. */
  private readonly tag = new Uint8Array(16);

  constructor(crypto: EspruinoCrypto, private readonly tagLen: number, key: Uint8Array) {
    this.aes = new NativeAes(crypto, key);
  }

  rekey(key: Uint8Array): void {
    this.aes.setKey(key);
  }

  /** The keystream S_0, S_1, ... for len bytes of payload. */
  private keystream(nonce: Uint8Array, len: number): Uint8Array {
    const a = this.a0;
    a.fill(0);
    a[0] = 2; // L - 1
    a.set(nonce, 1);
    return this.aes.keystream(a, 1 + ((len + 15) >>> 4));
  }

  /** CBC-MAC of B_0 || l(a) || a || m (RFC 3610 2.2), masked with S_0 from ks, into this.tag. */
  private mac(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number, ks: Uint8Array): void {
    const a = aad.length;
    // l(a): two bytes below 2^16 - 2^8, else 0xfffe and four bytes.
    const lenBytes = a === 0 ? 0 : a < 0xff00 ? 2 : 6;
    const size = 16 + (((lenBytes + a + 15) >>> 4) << 4);
    if (this.header.length < size) this.header = new Uint8Array(size);
    const h = this.header.subarray(0, size);
    h.fill(0);
    h[0] = (a > 0 ? 0x40 : 0) | (((this.tagLen - 2) >>> 1) << 3) | 2;
    h.set(nonce, 1);
    h[13] = len >>> 16;
    h[14] = len >>> 8;
    h[15] = len;
    let p = 16;
    if (lenBytes === 6) {
      h[p++] = 0xff;
      h[p++] = 0xfe;
      h[p++] = a >>> 24;
      h[p++] = a >>> 16;
    }
    if (a > 0) {
      h[p++] = a >>> 8;
      h[p++] = a;
      h.set(aad, p);
    }
    let y = this.aes.cbcLast(h, ZERO_BLOCK);
    const whole = len & ~15;
    if (whole > 0) y = this.aes.cbcLast(buf.subarray(off, off + whole), y);
    if (whole < len) {
      const t = this.tail;
      t.fill(0);
      t.set(buf.subarray(off + whole, off + len));
      y = this.aes.cbcLast(t, y);
    }
    for (let i = 0; i < 16; i++) this.tag[i] = y[i] ^ ks[i];
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    checkArgs(nonce, buf, off, len, this.tagLen);
    const ks = this.keystream(nonce, len);
    this.mac(nonce, aad, buf, off, len, ks);
    xorInto(buf, off, len, ks, 16);
    buf.set(this.tag.subarray(0, this.tagLen), off + len);
  }

  /**
   * CCM authenticates the plaintext, so it is decrypted first; on a tag
   * mismatch the same keystream encrypts it again, so the caller never keeps
   * unauthenticated plaintext.
   */
  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean {
    checkArgs(nonce, buf, off, len, this.tagLen);
    const ks = this.keystream(nonce, len);
    xorInto(buf, off, len, ks, 16);
    this.mac(nonce, aad, buf, off, len, ks);
    if (constantTimeEqual(this.tag, buf, 0, off + len, this.tagLen)) return true;
    xorInto(buf, off, len, ks, 16);
    return false;
  }
}

// --- GCM (NIST SP 800-38D, 12-byte nonce, 16-byte tag) ---

// Reduction of the 4 bits shifted out of X by one 4-bit step, placed in the
// top 16 bits (Shoup's method, as in core/crypto/aes-gcm.ts).
const R4 = new Uint32Array([
  0x00000000, 0x1c200000, 0x38400000, 0x24600000, 0x70800000, 0x6ca00000, 0x48c00000, 0x54e00000,
  0xe1000000, 0xfd200000, 0xd9400000, 0xc5600000, 0x91800000, 0x8da00000, 0xa9c00000, 0xb5e00000,
]);

class NativeGcm implements AeadState {
  private readonly aes: NativeAes;
  /** ht[4n..4n+4) = n * H for each 4-bit n, as big-endian words in GCM's bit order. */
  private readonly ht = new Uint32Array(64);
  private readonly x = new Uint32Array(4);
  private readonly j0 = new Uint8Array(16);
  private readonly lengths = new Uint8Array(16);
  private readonly tag = new Uint8Array(16);

  constructor(crypto: EspruinoCrypto, key: Uint8Array) {
    this.aes = new NativeAes(crypto, key);
    this.tables();
  }

  rekey(key: Uint8Array): void {
    this.aes.setKey(key);
    this.tables();
  }

  private tables(): void {
    const h = this.aes.ecb(this.j0.fill(0));
    const ht = this.ht;
    let v0 = ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
    let v1 = ((h[4] << 24) | (h[5] << 16) | (h[6] << 8) | h[7]) >>> 0;
    let v2 = ((h[8] << 24) | (h[9] << 16) | (h[10] << 8) | h[11]) >>> 0;
    let v3 = ((h[12] << 24) | (h[13] << 16) | (h[14] << 8) | h[15]) >>> 0;
    h.fill(0);
    // ht[8] = H, ht[4], ht[2], ht[1] = H times x, x^2, x^3; the others are sums.
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
    for (let w = 0; w < 4; w++) ht[w] = 0;
    for (let i = 2; i < 16; i <<= 1) {
      for (let j = 1; j < i; j++) {
        for (let w = 0; w < 4; w++) ht[4 * (i + j) + w] = ht[4 * i + w] ^ ht[4 * j + w];
      }
    }
  }

  /** X = (X ^ block) * H over buf[off, off+len), the last block zero-padded. */
  private ghash(buf: Uint8Array, off: number, len: number): void {
    const x = this.x;
    const ht = this.ht;
    const end = off + len;
    for (let p = off; p < end; p += 16) {
      for (let i = 0; i < 16 && p + i < end; i++) x[i >>> 2] ^= buf[p + i] << (24 - ((i & 3) << 3));
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

  /** E(J0), E(J0 + 1), ... with J0 = nonce || 1. */
  private keystream(nonce: Uint8Array, len: number): Uint8Array {
    const j = this.j0;
    j.set(nonce);
    j[12] = 0;
    j[13] = 0;
    j[14] = 0;
    j[15] = 1;
    return this.aes.keystream(j, 1 + ((len + 15) >>> 4));
  }

  /** Tag = GHASH(aad, ciphertext, lengths) ^ E(J0), into this.tag. */
  private mac(aad: Uint8Array, buf: Uint8Array, off: number, len: number, ks: Uint8Array): void {
    const x = this.x;
    x.fill(0);
    this.ghash(aad, 0, aad.length);
    this.ghash(buf, off, len);
    const b = this.lengths;
    writeBitLength(b, 0, aad.length);
    writeBitLength(b, 8, len);
    this.ghash(b, 0, 16);
    for (let i = 0; i < 16; i++) this.tag[i] = (x[i >>> 2] >>> (24 - ((i & 3) << 3))) ^ ks[i];
    x.fill(0);
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    checkArgs(nonce, buf, off, len, 16);
    const ks = this.keystream(nonce, len);
    xorInto(buf, off, len, ks, 16);
    this.mac(aad, buf, off, len, ks);
    buf.set(this.tag, off + len);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean {
    checkArgs(nonce, buf, off, len, 16);
    const ks = this.keystream(nonce, len);
    this.mac(aad, buf, off, len, ks);
    if (!constantTimeEqual(this.tag, buf, 0, off + len, 16)) return false;
    xorInto(buf, off, len, ks, 16);
    return true;
  }
}

/** The 64-bit big-endian bit length of `bytes` bytes at b[p]. */
function writeBitLength(b: Uint8Array, p: number, bytes: number): void {
  const hi = Math.floor(bytes / 0x20000000);
  const lo = (bytes * 8) >>> 0;
  b[p] = hi >>> 24; b[p + 1] = hi >>> 16; b[p + 2] = hi >>> 8; b[p + 3] = hi;
  b[p + 4] = lo >>> 24; b[p + 5] = lo >>> 16; b[p + 6] = lo >>> 8; b[p + 7] = lo;
}

/** AES-128-CCM (16-byte tag), AES-128-CCM_8 and AES-128-GCM on require("crypto"). */
export function espruinoAeads(crypto: EspruinoCrypto): { ccm: Aead; ccm8: Aead; gcm: Aead } {
  return {
    ccm: { keyLen: 16, tagLen: 16, create: function (key) { return new NativeCcm(crypto, 16, key); } },
    ccm8: { keyLen: 16, tagLen: 8, create: function (key) { return new NativeCcm(crypto, 8, key); } },
    gcm: { keyLen: 16, tagLen: 16, create: function (key) { return new NativeGcm(crypto, key); } },
  };
}
