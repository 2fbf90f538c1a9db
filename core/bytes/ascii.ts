// ASCII strings <-> bytes. core has no TextEncoder/TextDecoder, and the
// strings TLS carries as text (host names, ALPN ids) are ASCII anyway.
import { Alert, ErrorCode, fail } from '../errors.js';

/** Encodes an ASCII string; any character above 0x7f is a configuration error. */
export function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'non-ASCII character in "' + s + '"');
    out[i] = c;
  }
  return out;
}

/** Decodes bytes one character per byte (bytes above 0x7f map to U+0080..U+00FF). */
export function asciiString(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Compares bytes with an ASCII string without allocating. */
export function asciiEquals(b: Uint8Array, s: string): boolean {
  if (b.length !== s.length) return false;
  for (let i = 0; i < b.length; i++) if (b[i] !== s.charCodeAt(i)) return false;
  return true;
}
