// AES-128-CCM, CCM_8 and AES-128-GCM on Espruino's native AES (mbedTLS in
// the firmware), in place on the connection's buffer. Per record:
// - the CTR keystream is one native ECB call over counter blocks written into
//   a scratch buffer kept by the state (grown once to the largest record);
// - CCM's CBC-MAC is three native CBC calls with the chaining value carried
//   in the IV (header blocks, whole plaintext blocks, the padded tail);
// - GCM is core's GcmState (its GHASH and tag) over this native block cipher;
// - only the XOR with the keystream, GHASH and the counter bytes run
//   in interpreted JS.
// Each native call returns a new ArrayBuffer: that allocation per record
// cannot be avoided on Espruino (its AES has no output argument); nothing
// else is allocated after the first record.
import { Alert, ErrorCode, fail } from '../../core/errors.js';
import { ccmHeader, ccmHeaderSize } from '../../core/crypto/ccm-header.js';
import { constantTimeEqual } from '../../core/crypto/ct.js';
import { GcmState, type BlockCipher } from '../../core/crypto/gcm.js';
import type { Aead, AeadState } from '../../core/crypto/types.js';
import type { EspruinoCrypto } from './espruino.js';

function checkArgs(nonce: Uint8Array, buf: Uint8Array, off: number, len: number, tagLen: number): void {
  if (nonce.length !== 12 || !(off >= 0 && len >= 0 && len < 0x1000000 && off + len + tagLen <= buf.length)) {
    fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'AES nonce or buffer range');
  }
}

const ZERO_BLOCK = new Uint8Array(16);

/** AES-128 on the native module: the key, and scratch for counter blocks; also GCM's block cipher. */
class NativeAes implements BlockCipher {
  readonly key = new Uint8Array(16);
  private counters = new Uint8Array(64);
  private readonly block = new Uint8Array(16);

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

  /** BlockCipher: one block as big-endian words (GCM's hash key and tag mask). */
  encrypt(src: Uint32Array, dst: Uint32Array): void {
    const b = this.block;
    wordsToBytes(src, b);
    const e = this.ecb(b);
    for (let i = 0; i < 4; i++) dst[i] = ((e[4 * i] << 24) | (e[4 * i + 1] << 16) | (e[4 * i + 2] << 8) | e[4 * i + 3]) >>> 0;
  }

  /** BlockCipher: CTR with one native ECB call for the whole keystream. */
  ctr(counter: Uint32Array, buf: Uint8Array, off: number, len: number): void {
    if (len === 0) return;
    const count = (len + 15) >>> 4;
    wordsToBytes(counter, this.block);
    xorInto(buf, off, len, this.keystream(this.block, count), 0);
    counter[3] = (counter[3] + count) >>> 0;
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

function wordsToBytes(w: Uint32Array, b: Uint8Array): void {
  for (let i = 0; i < 4; i++) {
    b[4 * i] = w[i] >>> 24;
    b[4 * i + 1] = w[i] >>> 16;
    b[4 * i + 2] = w[i] >>> 8;
    b[4 * i + 3] = w[i];
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
    const size = ccmHeaderSize(aad.length);
    if (this.header.length < size) this.header = new Uint8Array(size);
    const h = this.header.subarray(0, size);
    ccmHeader(h, this.tagLen, nonce, aad, len);
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

/** AES-128-CCM (16-byte tag), AES-128-CCM_8 or AES-128-GCM on require("crypto"); a class, as NativeHash. */
export class NativeAead implements Aead {
  readonly keyLen = 16;

  constructor(private readonly crypto: EspruinoCrypto, readonly tagLen: 8 | 16, private readonly gcm: boolean) {}

  create(key: Uint8Array): AeadState {
    return this.gcm ? new GcmState(16, new NativeAes(this.crypto, key)) : new NativeCcm(this.crypto, this.tagLen, key);
  }
}
