// Record protection for one direction: AEAD in place, the per-record nonce
// from the sequence number. TLS 1.3 (RFC 8446 sections 5.2-5.4) seals a
// TLSInnerPlaintext (content type and zero padding inside) under the outer
// type application_data; TLS 1.2 (RFC 5246 6.2.3.3) seals the plaintext
// under its own type, the additional data being
// seq_num || type || version || length, with an 8-byte explicit nonce before
// the ciphertext for AES-GCM and AES-CCM (RFC 5288 3, RFC 6655 3: the salt from
// the key block, then the explicit part, which we set to the sequence number)
// and none for ChaCha20-Poly1305 (RFC 7905 2: iv XOR seq, as in TLS 1.3).
// seal() and open() allocate nothing: the nonce and the AAD are fixed
// buffers of the instance.
import { Alert, ErrorCode, fail } from '../errors.js';
import { ContentType } from '../registry.js';
import type { Aead, AeadState } from '../crypto/types.js';

/** Largest TLSInnerPlaintext: 2^14 bytes of content plus the content type. */
export const MAX_INNER_PLAINTEXT = 16384 + 1;
/** Largest TLSCiphertext fragment (RFC 8446 5.2). */
export const MAX_CIPHERTEXT_FRAGMENT = 16384 + 256;

const HEADER = 5;
/** TLS 1.2 AEAD additional data: seq_num(8) type(1) version(2) length(2). */
const AAD12 = 13;
/** TLS 1.2 explicit nonce of AES-GCM and AES-CCM (RFC 5288 3, RFC 6655 3). */
const EXPLICIT_NONCE = 8;
const ZERO_IV = new Uint8Array(12);
const TWO_32 = 4294967296;
// Sequence numbers are kept as one Number, exact below 2^53; refusing to go
// past it is stricter than the 2^64 limit and unreachable in practice.
const MAX_SEQ = 9007199254740991;

export class RecordProtection {
  /** Plaintext length of the last record open() returned; it starts at recOff + 5. */
  lastLength = 0;
  private aead: Aead | null = null;
  private state: AeadState | null = null;
  private tag = 0;
  private seq = 0;
  private readonly iv = new Uint8Array(12);
  private readonly nonce = new Uint8Array(12);
  private readonly aad = new Uint8Array(HEADER);
  /** TLS 1.2 record protection (setKeys12); null under TLS 1.3. Its AAD buffer is made then. */
  private aad12: Uint8Array | null = null;
  private explicit = 0;

  /** Records sealed or opened under the current key (the sequence number). */
  get records(): number {
    return this.seq;
  }

  /** Bytes the AEAD adds after the inner plaintext; 0 before the first key. */
  get tagLen(): number {
    return this.tag;
  }

  /** Bytes between the record header and the plaintext: the TLS 1.2 explicit nonce, else 0. */
  get prefix(): number {
    return this.explicit;
  }

  /** Whether this is TLS 1.2 protection (setKeys12). */
  get tls12(): boolean {
    return this.aad12 !== null;
  }

  /** Bytes a protected record adds to its plaintext besides the header. */
  get overhead(): number {
    return this.aad12 ? this.explicit + this.tag : 1 + this.tag;
  }

  /**
   * Installs a traffic key and IV (12 bytes). The AEAD state is created on
   * first use and rekeyed in place afterwards; the sequence number restarts at 0.
   */
  setKeys(aead: Aead, key: Uint8Array, iv: Uint8Array): void {
    if (key.length !== aead.keyLen || iv.length !== this.iv.length) {
      fail(ErrorCode.INTERNAL, Alert.internal_error, 'record protection: bad key or IV length');
    }
    if (this.state && this.aead === aead) this.state.rekey(key);
    else this.state = aead.create(key);
    this.aead = aead;
    this.tag = aead.tagLen;
    this.iv.set(iv);
    this.seq = 0;
    this.aad12 = null;
    this.explicit = 0;
  }

  /**
   * TLS 1.2: installs a write key and the fixed IV from the key block. A
   * 4-byte IV is the salt of AES-GCM or AES-CCM: the nonce is salt ||
   * explicit nonce, which we send as the sequence number, so sealing uses
   * iv = salt || 0^8 XOR seq. A 12-byte IV is ChaCha20-Poly1305's.
   */
  setKeys12(aead: Aead, key: Uint8Array, fixedIv: Uint8Array): void {
    const salt = fixedIv.length === 4;
    this.setKeys(aead, key, salt ? ZERO_IV : fixedIv);
    if (salt) this.iv.set(fixedIv);
    this.aad12 = new Uint8Array(AAD12);
    this.explicit = salt ? EXPLICIT_NONCE : 0;
  }

  /**
   * Protects the plaintext at buf[recOff+5, recOff+5+plainLen): appends the
   * content type and padLen zeros, encrypts in place, writes the record header
   * at recOff. Returns the whole record length.
   */
  seal(buf: Uint8Array, recOff: number, contentType: number, plainLen: number, padLen: number): number {
    if (this.aad12) return this.seal12(buf, recOff, contentType, plainLen);
    const state = this.keyed();
    const off = recOff + HEADER;
    const innerLen = plainLen + 1 + padLen;
    if (!(plainLen >= 0 && padLen >= 0)) fail(ErrorCode.INTERNAL, Alert.internal_error, 'seal: negative length');
    if (innerLen > MAX_INNER_PLAINTEXT) {
      fail(ErrorCode.RECORD_OVERFLOW, Alert.internal_error, 'seal: inner plaintext over 2^14 + 1 bytes');
    }
    const fragLen = innerLen + this.tag;
    if (recOff < 0 || off + fragLen > buf.length) {
      fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'seal: record does not fit the buffer');
    }
    buf[off + plainLen] = contentType;
    buf.fill(0, off + plainLen + 1, off + innerLen);
    const aad = this.aad;
    aad[0] = ContentType.application_data;
    aad[1] = 3;
    aad[2] = 3;
    aad[3] = fragLen >>> 8;
    aad[4] = fragLen & 0xff;
    buf.set(aad, recOff);
    state.seal(this.recordNonce(), aad, buf, off, innerLen);
    this.seq++;
    return HEADER + fragLen;
  }

  /**
   * TLS 1.2: protects the plaintext at buf[recOff+5+prefix, +plainLen) under
   * its own content type, writes the explicit nonce and the record header.
   */
  private seal12(buf: Uint8Array, recOff: number, contentType: number, plainLen: number): number {
    const state = this.keyed();
    const off = recOff + HEADER + this.explicit;
    if (!(plainLen >= 0 && plainLen <= 16384)) fail(ErrorCode.RECORD_OVERFLOW, Alert.internal_error, 'seal: plaintext over 2^14 bytes');
    const fragLen = this.explicit + plainLen + this.tag;
    if (recOff < 0 || recOff + HEADER + fragLen > buf.length) {
      fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'seal: record does not fit the buffer');
    }
    const nonce = this.recordNonce();
    // The explicit nonce is the sequence number: nonce[4, 12) under the zero-extended salt.
    for (let i = 0; i < this.explicit; i++) buf[recOff + HEADER + i] = nonce[4 + i];
    buf[recOff] = contentType;
    buf[recOff + 1] = 3;
    buf[recOff + 2] = 3;
    buf[recOff + 3] = fragLen >>> 8;
    buf[recOff + 4] = fragLen & 0xff;
    state.seal(nonce, this.additionalData12(contentType, plainLen), buf, off, plainLen);
    this.seq++;
    return HEADER + fragLen;
  }

  /** seq_num || TLSCompressed.type || version || length (RFC 5246 6.2.3.3). */
  private additionalData12(contentType: number, plainLen: number): Uint8Array {
    const a = this.aad12 as Uint8Array;
    const hi = Math.floor(this.seq / TWO_32);
    const lo = this.seq - hi * TWO_32;
    a[0] = hi >>> 24;
    a[1] = (hi >>> 16) & 0xff;
    a[2] = (hi >>> 8) & 0xff;
    a[3] = hi & 0xff;
    a[4] = lo >>> 24;
    a[5] = (lo >>> 16) & 0xff;
    a[6] = (lo >>> 8) & 0xff;
    a[7] = lo & 0xff;
    a[8] = contentType;
    a[9] = 3;
    a[10] = 3;
    a[11] = plainLen >>> 8;
    a[12] = plainLen & 0xff;
    return a;
  }

  /**
   * Authenticates and decrypts the record whose header is at recOff and whose
   * fragment (fragmentLen bytes) follows it, in place. Returns the inner
   * content type (TLS 1.2: the record's type); the content is at
   * recOff + 5 + prefix, lastLength bytes long.
   */
  open(buf: Uint8Array, recOff: number, fragmentLen: number): number {
    const type = this.tryOpen(buf, recOff, fragmentLen);
    if (type < 0) fail(ErrorCode.BAD_RECORD_MAC, Alert.bad_record_mac);
    return type;
  }

  /**
   * Like open(), but a record that does not authenticate returns -1 and
   * leaves the buffer and the sequence number as they were: a server skipping
   * rejected 0-RTT data tries each record this way (RFC 8446 4.2.10).
   */
  tryOpen(buf: Uint8Array, recOff: number, fragmentLen: number): number {
    const state = this.keyed();
    const tagLen = this.tag;
    const off = recOff + HEADER;
    if (recOff < 0 || fragmentLen < 0 || off + fragmentLen > buf.length) {
      fail(ErrorCode.INTERNAL, Alert.internal_error, 'open: record outside the buffer');
    }
    if (fragmentLen > MAX_CIPHERTEXT_FRAGMENT) {
      fail(ErrorCode.RECORD_OVERFLOW, Alert.record_overflow, 'ciphertext over 2^14 + 256 bytes');
    }
    if (this.aad12) return this.open12(state, buf, recOff, fragmentLen);
    // Shorter than tag + content type: it cannot be an authentic record.
    if (fragmentLen < tagLen + 1) {
      fail(ErrorCode.BAD_RECORD_MAC, Alert.bad_record_mac, 'ciphertext shorter than the tag');
    }
    // The AAD is the header as received (RFC 8446 5.2).
    const aad = this.aad;
    aad[0] = buf[recOff];
    aad[1] = buf[recOff + 1];
    aad[2] = buf[recOff + 2];
    aad[3] = fragmentLen >>> 8;
    aad[4] = fragmentLen & 0xff;
    const innerLen = fragmentLen - tagLen;
    if (!state.open(this.recordNonce(), aad, buf, off, innerLen)) return -1;
    this.seq++;
    if (innerLen > MAX_INNER_PLAINTEXT) {
      fail(ErrorCode.RECORD_OVERFLOW, Alert.record_overflow, 'inner plaintext over 2^14 + 1 bytes');
    }
    // The content type is the last non-zero byte; everything after it is padding.
    let i = off + innerLen - 1;
    while (i >= off && buf[i] === 0) i--;
    if (i < off) fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, 'record has no content type');
    this.lastLength = i - off;
    return buf[i];
  }

  /** TLS 1.2: the nonce from the salt and the received explicit part (or iv XOR seq), the AAD from the header. */
  private open12(state: AeadState, buf: Uint8Array, recOff: number, fragmentLen: number): number {
    const explicit = this.explicit;
    const off = recOff + HEADER;
    const plainLen = fragmentLen - explicit - this.tag;
    if (plainLen < 0) fail(ErrorCode.BAD_RECORD_MAC, Alert.bad_record_mac, 'ciphertext shorter than the nonce and tag');
    const nonce = this.recordNonce();
    for (let i = 0; i < explicit; i++) nonce[4 + i] = buf[off + i];
    const type = buf[recOff];
    if (!state.open(nonce, this.additionalData12(type, plainLen), buf, off + explicit, plainLen)) return -1;
    this.seq++;
    this.lastLength = plainLen;
    return type;
  }

  private keyed(): AeadState {
    if (!this.state) fail(ErrorCode.BAD_STATE, Alert.internal_error, 'record protection has no key');
    if (this.seq >= MAX_SEQ) fail(ErrorCode.SEQUENCE_OVERFLOW, Alert.internal_error);
    return this.state;
  }

  /** The current record's nonce: iv XOR the 64-bit big-endian sequence number (RFC 8446 5.3). */
  private recordNonce(): Uint8Array {
    const iv = this.iv;
    const n = this.nonce;
    const hi = Math.floor(this.seq / TWO_32);
    const lo = this.seq - hi * TWO_32; // exact in a double; no 32-bit coercion of a larger number

    for (let i = 0; i < 4; i++) n[i] = iv[i];
    n[4] = iv[4] ^ (hi >>> 24);
    n[5] = iv[5] ^ ((hi >>> 16) & 0xff);
    n[6] = iv[6] ^ ((hi >>> 8) & 0xff);
    n[7] = iv[7] ^ (hi & 0xff);
    n[8] = iv[8] ^ (lo >>> 24);
    n[9] = iv[9] ^ ((lo >>> 16) & 0xff);
    n[10] = iv[10] ^ ((lo >>> 8) & 0xff);
    n[11] = iv[11] ^ (lo & 0xff);
    return n;
  }
}
