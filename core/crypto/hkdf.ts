// HKDF (RFC 5869) over any Hash. HKDF-Expand-Label (RFC 8446 7.1) is built on
// hkdfExpand by the key schedule.
import { Alert, ErrorCode, fail } from '../errors.js';
import { hmac, macFor } from './hmac.js';
import type { Hash } from './types.js';

/**
 * HKDF-Extract: PRK = HMAC(salt, IKM). An empty salt needs no special case:
 * HMAC pads a zero-length key to the same all-zero block as HashLen zeros.
 */
export function hkdfExtract(hash: Hash, salt: Uint8Array, ikm: Uint8Array, out?: Uint8Array): Uint8Array {
  return hmac(hash, salt, ikm, out);
}

/**
 * HKDF-Expand: `length` bytes of OKM. With `out`, writes into out[0, length)
 * and returns that view (out itself when it has exactly `length` bytes).
 */
export function hkdfExpand(hash: Hash, prk: Uint8Array, info: Uint8Array, length: number, out?: Uint8Array): Uint8Array {
  const n = hash.outputLen;
  if (!(length >= 0 && length <= 255 * n)) fail(ErrorCode.INTERNAL, Alert.internal_error, 'HKDF-Expand length ' + length);
  if (out && out.length < length) fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'HKDF-Expand output');
  const okm = out ? (out.length === length ? out : out.subarray(0, length)) : new Uint8Array(length);
  const mac = macFor(hash, prk);
  const counter = new Uint8Array(1);
  let prev: Uint8Array | null = null;
  // T(i) = HMAC(PRK, T(i-1) | info | i); each T(i) is written straight into
  // okm, only a final partial block goes through a scratch digest.
  for (let i = 1, pos = 0; pos < length; i++, pos += n) {
    if (prev) mac.update(prev);
    counter[0] = i;
    mac.update(info).update(counter);
    if (length - pos >= n) {
      prev = okm.subarray(pos, pos + n);
      mac.digestInto(prev);
    } else {
      const last = new Uint8Array(n);
      mac.digestInto(last);
      okm.set(last.subarray(0, length - pos), pos);
      last.fill(0);
    }
  }
  return okm;
}
