// Record protection for one direction (RFC 8446 sections 5.2-5.4): AEAD over
// TLSInnerPlaintext in place, the per-record nonce from the sequence number,
// zero padding. seal() and open() allocate nothing: the nonce and the AAD are
// fixed buffers of the instance. TLS 1.2's record protection extends this
// class (tls12-protection.ts), so a TLS 1.3-only build carries none of it.
import { Alert, ErrorCode, fail } from '../errors.js';
import { ContentType } from '../registry.js';
import type { Aead, AeadState } from '../crypto/types.js';

/** Largest TLSInnerPlaintext: 2^14 bytes of content plus the content type. */
export const MAX_INNER_PLAINTEXT = 16384 + 1;
/** Largest TLSCiphertext fragment (RFC 8446 5.2). */
export const MAX_CIPHERTEXT_FRAGMENT = 16384 + 256;

const HEADER = 5;
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
  protected seq = 0;
  protected readonly iv = new Uint8Array(12);
  private readonly nonce = new Uint8Array(12);
  private readonly aad = new Uint8Array(HEADER);

  /** Records sealed or opened under the current key (the sequence number). */
  get records(): number {
    return this.seq;
  }

  /** Bytes the AEAD adds after the inner plaintext; 0 before the first key. */
  get tagLen(): number {
    return this.tag;
  }

  /** Bytes between the record header and the plaintext (TLS 1.2's explicit nonce). */
  get prefix(): number {
    return 0;
  }

  /** Whether every record type is protected under its own type (TLS 1.2), not only application_data. */
  get tls12(): boolean {
    return false;
  }

  /** Bytes a protected record adds to its plaintext besides the header: the content type and the tag. */
  get overhead(): number {
    return 1 + this.tag;
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
  }

  /**
   * Protects the plaintext at buf[recOff+5, recOff+5+plainLen): appends the
   * content type and padLen zeros, encrypts in place, writes the record header
   * at recOff. Returns the whole record length.
   */
  seal(buf: Uint8Array, recOff: number, contentType: number, plainLen: number, padLen: number): number {
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
   * Authenticates and decrypts the record whose header is at recOff and whose
   * fragment (fragmentLen bytes) follows it, in place. Returns the inner
   * content type; the content is at recOff + 5 + prefix, lastLength bytes long.
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
    const state = this.opening(buf, recOff, fragmentLen);
    const tagLen = this.tag;
    const off = recOff + HEADER;
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

  /** The AEAD state for opening the record at recOff, after checking it lies in the buffer and within the size limit. */
  protected opening(buf: Uint8Array, recOff: number, fragmentLen: number): AeadState {
    const state = this.keyed();
    if (recOff < 0 || fragmentLen < 0 || recOff + HEADER + fragmentLen > buf.length) {
      fail(ErrorCode.INTERNAL, Alert.internal_error, 'open: record outside the buffer');
    }
    if (fragmentLen > MAX_CIPHERTEXT_FRAGMENT) {
      fail(ErrorCode.RECORD_OVERFLOW, Alert.record_overflow, 'ciphertext over 2^14 + 256 bytes');
    }
    return state;
  }

  protected keyed(): AeadState {
    if (!this.state) fail(ErrorCode.BAD_STATE, Alert.internal_error, 'record protection has no key');
    if (this.seq >= MAX_SEQ) fail(ErrorCode.SEQUENCE_OVERFLOW, Alert.internal_error);
    return this.state;
  }

  /** The current record's nonce: iv XOR the 64-bit big-endian sequence number (RFC 8446 5.3). */
  protected recordNonce(): Uint8Array {
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
