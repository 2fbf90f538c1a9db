// Byte moves that work the same on every engine: Espruino has no
// copyWithin, and its Uint8Array.slice() returns a plain Array.

/** Moves buf[from, end) to the front of buf (overlap-safe), without allocating. */
export function moveToFront(buf: Uint8Array, from: number, end: number): void {
  for (let i = 0, j = from; j < end; i++, j++) buf[i] = buf[j];
}

/** A copy of bytes that stays valid when the buffer it came from is reused. */
export function copyBytes(src: Uint8Array): Uint8Array {
  return new Uint8Array(src);
}
