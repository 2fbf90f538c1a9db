// ECDSA-Sig-Value (RFC 5480 / SEC 1) <-> r || s, strict DER. Apart from
// signature.ts so that a provider with its own curve arithmetic (the
// Moddable native one) checks signatures the same way without noble.

/**
 * Reads one DER INTEGER at der[pos] into out[off, off+size) as an unsigned
 * big-endian number; returns the position after it, or -1 when it is not a
 * minimal, positive INTEGER that fits.
 */
function readDerInteger(der: Uint8Array, pos: number, out: Uint8Array, off: number, size: number): number {
  if (pos + 2 > der.length || der[pos] !== 0x02) return -1;
  let len = der[pos + 1];
  pos += 2;
  // r and s are below the group order: always the short length form.
  if (len === 0 || len >= 0x80 || pos + len > der.length) return -1;
  if (der[pos] & 0x80) return -1; // negative
  if (der[pos] === 0) {
    // A leading zero is allowed only to clear the sign bit; zero itself is no valid r or s.
    if (len === 1 || (der[pos + 1] & 0x80) === 0) return -1;
    pos++;
    len--;
  }
  if (len > size) return -1;
  out.set(der.subarray(pos, pos + len), off + size - len);
  return pos + len;
}

/**
 * Strict DER decoding of ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
 * into r || s (each `size` bytes); null when malformed or followed by anything.
 */
export function decodeEcdsaSignature(der: Uint8Array, size: number): Uint8Array | null {
  if (der.length < 2 || der[0] !== 0x30) return null;
  let len = der[1];
  let pos = 2;
  if (len === 0x81) {
    if (der.length < 3 || der[2] < 0x80) return null; // long form only when needed
    len = der[2];
    pos = 3;
  } else if (len >= 0x80) {
    return null;
  }
  if (pos + len !== der.length) return null;
  const rs = new Uint8Array(2 * size);
  pos = readDerInteger(der, pos, rs, 0, size);
  if (pos < 0) return null;
  pos = readDerInteger(der, pos, rs, size, size);
  return pos === der.length ? rs : null;
}

/** DER encoding of r || s (each `size` bytes) as ECDSA-Sig-Value. */
export function encodeEcdsaSignature(rs: Uint8Array, size: number): Uint8Array {
  let r = 0;
  while (r < size - 1 && rs[r] === 0) r++;
  let s = size;
  while (s < 2 * size - 1 && rs[s] === 0) s++;
  const rPad = rs[r] >> 7; // a 0x00 keeps a high first byte positive
  const sPad = rs[s] >> 7;
  const rLen = size - r + rPad;
  const sLen = 2 * size - s + sPad;
  const body = 4 + rLen + sLen;
  const head = body < 0x80 ? 2 : 3;
  const out = new Uint8Array(head + body);
  let o = 0;
  out[o++] = 0x30;
  if (head === 3) out[o++] = 0x81;
  out[o++] = body;
  out[o++] = 0x02;
  out[o++] = rLen;
  out.set(rs.subarray(r, size), o + rPad);
  o += rLen;
  out[o++] = 0x02;
  out[o++] = sLen;
  out.set(rs.subarray(s, 2 * size), o + sPad);
  return out;
}
