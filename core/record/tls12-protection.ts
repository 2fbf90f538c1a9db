// TLS 1.2 record protection (RFC 5246 6.2.3.3) for one direction: the
// plaintext sealed under its own content type, the additional data being
// seq_num || type || version || length; an 8-byte explicit nonce before the
// ciphertext for AES-GCM and AES-CCM (RFC 5288 3, RFC 6655 3: the 4-byte salt
// from the key block, then the explicit part, which we set to the sequence
// number), none for ChaCha20-Poly1305 (RFC 7905 2: iv XOR seq, as in TLS
// 1.3). Like TLS 1.3's, seal() and open() allocate nothing. The TLS 1.2
// machines make one per direction and key (the engine never does, so a TLS
// 1.3-only build carries none of it).
import type { Aead } from '../crypto/types.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import { RecordProtection } from './protection.js';

const HEADER = 5;
const EXPLICIT_NONCE = 8;
const ZERO_IV = new Uint8Array(12);
const TWO_32 = 4294967296;

export class Tls12Protection extends RecordProtection {
  /** seq_num(8) type(1) version(2) length(2). */
  private readonly aad12 = new Uint8Array(13);
  private explicit = 0;

  /**
   * A 4-byte fixed IV is the salt of AES-GCM or AES-CCM: the nonce is salt ||
   * explicit nonce, and ours is the sequence number, so sealing uses
   * iv = salt || 0^8 XOR seq. A 12-byte IV is ChaCha20-Poly1305's.
   */
  constructor(aead: Aead, key: Uint8Array, fixedIv: Uint8Array) {
    super();
    const salt = fixedIv.length === 4;
    this.setKeys(aead, key, salt ? ZERO_IV : fixedIv);
    if (salt) this.iv.set(fixedIv);
    this.explicit = salt ? EXPLICIT_NONCE : 0;
  }

  override get prefix(): number {
    return this.explicit;
  }

  override get tls12(): boolean {
    return true;
  }

  override get overhead(): number {
    return this.explicit + this.tagLen;
  }

  /** Protects the plaintext at buf[recOff+5+prefix, +plainLen) under its own type; writes the explicit nonce and the header. */
  override seal(buf: Uint8Array, recOff: number, contentType: number, plainLen: number): number {
    const state = this.keyed();
    const off = recOff + HEADER + this.explicit;
    if (!(plainLen >= 0 && plainLen <= 16384)) fail(ErrorCode.RECORD_OVERFLOW, Alert.internal_error, 'seal: plaintext over 2^14 bytes');
    const fragLen = this.explicit + plainLen + this.tagLen;
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
    state.seal(nonce, this.additionalData(contentType, plainLen), buf, off, plainLen);
    this.seq++;
    return HEADER + fragLen;
  }

  /** The nonce from the salt and the received explicit part (or iv XOR seq); the record's own type comes back. */
  override tryOpen(buf: Uint8Array, recOff: number, fragmentLen: number): number {
    const state = this.opening(buf, recOff, fragmentLen);
    const explicit = this.explicit;
    const off = recOff + HEADER;
    const plainLen = fragmentLen - explicit - this.tagLen;
    if (plainLen < 0) fail(ErrorCode.BAD_RECORD_MAC, Alert.bad_record_mac, 'ciphertext shorter than the nonce and tag');
    const nonce = this.recordNonce();
    for (let i = 0; i < explicit; i++) nonce[4 + i] = buf[off + i];
    const type = buf[recOff];
    if (!state.open(nonce, this.additionalData(type, plainLen), buf, off + explicit, plainLen)) return -1;
    this.seq++;
    this.lastLength = plainLen;
    return type;
  }

  /** seq_num || TLSCompressed.type || version || length (RFC 5246 6.2.3.3). */
  private additionalData(contentType: number, plainLen: number): Uint8Array {
    const a = this.aad12;
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
}
