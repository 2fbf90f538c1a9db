// SHA-256/384 on Espruino's native one-shot functions. The TLS engine needs
// an incremental hash with snapshots (transcript, HMAC); a native call can
// only hash a whole message, so the state buffers what it is fed and hashes
// it all at digest time. Handshake messages are small (a PSK handshake is a
// few hundred bytes), so buffering costs less than SHA-2 in interpreted JS.
import type { Hash, HashName, HashState } from '../../core/crypto/types.js';
import type { EspruinoCrypto, EspruinoData } from './espruino.js';

class BufferedHash implements HashState {
  private buf: Uint8Array;
  private len = 0;

  constructor(private readonly digest: (data: EspruinoData) => ArrayBuffer, capacity: number) {
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
    out.set(new Uint8Array(this.digest(this.buf.subarray(0, this.len))));
  }

  clone(): HashState {
    const c = new BufferedHash(this.digest, this.buf.length);
    c.update(this.buf.subarray(0, this.len));
    return c;
  }
}

/** SHA-256 and SHA-384 on require("crypto"). */
export function espruinoHashes(crypto: EspruinoCrypto): { sha256: Hash; sha384: Hash } {
  const make = (name: HashName, outputLen: number, blockLen: number, digest: (d: EspruinoData) => ArrayBuffer): Hash => ({
    name,
    outputLen,
    blockLen,
    // One block of room: HMAC feeds a padded key block first.
    create: () => new BufferedHash(digest, 2 * blockLen),
  });
  return {
    sha256: make('sha256', 32, 64, function (d) { return crypto.SHA256(d); }),
    sha384: make('sha384', 48, 128, function (d) { return crypto.SHA384(d); }),
  };
}
