// HKDF (RFC 5869) over any Hash. HKDF-Expand-Label (RFC 8446 7.1) is built on
// it by the key schedule, which keeps one Hkdf for all its steps.
import { Alert, ErrorCode, fail } from '../errors.js';
import { hmac, macFor } from './hmac.js';
import type { Hash, MacState } from './types.js';

/**
 * HKDF steps under one hash that reuse one MAC and their scratch buffers,
 * so a key schedule's many steps allocate nothing of their own (with a hash
 * whose states copy without allocating: Hmac).
 */
export class Hkdf {
  readonly hash: Hash;
  private readonly mac: MacState;
  private readonly last: Uint8Array;
  private readonly counter = new Uint8Array(1);

  constructor(hash: Hash) {
    this.hash = hash;
    this.mac = macFor(hash); // every step keys it
    this.last = new Uint8Array(hash.outputLen);
  }

  /** HMAC(key, msg) into out (a new array of outputLen bytes when absent). */
  hmac(key: Uint8Array, msg: Uint8Array, out?: Uint8Array): Uint8Array {
    const res = out ?? new Uint8Array(this.hash.outputLen);
    this.mac.setKey(key);
    this.mac.update(msg).digestInto(res);
    return res;
  }

  /**
   * HKDF-Extract: PRK = HMAC(salt, IKM). An empty salt needs no special case:
   * HMAC pads a zero-length key to the same all-zero block as HashLen zeros.
   */
  extract(salt: Uint8Array, ikm: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.hmac(salt, ikm, out);
  }

  /**
   * HKDF-Expand: `length` bytes of OKM. With `out`, writes into out[0, length)
   * and returns that view (out itself when it has exactly `length` bytes).
   */
  expand(prk: Uint8Array, info: Uint8Array, length: number, out?: Uint8Array): Uint8Array {
    const n = this.hash.outputLen;
    if (!(length >= 0 && length <= 255 * n)) fail(ErrorCode.INTERNAL, Alert.internal_error, 'HKDF-Expand length ' + length);
    if (out && out.length < length) fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'HKDF-Expand output');
    const okm = out ? (out.length === length ? out : out.subarray(0, length)) : new Uint8Array(length);
    const mac = this.mac;
    mac.setKey(prk);
    const counter = this.counter;
    let prevAt = -1;
    // T(i) = HMAC(PRK, T(i-1) | info | i); each T(i) is written straight into
    // okm, only a final partial block goes through the scratch digest.
    for (let i = 1, pos = 0; pos < length; i++, pos += n) {
      if (prevAt >= 0) mac.update(okm.subarray(prevAt, prevAt + n));
      counter[0] = i;
      mac.update(info).update(counter);
      if (length - pos >= n) {
        mac.digestInto(pos === 0 && length === n ? okm : okm.subarray(pos, pos + n));
        prevAt = pos;
      } else {
        const last = this.last;
        mac.digestInto(last);
        for (let j = 0; j < length - pos; j++) okm[pos + j] = last[j];
        last.fill(0);
      }
    }
    return okm;
  }
}

/** HKDF-Extract with a one-off MAC (see Hkdf.extract). */
export function hkdfExtract(hash: Hash, salt: Uint8Array, ikm: Uint8Array, out?: Uint8Array): Uint8Array {
  return hmac(hash, salt, ikm, out);
}

/** HKDF-Expand with a one-off MAC (see Hkdf.expand). */
export function hkdfExpand(hash: Hash, prk: Uint8Array, info: Uint8Array, length: number, out?: Uint8Array): Uint8Array {
  return new Hkdf(hash).expand(prk, info, length, out);
}
