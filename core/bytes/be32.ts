// Big-endian 32-bit words, for the block ciphers' word-oriented code.

/** Reads a big-endian 32-bit word at buf[p]. */
export function readBE32(buf: Uint8Array, p: number): number {
  return ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]) >>> 0;
}
