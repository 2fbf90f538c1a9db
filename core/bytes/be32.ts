// Big-endian 32-bit words, for the block ciphers' word-oriented code. The
// words go straight into a Uint32Array: a helper returning a word would box
// it (a 12-byte heap number above 2^30 on V8) whenever the optimizer does
// not inline the call, and on the record path it then allocates per record
// (seen in TLS 1.2 GCM, depending on the key's salt).

/** dst[di, di+words) = the big-endian words at buf[p, p+4*words). */
export function loadBE32(dst: Uint32Array, di: number, buf: Uint8Array, p: number, words: number): void {
  for (let i = 0; i < words; i++, p += 4) dst[di + i] = (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
}

/** dst[0, 4) ^= the big-endian 16-byte block at buf[p]. */
export function xorBlockBE32(dst: Uint32Array, buf: Uint8Array, p: number): void {
  for (let i = 0; i < 4; i++, p += 4) dst[i] ^= (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
}
