// SHA-256/384 on Espruino's native one-shot functions. The TLS engine needs
// an incremental hash with snapshots (transcript, HMAC); a native call can
// only hash a whole message, so the state buffers what it is fed and hashes
// it all at digest time. Handshake messages are small (a PSK handshake is a
// few hundred bytes), so buffering costs less than SHA-2 in interpreted JS.
import type { Hash, HashName, HashState } from '../../core/crypto/types.js';
import type { EspruinoCrypto, EspruinoData } from './espruino.js';

/** SHA-256 or SHA-384 on require("crypto"). A class: its methods are shared, not closures made per provider. */
export class NativeHash implements Hash {
  readonly outputLen: number;
  readonly blockLen: number;

  constructor(private readonly crypto: EspruinoCrypto, readonly name: HashName) {
    this.outputLen = name === 'sha256' ? 32 : 48;
    this.blockLen = name === 'sha256' ? 64 : 128;
  }

  create(): HashState {
    // One block of room: HMAC feeds a padded key block first.
    return new BufferedHash(this, 2 * this.blockLen);
  }

  /** The digest of a whole message, by one native call. */
  oneShot(data: EspruinoData): ArrayBuffer {
    return this.name === 'sha256' ? this.crypto.SHA256(data) : this.crypto.SHA384(data);
  }
}

class BufferedHash implements HashState {
  private buf: Uint8Array;
  private len = 0;

  constructor(private readonly hash: NativeHash, capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  update(data: Uint8Array): HashState {
    const need = this.len + data.length;
    if (need > this.buf.length) {
      // Grow by doubling: a transcript is fed many small messages.
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(data, this.len);
    this.len = need;
    return this;
  }

  digestInto(out: Uint8Array): void {
    out.set(new Uint8Array(this.hash.oneShot(this.buf.subarray(0, this.len))));
  }

  clone(): HashState {
    const c = new BufferedHash(this.hash, this.buf.length);
    c.update(this.buf.subarray(0, this.len));
    return c;
  }
}
