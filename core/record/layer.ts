// The record layer (RFC 8446 section 5): framing, protection and the two
// fixed buffers of a connection. Received bytes land in `inBuf` and are
// decrypted in place; outgoing records are built in place in `outBuf`. Nothing
// here allocates after construction.
import type { Aead } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { ContentType } from '../registry.js';
import { MAX_CIPHERTEXT_FRAGMENT, RecordProtection } from './protection.js';
import { RangeCopier, moveToFront, moveUp } from '../bytes/copy.js';

export const HEADER = 5;
/** Largest plaintext fragment (RFC 8446 5.1). */
export const MAX_PLAINTEXT = 16384;

export class RecordLayer {
  private inStart = 0;
  private inEnd = 0;
  private outStart = 0;
  private outEnd = 0;
  readonly read = new RecordProtection();
  readonly write = new RecordProtection();
  readEncrypted = false;
  writeEncrypted = false;
  /** Largest plaintext we put in one record (max_fragment_length / record_size_limit lower it). */
  maxFragment = MAX_PLAINTEXT;
  /** Largest plaintext a received record may carry (our own max_fragment_length / record_size_limit). */
  maxReceive = MAX_PLAINTEXT;
  /**
   * Server that rejected 0-RTT: bytes of the client's early data still to
   * discard, as records we cannot decrypt (or, after a HelloRetryRequest,
   * application data before any key) (RFC 8446 4.2.10).
   */
  skipEarly = 0;

  // The record most recently returned by nextRecord(): its content type and where its payload is.
  contentType = 0;
  payloadOff = 0;
  payloadLen = 0;

  private readonly copyIn = new RangeCopier();
  private readonly copyOut = new RangeCopier();

  constructor(
    readonly inBuf: Uint8Array,
    readonly outBuf: Uint8Array,
  ) {}

  // --- inbound ---

  /** Free space for received bytes, after moving a partial record to the front if that helps. */
  inSpace(): number {
    if (this.inStart === this.inEnd) this.inStart = this.inEnd = 0;
    else if (this.inStart > 0 && this.inEnd === this.inBuf.length) {
      moveToFront(this.inBuf, this.inStart, this.inEnd);
      this.inEnd -= this.inStart;
      this.inStart = 0;
    }
    return this.inBuf.length - this.inEnd;
  }

  /** Where received bytes go: inBuf[inWriteOffset, inWriteOffset + inSpace()). Call inSpace() first. */
  get inWriteOffset(): number {
    return this.inEnd;
  }

  /** Records that n bytes were written at inWriteOffset. */
  received(n: number): void {
    this.inEnd += n;
  }

  /** Bytes received but not yet taken as records. */
  get buffered(): number {
    return this.inEnd - this.inStart;
  }

  /**
   * Takes the next complete record, checks it and removes its protection in
   * place. Returns false when no complete record is buffered. On success
   * `contentType`, `payloadOff` and `payloadLen` describe the plaintext; it
   * stays valid until the next call to inSpace().
   */
  nextRecord(): boolean {
    const buf = this.inBuf;
    const off = this.inStart;
    if (this.inEnd - off < HEADER) return false;
    const type = buf[off];
    const len = (buf[off + 3] << 8) | buf[off + 4];
    if (buf[off + 1] !== 3) fail(ErrorCode.RECORD_VERSION, Alert.protocol_version, 'not a TLS record');
    if (type < ContentType.change_cipher_spec || type > ContentType.application_data) {
      fail(ErrorCode.BAD_RECORD_TYPE, Alert.unexpected_message, 'content type ' + type);
    }
    const protectedRecord = this.readEncrypted && type === ContentType.application_data;
    const limit = protectedRecord ? this.maxReceive + 256 : this.maxReceive;
    if (len > (limit < MAX_CIPHERTEXT_FRAGMENT ? limit : MAX_CIPHERTEXT_FRAGMENT)) {
      fail(ErrorCode.RECORD_OVERFLOW, Alert.record_overflow, 'record of ' + len + ' bytes');
    }
    if (this.inEnd - off < HEADER + len) {
      // A full record must fit: the buffer holds one maximum record, so this only waits for bytes.
      return false;
    }
    this.inStart = off + HEADER + len;
    if (this.skipEarly > 0 && type === ContentType.application_data) {
      // Rejected 0-RTT data: drop what has no key yet or does not open under the current one.
      const opened = this.readEncrypted ? this.read.tryOpen(buf, off, len) : -1;
      if (opened < 0) {
        if (len > this.skipEarly) fail(ErrorCode.EARLY_DATA_LIMIT, Alert.unexpected_message, 'rejected early data beyond the limit');
        this.skipEarly -= len;
        this.contentType = -1;
        this.payloadLen = 0;
        this.payloadOff = off + HEADER;
        return true;
      }
      this.skipEarly = 0;
      this.contentType = opened;
      this.payloadLen = this.read.lastLength;
    } else if (protectedRecord) {
      this.contentType = this.read.open(buf, off, len);
      this.payloadLen = this.read.lastLength;
      if (this.payloadLen > this.maxReceive) fail(ErrorCode.RECORD_OVERFLOW, Alert.record_overflow, 'plaintext of ' + this.payloadLen + ' bytes');
    } else {
      if (this.readEncrypted && type === ContentType.handshake) {
        fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, 'plaintext handshake record after key change');
      }
      if (!this.readEncrypted && type === ContentType.application_data) {
        fail(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message, 'application data before keys');
      }
      this.contentType = type;
      this.payloadLen = len;
    }
    this.payloadOff = off + HEADER;
    return true;
  }

  setReadKeys(aead: Aead, key: Uint8Array, iv: Uint8Array): void {
    this.read.setKeys(aead, key, iv);
    this.readEncrypted = true;
  }

  // --- outbound ---

  setWriteKeys(aead: Aead, key: Uint8Array, iv: Uint8Array): void {
    this.write.setKeys(aead, key, iv);
    this.writeEncrypted = true;
  }

  plaintextWrites(): void {
    this.writeEncrypted = false;
  }

  /** Bytes of records waiting to be sent. */
  get outLength(): number {
    return this.outEnd - this.outStart;
  }

  /** Room for a record carrying `plainLen` bytes, compacting the pending output if needed. */
  private room(plainLen: number): boolean {
    const need = HEADER + plainLen + (this.writeEncrypted ? 1 + this.write.tagLen : 0);
    if (this.outStart === this.outEnd) this.outStart = this.outEnd = 0;
    if (this.outEnd + need <= this.outBuf.length) return true;
    if (this.outStart > 0 && this.outEnd - this.outStart + need <= this.outBuf.length) {
      moveToFront(this.outBuf, this.outStart, this.outEnd);
      this.outEnd -= this.outStart;
      this.outStart = 0;
      return true;
    }
    return false;
  }

  /** Largest plaintext that fits in one more record now (0 when the output must drain first). */
  writable(): number {
    const overhead = HEADER + (this.writeEncrypted ? 1 + this.write.tagLen : 0);
    if (this.outStart === this.outEnd) this.outStart = this.outEnd = 0;
    let free = this.outBuf.length - this.outEnd;
    if (free < overhead + this.maxFragment && this.outStart > 0) free += this.outStart;
    const n = free - overhead;
    return n <= 0 ? 0 : n < this.maxFragment ? n : this.maxFragment;
  }

  /**
   * Writes one record of `type` carrying src[off, off+len) (len <= writable()),
   * protected when write keys are set. Returns false if there is no room.
   */
  writeRecord(type: number, src: Uint8Array, off: number, len: number): boolean {
    if (!this.room(len)) return false;
    const rec = this.outEnd;
    this.copyIn.copy(this.outBuf, rec + HEADER, src, off, len);
    this.outEnd = this.writeEncrypted && type !== ContentType.change_cipher_spec ? rec + this.write.seal(this.outBuf, rec, type, len, 0) : this.plainRecord(type, rec, len);
    return true;
  }

  /**
   * Where a handshake message is written before it is sealed in place
   * (sealStaged): just past the pending output and its first record header.
   * Pending output moves to the front first, so the message gets all the room.
   */
  stageOffset(): number {
    if (this.outStart === this.outEnd) this.outStart = this.outEnd = 0;
    else if (this.outStart > 0) {
      moveToFront(this.outBuf, this.outStart, this.outEnd);
      this.outEnd -= this.outStart;
      this.outStart = 0;
    }
    return this.outEnd + HEADER;
  }

  /**
   * Seals the `len` bytes written at stageOffset() as records of `type` of
   * at most maxFragment bytes each, where they lie: the flight is never
   * copied. Fragments after the first move up by the overhead of the
   * records before them (last first, so none overwrites another), then each
   * record is sealed. Returns false when the records do not fit.
   */
  sealStaged(type: number, len: number): boolean {
    const buf = this.outBuf;
    const frag = this.maxFragment;
    const count = len === 0 ? 1 : Math.ceil(len / frag);
    const trailer = this.writeEncrypted && type !== ContentType.change_cipher_spec ? 1 + this.write.tagLen : 0;
    const start = this.outEnd;
    if (start + len + count * (HEADER + trailer) > buf.length) return false;
    for (let i = count - 1; i > 0; i--) {
      moveUp(buf, start + HEADER + i * frag, start + i * (HEADER + frag + trailer) + HEADER, Math.min(frag, len - i * frag));
    }
    const sealed = trailer > 0;
    let rec = start;
    for (let i = 0; i < count; i++) {
      const n = Math.min(frag, len - i * frag);
      rec = sealed ? rec + this.write.seal(buf, rec, type, n, 0) : this.plainRecord(type, rec, n);
    }
    this.outEnd = rec;
    return true;
  }

  /** The header of an unprotected record whose len bytes lie at outBuf[rec + HEADER]; returns where the record ends. */
  private plainRecord(type: number, rec: number, len: number): number {
    const buf = this.outBuf;
    buf[rec] = type;
    buf[rec + 1] = 3;
    buf[rec + 2] = 3;
    buf[rec + 3] = len >> 8;
    buf[rec + 4] = len & 0xff;
    return rec + HEADER + len;
  }

  /** Writes application data from src[off, off+len) as one record: the plaintext is copied straight into the record. */
  writeAppRecord(src: Uint8Array, off: number, len: number): boolean {
    if (!this.room(len)) return false;
    const rec = this.outEnd;
    this.copyIn.copy(this.outBuf, rec + HEADER, src, off, len);
    this.outEnd = rec + this.write.seal(this.outBuf, rec, ContentType.application_data, len, 0);
    return true;
  }

  /** Copies up to len pending output bytes into dst[off..] and consumes them. */
  takeOutput(dst: Uint8Array, off: number, len: number): number {
    const n = Math.min(len, this.outEnd - this.outStart);
    this.copyOut.copy(dst, off, this.outBuf, this.outStart, n);
    this.outStart += n;
    return n;
  }

  /** Offset of the pending output, for transports that send from the buffer directly. */
  get outOffset(): number {
    return this.outStart;
  }

  /** Marks n pending output bytes as sent. */
  sent(n: number): void {
    this.outStart += n;
  }
}
