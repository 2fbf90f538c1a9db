// AES-GCM and AES-CCM on crypt's native AES, in place on the connection's
// buffer: the keystream (Mode "CTR"), GHASH and CCM's CBC-MAC (Mode "CBC")
// all run in C; JS only lays out counter and header blocks. The SDK's
// calls take whole buffers, so each record costs a view of its payload
// (subarray; CCM one more per 256 bytes of CBC-MAC input) and, for GCM, the
// 16-byte ArrayBuffer GHASH's close() returns with a view of it; nothing
// else is allocated after the key is set.
import { ccmHeader, ccmHeaderSize } from '../../../core/crypto/ccm-header.js';
import { constantTimeEqual } from '../../../core/crypto/ct.js';
import type { Aead, AeadState } from '../../../core/crypto/types.js';
import type { BlockCipher, Ghash, Mode, NativeSdk } from './sdk.js';

const TLS_AAD = 5;

function checkArgs(nonce: Uint8Array, buf: Uint8Array, off: number, len: number, tagLen: number): void {
  // CCM's 3-byte length field bounds len; so does every TLS record.
  if (nonce.length !== 12 || !(off >= 0 && len >= 0 && len < 0x1000000 && off + len + tagLen <= buf.length)) {
    throw new RangeError('AES nonce or buffer range');
  }
}

/** An ArrayBuffer and a byte view of it (the SDK takes the one, JS writes through the other). */
class Block {
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  constructor(size: number) {
    this.buffer = new ArrayBuffer(size);
    this.bytes = new Uint8Array(this.buffer);
  }
}

function keyed(sdk: NativeSdk, keyLen: number, key: Uint8Array): BlockCipher {
  if (key.length !== keyLen) throw new RangeError('AES key length ' + key.length);
  const k = key.slice();
  const cipher = new sdk.BlockCipher('AES', k.buffer);
  k.fill(0);
  return cipher;
}

/** A keyed AES with its CTR mode; rekeying makes new native objects (once per traffic key). */
class NativeAes {
  cipher: BlockCipher;
  ctr: Mode;
  constructor(private readonly sdk: NativeSdk, private readonly keyLen: number, key: Uint8Array) {
    this.cipher = keyed(sdk, keyLen, key);
    this.ctr = new sdk.Mode('CTR', this.cipher);
  }

  setKey(key: Uint8Array): BlockCipher {
    this.cipher = keyed(this.sdk, this.keyLen, key);
    this.ctr = new this.sdk.Mode('CTR', this.cipher);
    return this.cipher;
  }

  /** data ^= the keystream from counter block `iv` on. */
  xor(iv: ArrayBuffer, data: Uint8Array): void {
    if (data.length === 0) return;
    this.ctr.setIV(iv);
    this.ctr.decrypt(data, data);
  }
}

// --- GCM (NIST SP 800-38D), 12-byte nonces, 16-byte tags ---

class NativeGcm implements AeadState {
  private readonly aes: NativeAes;
  private readonly ghash: Ghash;
  private readonly zero = new ArrayBuffer(16);
  private readonly h = new Block(16);
  /** J0 = nonce || 1, then E(K, J0). */
  private readonly j0 = new Block(16);
  private readonly ek0 = new Block(16);
  /** The first payload counter block, nonce || 2. */
  private readonly j1 = new Block(16);
  private readonly aad = new Block(TLS_AAD);
  private readonly tag = new Uint8Array(16);

  constructor(sdk: NativeSdk, keyLen: number, key: Uint8Array) {
    this.aes = new NativeAes(sdk, keyLen, key);
    this.aes.cipher.encrypt(this.zero, this.h.buffer);
    this.ghash = new sdk.GHASH(this.h.buffer);
  }

  rekey(key: Uint8Array): void {
    this.aes.setKey(key).encrypt(this.zero, this.h.buffer);
  }

  private start(nonce: Uint8Array, aad: Uint8Array): void {
    const j = this.j0.bytes;
    j.set(nonce);
    j[12] = j[13] = j[14] = 0;
    j[15] = 1;
    this.aes.cipher.encrypt(this.j0.buffer, this.ek0.buffer);
    this.j1.bytes.set(j);
    this.j1.bytes[15] = 2;
    let a = this.aad;
    if (aad.length !== TLS_AAD) a = new Block(aad.length); // not a TLS 1.3 record header
    a.bytes.set(aad);
    this.ghash._init(this.h.buffer, a.buffer);
  }

  /** GHASH of the AAD (absorbed in start) and the ciphertext, masked with E(K, J0), into this.tag. */
  private mac(ciphertext: Uint8Array): void {
    if (ciphertext.length > 0) this.ghash.write(ciphertext);
    const s = new Uint8Array(this.ghash.close());
    const e = this.ek0.bytes;
    for (let i = 0; i < 16; i++) this.tag[i] = s[i] ^ e[i];
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    checkArgs(nonce, buf, off, len, 16);
    const data = buf.subarray(off, off + len);
    this.start(nonce, aad);
    this.aes.xor(this.j1.buffer, data);
    this.mac(data);
    buf.set(this.tag, off + len);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean {
    checkArgs(nonce, buf, off, len, 16);
    const data = buf.subarray(off, off + len);
    this.start(nonce, aad);
    this.mac(data);
    if (!constantTimeEqual(this.tag, buf, 0, off + len, 16)) return false;
    this.aes.xor(this.j1.buffer, data);
    return true;
  }
}

// --- CCM (RFC 3610 with TLS 1.3's 12-byte nonce: L = 3), 16- or 8-byte tags ---

/** CBC-MAC input is fed through this much scratch output per native call. */
const CHUNK = 256;

class NativeCcm implements AeadState {
  private readonly aes: NativeAes;
  private cbc: Mode;
  private readonly zero = new ArrayBuffer(16);
  /** A_0 = (L-1) || nonce || 0, then S_0 = E(K, A_0); A_1 starts the payload keystream. */
  private readonly a0 = new Block(16);
  private readonly s0 = new Block(16);
  private readonly a1 = new Block(16);
  /** B_0 || l(a) || a, zero-padded to whole blocks: 32 bytes for a TLS record header. */
  private readonly header = new Uint8Array(32);
  private readonly tail = new Uint8Array(16);
  /** CBC output; the CBC-MAC is the last block written. */
  private readonly out = new Block(CHUNK);
  private readonly tag = new Uint8Array(16);

  constructor(private readonly sdk: NativeSdk, private readonly tagLen: number, key: Uint8Array) {
    this.aes = new NativeAes(sdk, 16, key);
    this.cbc = new sdk.Mode('CBC', this.aes.cipher, this.zero);
  }

  rekey(key: Uint8Array): void {
    this.cbc = new this.sdk.Mode('CBC', this.aes.setKey(key), this.zero);
  }

  private counters(nonce: Uint8Array): void {
    const a = this.a0.bytes;
    a.fill(0);
    a[0] = 2; // L - 1
    a.set(nonce, 1);
    this.aes.cipher.encrypt(this.a0.buffer, this.s0.buffer);
    this.a1.bytes.set(a);
    this.a1.bytes[15] = 1;
  }

  /** CBC-MAC of B_0 || l(a) || a || m (RFC 3610 2.2), masked with S_0, into this.tag. */
  private mac(nonce: Uint8Array, aad: Uint8Array, data: Uint8Array): void {
    const len = data.length;
    const size = ccmHeaderSize(aad.length);
    const h = size === 32 ? this.header : new Uint8Array(size);
    ccmHeader(h, this.tagLen, nonce, aad, len);
    this.cbc.setIV(this.zero);
    let last = this.cbcLast(h);
    const whole = len & ~15;
    if (whole > 0) last = this.cbcLast(whole === len ? data : data.subarray(0, whole));
    if (whole < len) {
      const t = this.tail;
      t.fill(0);
      for (let i = whole; i < len; i++) t[i - whole] = data[i];
      last = this.cbcLast(t);
    }
    const y = this.out.bytes;
    const s = this.s0.bytes;
    for (let i = 0; i < 16; i++) this.tag[i] = y[last + i] ^ s[i];
  }

  /** CBC-encrypts whole blocks, CHUNK bytes per call (the chaining value stays in the mode); returns where the last block is in this.out. */
  private cbcLast(data: Uint8Array): number {
    let n = data.length;
    for (let p = 0; p < data.length; p += CHUNK) {
      n = Math.min(CHUNK, data.length - p);
      this.cbc.encrypt(n === data.length ? data : data.subarray(p, p + n), this.out.buffer);
    }
    return n - 16;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    checkArgs(nonce, buf, off, len, this.tagLen);
    const data = buf.subarray(off, off + len);
    this.counters(nonce);
    this.mac(nonce, aad, data);
    this.aes.xor(this.a1.buffer, data);
    for (let i = 0; i < this.tagLen; i++) buf[off + len + i] = this.tag[i];
  }

  /**
   * CCM authenticates the plaintext, so it is decrypted first; on a tag
   * mismatch the same keystream encrypts it again, so the caller never keeps
   * unauthenticated plaintext.
   */
  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean {
    checkArgs(nonce, buf, off, len, this.tagLen);
    const data = buf.subarray(off, off + len);
    this.counters(nonce);
    this.aes.xor(this.a1.buffer, data);
    this.mac(nonce, aad, data);
    if (constantTimeEqual(this.tag, buf, 0, off + len, this.tagLen)) return true;
    this.aes.xor(this.a1.buffer, data);
    return false;
  }
}

/** AES-128/256-GCM and AES-128-CCM / CCM_8 on the SDK's AES. */
export function nativeAeads(sdk: NativeSdk): { aes128gcm: Aead; aes256gcm: Aead; aes128ccm: Aead; aes128ccm8: Aead } {
  return {
    aes128gcm: { keyLen: 16, tagLen: 16, create: (key) => new NativeGcm(sdk, 16, key) },
    aes256gcm: { keyLen: 32, tagLen: 16, create: (key) => new NativeGcm(sdk, 32, key) },
    aes128ccm: { keyLen: 16, tagLen: 16, create: (key) => new NativeCcm(sdk, 16, key) },
    aes128ccm8: { keyLen: 16, tagLen: 8, create: (key) => new NativeCcm(sdk, 8, key) },
  };
}
