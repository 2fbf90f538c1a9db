// Numbers of 256 bits as sixteen 16-bit limbs in a Float64Array, least
// significant first: the representation of the typed-array curve arithmetic
// (x25519.ts, p256.ts). A product of two limbs is below 2^32 and a column of
// sixteen below 2^36, so every sum here is an exact integer in a double (up
// to 2^53), with room for unnormalized (even negative) limbs from additions
// and subtractions. The products are written out term by term: an
// interpreter (XS) runs them about five times faster than the two nested
// loops they unroll, and a JIT about four times.

/** Normalizes o's limbs to [0, 2^16) by carrying; returns the carry out of the top limb (a multiple of 2^256). */
export function carry(o: Float64Array): number {
  let c = 0;
  for (let i = 0; i < 16; i++) {
    const v = o[i] + c;
    c = Math.floor(v / 65536);
    o[i] = v - c * 65536;
  }
  return c;
}

export function add(o: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < 16; i++) o[i] = a[i] + b[i];
}

export function sub(o: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < 16; i++) o[i] = a[i] - b[i];
}

/** The limbs of a 64-digit hexadecimal number (for constants). */
export function fromHex(hex: string): Float64Array {
  const o = new Float64Array(16);
  for (let i = 0; i < 16; i++) o[i] = parseInt(hex.substring(60 - 4 * i, 64 - 4 * i), 16);
  return o;
}

/** o = the 32 big-endian bytes b[off, off+32). */
export function fromBytes(o: Float64Array, b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) o[i] = b[off + 31 - 2 * i] + b[off + 30 - 2 * i] * 256;
}

/** out[off, off+32) = a as 32 big-endian bytes (a's limbs normalized). */
export function toBytes(out: Uint8Array, off: number, a: Float64Array): void {
  for (let i = 0; i < 16; i++) {
    out[off + 31 - 2 * i] = a[i] & 0xff;
    out[off + 30 - 2 * i] = a[i] >>> 8;
  }
}

/**
 * o = v - m when that is not negative, else v, for v = a + top * 2^256 below
 * 2m (a normalized, top 0 or 1), choosing by arithmetic rather than a
 * branch; d is scratch. Returns 1 when it subtracted.
 */
export function subtractIfAtLeast(o: Float64Array, a: Float64Array, top: number, m: Float64Array, d: Float64Array): number {
  let c = 0;
  for (let i = 0; i < 16; i++) {
    const v = a[i] - m[i] + c;
    c = Math.floor(v / 65536);
    d[i] = v - c * 65536;
  }
  const keep = 1 + c + top; // v - m = d + (c + top) * 2^256, and c + top is -1 or 0
  for (let i = 0; i < 16; i++) o[i] = a[i] + keep * (d[i] - a[i]);
  return keep;
}

/** t[0..30] = a * b, the schoolbook product of two 16-limb numbers (limbs unnormalized). */
export function product(t: Float64Array, a: Float64Array, b: Float64Array): void {
  const a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11], a12 = a[12], a13 = a[13], a14 = a[14], a15 = a[15];
  const b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5], b6 = b[6], b7 = b[7], b8 = b[8], b9 = b[9], b10 = b[10], b11 = b[11], b12 = b[12], b13 = b[13], b14 = b[14], b15 = b[15];
  t[0] = a0 * b0;
  t[1] = a0 * b1 + a1 * b0;
  t[2] = a0 * b2 + a1 * b1 + a2 * b0;
  t[3] = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  t[4] = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
  t[5] = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
  t[6] = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
  t[7] = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
  t[8] = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0;
  t[9] = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0;
  t[10] = a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0;
  t[11] = a0 * b11 + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + a11 * b0;
  t[12] = a0 * b12 + a1 * b11 + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2 + a11 * b1 + a12 * b0;
  t[13] = a0 * b13 + a1 * b12 + a2 * b11 + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3 + a11 * b2 + a12 * b1 + a13 * b0;
  t[14] = a0 * b14 + a1 * b13 + a2 * b12 + a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3 + a12 * b2 + a13 * b1 + a14 * b0;
  t[15] = a0 * b15 + a1 * b14 + a2 * b13 + a3 * b12 + a4 * b11 + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 + a11 * b4 + a12 * b3 + a13 * b2 + a14 * b1 + a15 * b0;
  t[16] = a1 * b15 + a2 * b14 + a3 * b13 + a4 * b12 + a5 * b11 + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + a11 * b5 + a12 * b4 + a13 * b3 + a14 * b2 + a15 * b1;
  t[17] = a2 * b15 + a3 * b14 + a4 * b13 + a5 * b12 + a6 * b11 + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + a11 * b6 + a12 * b5 + a13 * b4 + a14 * b3 + a15 * b2;
  t[18] = a3 * b15 + a4 * b14 + a5 * b13 + a6 * b12 + a7 * b11 + a8 * b10 + a9 * b9 + a10 * b8 + a11 * b7 + a12 * b6 + a13 * b5 + a14 * b4 + a15 * b3;
  t[19] = a4 * b15 + a5 * b14 + a6 * b13 + a7 * b12 + a8 * b11 + a9 * b10 + a10 * b9 + a11 * b8 + a12 * b7 + a13 * b6 + a14 * b5 + a15 * b4;
  t[20] = a5 * b15 + a6 * b14 + a7 * b13 + a8 * b12 + a9 * b11 + a10 * b10 + a11 * b9 + a12 * b8 + a13 * b7 + a14 * b6 + a15 * b5;
  t[21] = a6 * b15 + a7 * b14 + a8 * b13 + a9 * b12 + a10 * b11 + a11 * b10 + a12 * b9 + a13 * b8 + a14 * b7 + a15 * b6;
  t[22] = a7 * b15 + a8 * b14 + a9 * b13 + a10 * b12 + a11 * b11 + a12 * b10 + a13 * b9 + a14 * b8 + a15 * b7;
  t[23] = a8 * b15 + a9 * b14 + a10 * b13 + a11 * b12 + a12 * b11 + a13 * b10 + a14 * b9 + a15 * b8;
  t[24] = a9 * b15 + a10 * b14 + a11 * b13 + a12 * b12 + a13 * b11 + a14 * b10 + a15 * b9;
  t[25] = a10 * b15 + a11 * b14 + a12 * b13 + a13 * b12 + a14 * b11 + a15 * b10;
  t[26] = a11 * b15 + a12 * b14 + a13 * b13 + a14 * b12 + a15 * b11;
  t[27] = a12 * b15 + a13 * b14 + a14 * b13 + a15 * b12;
  t[28] = a13 * b15 + a14 * b14 + a15 * b13;
  t[29] = a14 * b15 + a15 * b14;
  t[30] = a15 * b15;
}

/** t[0..30] = a * a, with each cross product computed once. */
export function square(t: Float64Array, a: Float64Array): void {
  const a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11], a12 = a[12], a13 = a[13], a14 = a[14], a15 = a[15];
  t[0] = a0 * a0;
  t[1] = 2 * a0 * a1;
  t[2] = 2 * a0 * a2 + a1 * a1;
  t[3] = 2 * (a0 * a3 + a1 * a2);
  t[4] = 2 * (a0 * a4 + a1 * a3) + a2 * a2;
  t[5] = 2 * (a0 * a5 + a1 * a4 + a2 * a3);
  t[6] = 2 * (a0 * a6 + a1 * a5 + a2 * a4) + a3 * a3;
  t[7] = 2 * (a0 * a7 + a1 * a6 + a2 * a5 + a3 * a4);
  t[8] = 2 * (a0 * a8 + a1 * a7 + a2 * a6 + a3 * a5) + a4 * a4;
  t[9] = 2 * (a0 * a9 + a1 * a8 + a2 * a7 + a3 * a6 + a4 * a5);
  t[10] = 2 * (a0 * a10 + a1 * a9 + a2 * a8 + a3 * a7 + a4 * a6) + a5 * a5;
  t[11] = 2 * (a0 * a11 + a1 * a10 + a2 * a9 + a3 * a8 + a4 * a7 + a5 * a6);
  t[12] = 2 * (a0 * a12 + a1 * a11 + a2 * a10 + a3 * a9 + a4 * a8 + a5 * a7) + a6 * a6;
  t[13] = 2 * (a0 * a13 + a1 * a12 + a2 * a11 + a3 * a10 + a4 * a9 + a5 * a8 + a6 * a7);
  t[14] = 2 * (a0 * a14 + a1 * a13 + a2 * a12 + a3 * a11 + a4 * a10 + a5 * a9 + a6 * a8) + a7 * a7;
  t[15] = 2 * (a0 * a15 + a1 * a14 + a2 * a13 + a3 * a12 + a4 * a11 + a5 * a10 + a6 * a9 + a7 * a8);
  t[16] = 2 * (a1 * a15 + a2 * a14 + a3 * a13 + a4 * a12 + a5 * a11 + a6 * a10 + a7 * a9) + a8 * a8;
  t[17] = 2 * (a2 * a15 + a3 * a14 + a4 * a13 + a5 * a12 + a6 * a11 + a7 * a10 + a8 * a9);
  t[18] = 2 * (a3 * a15 + a4 * a14 + a5 * a13 + a6 * a12 + a7 * a11 + a8 * a10) + a9 * a9;
  t[19] = 2 * (a4 * a15 + a5 * a14 + a6 * a13 + a7 * a12 + a8 * a11 + a9 * a10);
  t[20] = 2 * (a5 * a15 + a6 * a14 + a7 * a13 + a8 * a12 + a9 * a11) + a10 * a10;
  t[21] = 2 * (a6 * a15 + a7 * a14 + a8 * a13 + a9 * a12 + a10 * a11);
  t[22] = 2 * (a7 * a15 + a8 * a14 + a9 * a13 + a10 * a12) + a11 * a11;
  t[23] = 2 * (a8 * a15 + a9 * a14 + a10 * a13 + a11 * a12);
  t[24] = 2 * (a9 * a15 + a10 * a14 + a11 * a13) + a12 * a12;
  t[25] = 2 * (a10 * a15 + a11 * a14 + a12 * a13);
  t[26] = 2 * (a11 * a15 + a12 * a14) + a13 * a13;
  t[27] = 2 * (a12 * a15 + a13 * a14);
  t[28] = 2 * a13 * a15 + a14 * a14;
  t[29] = 2 * a14 * a15;
  t[30] = a15 * a15;
}
