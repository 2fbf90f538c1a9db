// CCM's first CBC-MAC input as bytes (RFC 3610 2.2 with TLS 1.3's L = 3):
// B_0 || l(a) || a, zero-padded to whole blocks. For ports whose native AES
// runs CBC over whole buffers (Espruino, Moddable); core's CcmState absorbs
// the same fields word by word.

function aadLengthBytes(aadLen: number): number {
  // l(a): two bytes below 2^16 - 2^8, else 0xfffe and four bytes.
  return aadLen === 0 ? 0 : aadLen < 0xff00 ? 2 : 6;
}

/** The header's size for `aadLen` bytes of AAD. */
export function ccmHeaderSize(aadLen: number): number {
  return 16 + (((aadLengthBytes(aadLen) + aadLen + 15) >>> 4) << 4);
}

/** Writes the header for a `len`-byte payload into h (ccmHeaderSize(aad.length) bytes). */
export function ccmHeader(h: Uint8Array, tagLen: number, nonce: Uint8Array, aad: Uint8Array, len: number): void {
  const a = aad.length;
  h.fill(0);
  // flags = Adata << 6 | (M-2)/2 << 3 | (L-1)
  h[0] = (a > 0 ? 0x40 : 0) | (((tagLen - 2) >>> 1) << 3) | 2;
  h.set(nonce, 1);
  h[13] = len >>> 16;
  h[14] = len >>> 8;
  h[15] = len;
  let p = 16;
  if (aadLengthBytes(a) === 6) {
    h[p++] = 0xff;
    h[p++] = 0xfe;
    h[p++] = a >>> 24;
    h[p++] = a >>> 16;
  }
  if (a > 0) {
    h[p++] = a >>> 8;
    h[p++] = a;
    h.set(aad, p);
  }
}
