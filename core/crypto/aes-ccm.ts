// AES-128-CCM (RFC 3610, NIST SP 800-38C) with TLS 1.3's parameters
// (RFC 8446 5.3, RFC 6655): 12-byte nonce, so a 3-byte length/counter field
// (L = 3), and 16- or 8-byte tags. In place, on the shared AES block function.
import { Alert, ErrorCode, fail } from '../errors.js';
import { xorBlockBE32 } from '../bytes/be32.js';
import { Aes } from './aes.js';
import { constantTimeEqual } from './ct.js';
import type { Aead, AeadState } from './types.js';

const L = 3;

class CcmState implements AeadState {
  private readonly aes: Aes;
  /** CBC-MAC chaining value Y, and how many bytes of the current block are in. */
  private readonly y = new Uint32Array(4);
  private pos = 0;
  private readonly counter = new Uint32Array(4);
  /** AAD length prefix, then the computed tag. */
  private readonly block = new Uint8Array(16);

  constructor(private readonly tagLen: number, key: Uint8Array) {
    checkKey(key);
    this.aes = new Aes(key);
  }

  rekey(key: Uint8Array): void {
    checkKey(key);
    this.aes.setKey(key);
  }

  /** Counter block A_i = (L-1) || nonce || i, here with i = 1 for the payload. */
  private setCounter(nonce: Uint8Array, i: number): void {
    const c = this.counter;
    c[0] = ((L - 1) << 24) | (nonce[0] << 16) | (nonce[1] << 8) | nonce[2];
    c[1] = (nonce[3] << 24) | (nonce[4] << 16) | (nonce[5] << 8) | nonce[6];
    c[2] = (nonce[7] << 24) | (nonce[8] << 16) | (nonce[9] << 8) | nonce[10];
    c[3] = (nonce[11] << 24) | i;
  }

  /** Feeds bytes into the CBC-MAC; whole aligned blocks go a word at a time. */
  private absorb(data: Uint8Array, off: number, len: number): void {
    const y = this.y;
    let pos = this.pos;
    for (let p = off, end = off + len; p < end;) {
      if (pos === 0 && end - p >= 16) {
        xorBlockBE32(y, data, p);
        p += 16;
        this.aes.encrypt(y, y);
        continue;
      }
      y[pos >>> 2] ^= data[p++] << (24 - ((pos & 3) << 3));
      if (++pos === 16) {
        this.aes.encrypt(y, y);
        pos = 0;
      }
    }
    this.pos = pos;
  }

  /** Ends the current block with zero padding. */
  private padBlock(): void {
    if (this.pos) this.aes.encrypt(this.y, this.y);
    this.pos = 0;
  }

  /** CBC-MAC of B0 || encoded AAD || plaintext (RFC 3610 2.2), masked with S_0, into this.block. */
  private mac(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    const y = this.y;
    const b = this.block;
    // B0 = flags || nonce || l(m), flags = Adata << 6 | (M-2)/2 << 3 | (L-1).
    this.setCounter(nonce, len);
    y.set(this.counter);
    y[0] |= ((aad.length > 0 ? 0x40 : 0) | (((this.tagLen - 2) >>> 1) << 3)) << 24;
    this.aes.encrypt(y, y);
    this.pos = 0;
    if (aad.length > 0) {
      // l(a): two bytes below 2^16 - 2^8, else 0xfffe and four bytes.
      const a = aad.length;
      let n = 0;
      if (a >= 0xff00) {
        b[n++] = 0xff;
        b[n++] = 0xfe;
        b[n++] = a >>> 24;
        b[n++] = a >>> 16;
      }
      b[n++] = a >>> 8;
      b[n++] = a;
      this.absorb(b, 0, n);
      this.absorb(aad, 0, a);
      this.padBlock();
    }
    this.absorb(buf, off, len);
    this.padBlock();
    // T xor S_0, S_0 = E(A_0).
    this.setCounter(nonce, 0);
    const c = this.counter;
    this.aes.encrypt(c, c);
    for (let i = 0; i < 16; i++) b[i] = (y[i >>> 2] ^ c[i >>> 2]) >>> (24 - ((i & 3) << 3));
    y.fill(0);
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    this.checkArgs(nonce, buf, off, len);
    this.mac(nonce, aad, buf, off, len);
    this.setCounter(nonce, 1);
    this.aes.ctr(this.counter, buf, off, len);
    for (let i = 0; i < this.tagLen; i++) buf[off + len + i] = this.block[i];
  }

  /**
   * CCM authenticates the plaintext, so the tag can only be checked after
   * decryption: decrypt in place, compare in constant time, and on mismatch
   * encrypt again so the caller gets its ciphertext back and never sees
   * unauthenticated plaintext (one extra CTR pass only on failure).
   */
  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, off: number, len: number): boolean {
    this.checkArgs(nonce, buf, off, len);
    this.setCounter(nonce, 1);
    this.aes.ctr(this.counter, buf, off, len);
    this.mac(nonce, aad, buf, off, len);
    if (constantTimeEqual(this.block, buf, 0, off + len, this.tagLen)) return true;
    this.setCounter(nonce, 1);
    this.aes.ctr(this.counter, buf, off, len);
    return false;
  }

  private checkArgs(nonce: Uint8Array, buf: Uint8Array, off: number, len: number): void {
    // l(m) must fit the 3-byte length field.
    if (nonce.length !== 12 || !(off >= 0 && len >= 0 && len < 0x1000000 && off + len + this.tagLen <= buf.length)) {
      fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'AES-CCM nonce or buffer range');
    }
  }
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 16) fail(ErrorCode.BAD_KEY, Alert.internal_error, 'AES-CCM key length');
}

export const aes128ccm: Aead = { keyLen: 16, tagLen: 16, create: (key) => new CcmState(16, key) };
export const aes128ccm8: Aead = { keyLen: 16, tagLen: 8, create: (key) => new CcmState(8, key) };
