// AES-GCM and AES-CCM on the SDK's native AES and GHASH (kcl, through
// ports/moddable/native-crypto.c), in place on the connection's buffer: the
// keystream, GHASH and CCM's CBC-MAC all run in C on the record's range of
// the buffer; JS only lays out counter and header blocks. Every buffer is
// made with the key, so sealing or opening a TLS record allocates nothing
// (an AAD other than a TLS 1.3 record header costs CCM one header block).
import { ccmHeader, ccmHeaderSize } from '../../../core/crypto/ccm-header.js';
import { constantTimeEqual } from '../../../core/crypto/ct.js';
import type { Aead, AeadState } from '../../../core/crypto/types.js';
import type { NativeSdk, Records } from './sdk.js';

/** The bytes of an AES key schedule (native-crypto.c AesSchedule: rounds, then up to 60 words). */
const AES_SCHEDULE = 244;

function checkArgs(nonce: Uint8Array, buf: Uint8Array, off: number, len: number, tagLen: number): void {
  // CCM's 3-byte length field bounds len; so does every TLS record.
  if (nonce.length !== 12 || !(off >= 0 && len >= 0 && len < 0x1000000 && off + len + tagLen <= buf.length)) {
    throw new RangeError('AES nonce or buffer range');
  }
}

/** An ArrayBuffer and a byte view of it (the C takes the one, JS writes through the other). */
class Block {
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  constructor(size: number) {
    this.buffer = new ArrayBuffer(size);
    this.bytes = new Uint8Array(this.buffer);
  }
}

/** An AES key schedule, remade in place at each rekeying. */
class AesKey {
  readonly schedule = new ArrayBuffer(AES_SCHEDULE);
  constructor(private readonly r: Records, private readonly keyLen: number, key: Uint8Array) {
    this.set(key);
  }

  set(key: Uint8Array): void {
    if (key.length !== this.keyLen) throw new RangeError('AES key length ' + key.length);
    this.r.aesKey(key, this.schedule);
  }
}

// --- GCM (NIST SP 800-38D), 12-byte nonces, 16-byte tags ---

class NativeGcm implements AeadState {
  private readonly key: AesKey;
  private readonly ghash: ArrayBuffer;
  /** H = E(K, 0^128). */
  private readonly h = new Block(16);
  /** J0 = nonce || 1, then E(K, J0). */
  private readonly ek0 = new Block(16);
  /** The payload's counter block, from nonce || 2 on. */
  private readonly counter = new Block(16);
  private readonly s = new Block(16);
  private readonly tag = new Uint8Array(16);

  constructor(private readonly r: Records, keyLen: number, key: Uint8Array) {
    this.key = new AesKey(r, keyLen, key);
    this.ghash = new ArrayBuffer(r.ghashSize());
    this.hashKey();
  }

  rekey(key: Uint8Array): void {
    this.key.set(key);
    this.hashKey();
  }

  private hashKey(): void {
    this.h.bytes.fill(0);
    this.r.aesBlock(this.key.schedule, this.h.buffer);
  }

  private start(nonce: Uint8Array, aad: Uint8Array): void {
    const j = this.ek0.bytes;
    j.set(nonce);
    j[12] = j[13] = j[14] = 0;
    j[15] = 1;
    this.counter.bytes.set(j);
    this.counter.bytes[15] = 2;
    this.r.aesBlock(this.key.schedule, this.ek0.buffer);
    this.r.ghashStart(this.ghash, this.h.buffer, aad);
  }

  /** GHASH of the AAD (absorbed in start) and the ciphertext, masked with E(K, J0), into this.tag. */
  private mac(buf: Uint8Array, off: number, len: number): void {
    this.r.ghashUpdate(this.ghash, buf, off, len);
    this.r.ghashFinish(this.ghash, this.s.buffer);
    const s = this.s.bytes;
    const e = this.ek0.bytes;
    for (let i = 0; i < 16; i++) this.tag[i] = s[i] ^ e[i];
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    checkArgs(nonce, buf, off, len, 16);
    this.start(nonce, aad);
    this.r.aesCtr(this.key.schedule, this.counter.buffer, buf, off, len);
    this.mac(buf, off, len);
    buf.set(this.tag, off + len);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean {
    checkArgs(nonce, buf, off, len, 16);
    this.start(nonce, aad);
    this.mac(buf, off, len);
    if (!constantTimeEqual(this.tag, buf, 0, off + len, 16)) return false;
    this.r.aesCtr(this.key.schedule, this.counter.buffer, buf, off, len);
    return true;
  }
}

// --- CCM (RFC 3610 with TLS 1.3's 12-byte nonce: L = 3), 16- or 8-byte tags ---

class NativeCcm implements AeadState {
  private readonly key: AesKey;
  /** A_0 = (L-1) || nonce || 0 encrypted: S_0. */
  private readonly s0 = new Block(16);
  /** The payload's counter block, from A_1 on. */
  private readonly counter = new Block(16);
  /** B_0 || l(a) || a, zero-padded to whole blocks: 32 bytes for a TLS record header. */
  private readonly header = new Uint8Array(32);
  /** The CBC-MAC state. */
  private readonly cbc = new Block(16);
  private readonly tag = new Uint8Array(16);

  constructor(private readonly r: Records, private readonly tagLen: number, key: Uint8Array) {
    this.key = new AesKey(r, 16, key);
  }

  rekey(key: Uint8Array): void {
    this.key.set(key);
  }

  private counters(nonce: Uint8Array): void {
    const a = this.s0.bytes;
    a.fill(0);
    a[0] = 2; // L - 1
    a.set(nonce, 1);
    this.counter.bytes.set(a);
    this.counter.bytes[15] = 1;
    this.r.aesBlock(this.key.schedule, this.s0.buffer);
  }

  /** CBC-MAC of B_0 || l(a) || a || m (RFC 3610 2.2), masked with S_0, into this.tag. */
  private mac(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    const size = ccmHeaderSize(aad.length);
    const h = size === 32 ? this.header : new Uint8Array(size);
    ccmHeader(h, this.tagLen, nonce, aad, len);
    const y = this.cbc.bytes;
    y.fill(0);
    this.r.cbcMac(this.key.schedule, this.cbc.buffer, h, 0, size);
    this.r.cbcMac(this.key.schedule, this.cbc.buffer, buf, off, len);
    const s = this.s0.bytes;
    for (let i = 0; i < 16; i++) this.tag[i] = y[i] ^ s[i];
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    checkArgs(nonce, buf, off, len, this.tagLen);
    this.counters(nonce);
    this.mac(nonce, aad, buf, off, len);
    this.r.aesCtr(this.key.schedule, this.counter.buffer, buf, off, len);
    for (let i = 0; i < this.tagLen; i++) buf[off + len + i] = this.tag[i];
  }

  /**
   * CCM authenticates the plaintext, so it is decrypted first; on a tag
   * mismatch the same keystream encrypts it again, so the caller never keeps
   * unauthenticated plaintext.
   */
  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean {
    checkArgs(nonce, buf, off, len, this.tagLen);
    this.counters(nonce);
    this.r.aesCtr(this.key.schedule, this.counter.buffer, buf, off, len);
    this.mac(nonce, aad, buf, off, len);
    if (constantTimeEqual(this.tag, buf, 0, off + len, this.tagLen)) return true;
    this.counters(nonce);
    this.r.aesCtr(this.key.schedule, this.counter.buffer, buf, off, len);
    return false;
  }
}

/** AES-128/256-GCM and AES-128-CCM / CCM_8 on the SDK's AES and GHASH. */
export function nativeAeads(sdk: NativeSdk): { aes128gcm: Aead; aes256gcm: Aead; aes128ccm: Aead; aes128ccm8: Aead } {
  const r = sdk.records;
  return {
    aes128gcm: { keyLen: 16, tagLen: 16, create: (key) => new NativeGcm(r, 16, key) },
    aes256gcm: { keyLen: 32, tagLen: 16, create: (key) => new NativeGcm(r, 32, key) },
    aes128ccm: { keyLen: 16, tagLen: 16, create: (key) => new NativeCcm(r, 16, key) },
    aes128ccm8: { keyLen: 16, tagLen: 8, create: (key) => new NativeCcm(r, 8, key) },
  };
}
