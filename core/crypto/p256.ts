// P-256 (secp256r1) on typed arrays, without BigInt: ECDH key pairs and
// shared secrets, ECDSA signing (RFC 6979 nonces) and verification. Field elements mod p are sixteen 16-bit limbs
// (limbs.ts) reduced by p's special form (2^256 = 2^224 - 2^192 - 2^96 + 1
// mod p); scalars mod n by Montgomery multiplication. Points are projective
// (X:Y:Z) with the complete addition and doubling formulas of Renes,
// Costello and Batina for a = -3 (eprint 2015/1060, algorithms 4 and 6): no
// exceptional cases, the identity is (0:1:0). Secret scalars times a point
// go through fixed 4-bit windows, times the base point through a 16-entry
// comb (6 KB, instead of noble's ~100-250 KB of tables), each step with a
// lookup that reads every entry; the double multiplication of verification
// (public inputs) skips zero digits. All working memory belongs to a P256
// instance, made once and reused.
import { add, carry, fromBytes, fromHex, product, square, sub, subtractIfAtLeast, toBytes } from './limbs.js';
import { macFor } from './hmac.js';
import { NamedGroup } from '../registry.js';
import type { Hash, KeyExchange } from './types.js';

type Fe = Float64Array;

const P = /* @__PURE__ */ fromHex('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff');
const B = /* @__PURE__ */ fromHex('5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b');
const GX = /* @__PURE__ */ fromHex('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296');
const GY = /* @__PURE__ */ fromHex('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5');
const N = /* @__PURE__ */ fromHex('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
/** 2^512 mod n and 2^256 mod n: into and out of the Montgomery domain. */
const R2N = /* @__PURE__ */ fromHex('66e12d94f3d956202845b2392b6bec594699799c49bd6fa683244c95be79eea2');
const RN = /* @__PURE__ */ fromHex('00000000ffffffff00000000000000004319055258e8617b0c46353d039cdaaf');
/** -1/n mod 2^16. */
const N_PRIME = 0xbc4f;
const P_MINUS_2 = /* @__PURE__ */ fromHex('ffffffff00000001000000000000000000000000fffffffffffffffffffffffd');
const N_MINUS_2 = /* @__PURE__ */ fromHex('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f');

/** 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p): adds c * 2^256 back in at limbs 14, 12, 6 and 0. */
function foldTop(o: Fe, c: number): void {
  o[0] += c;
  o[6] -= c;
  o[12] -= c;
  o[14] += c;
}

/**
 * o = t[0..30] mod p, with limbs in (-2^16, 2^16) but for a few units more
 * at the limbs foldTop touches. Top down, each upper limb folds into four
 * lower ones (the largest sum grows at most 9 times: below 2^47 for the
 * inputs here, so every carry fits the int32 that `| 0` truncates to). Then
 * two carry passes, each folding its top carry back. Written out with
 * locals: an interpreter runs this twice as fast as the loops.
 */
function reduce(o: Fe, t: Float64Array): void {
  let t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7], t8 = t[8], t9 = t[9], t10 = t[10], t11 = t[11], t12 = t[12], t13 = t[13], t14 = t[14], t15 = t[15], t16 = t[16], t17 = t[17], t18 = t[18], t19 = t[19], t20 = t[20], t21 = t[21], t22 = t[22], t23 = t[23], t24 = t[24], t25 = t[25], t26 = t[26], t27 = t[27], t28 = t[28], t29 = t[29], t30 = t[30], c;
  t28 += t30; t26 -= t30; t20 -= t30; t14 += t30;
  t27 += t29; t25 -= t29; t19 -= t29; t13 += t29;
  t26 += t28; t24 -= t28; t18 -= t28; t12 += t28;
  t25 += t27; t23 -= t27; t17 -= t27; t11 += t27;
  t24 += t26; t22 -= t26; t16 -= t26; t10 += t26;
  t23 += t25; t21 -= t25; t15 -= t25; t9 += t25;
  t22 += t24; t20 -= t24; t14 -= t24; t8 += t24;
  t21 += t23; t19 -= t23; t13 -= t23; t7 += t23;
  t20 += t22; t18 -= t22; t12 -= t22; t6 += t22;
  t19 += t21; t17 -= t21; t11 -= t21; t5 += t21;
  t18 += t20; t16 -= t20; t10 -= t20; t4 += t20;
  t17 += t19; t15 -= t19; t9 -= t19; t3 += t19;
  t16 += t18; t14 -= t18; t8 -= t18; t2 += t18;
  t15 += t17; t13 -= t17; t7 -= t17; t1 += t17;
  t14 += t16; t12 -= t16; t6 -= t16; t0 += t16;
  c = (t0 / 65536) | 0; t0 -= c * 65536; t1 += c;
  c = (t1 / 65536) | 0; t1 -= c * 65536; t2 += c;
  c = (t2 / 65536) | 0; t2 -= c * 65536; t3 += c;
  c = (t3 / 65536) | 0; t3 -= c * 65536; t4 += c;
  c = (t4 / 65536) | 0; t4 -= c * 65536; t5 += c;
  c = (t5 / 65536) | 0; t5 -= c * 65536; t6 += c;
  c = (t6 / 65536) | 0; t6 -= c * 65536; t7 += c;
  c = (t7 / 65536) | 0; t7 -= c * 65536; t8 += c;
  c = (t8 / 65536) | 0; t8 -= c * 65536; t9 += c;
  c = (t9 / 65536) | 0; t9 -= c * 65536; t10 += c;
  c = (t10 / 65536) | 0; t10 -= c * 65536; t11 += c;
  c = (t11 / 65536) | 0; t11 -= c * 65536; t12 += c;
  c = (t12 / 65536) | 0; t12 -= c * 65536; t13 += c;
  c = (t13 / 65536) | 0; t13 -= c * 65536; t14 += c;
  c = (t14 / 65536) | 0; t14 -= c * 65536; t15 += c;
  c = (t15 / 65536) | 0; t15 -= c * 65536; t0 += c; t6 -= c; t12 -= c; t14 += c;
  c = (t0 / 65536) | 0; t0 -= c * 65536; t1 += c;
  c = (t1 / 65536) | 0; t1 -= c * 65536; t2 += c;
  c = (t2 / 65536) | 0; t2 -= c * 65536; t3 += c;
  c = (t3 / 65536) | 0; t3 -= c * 65536; t4 += c;
  c = (t4 / 65536) | 0; t4 -= c * 65536; t5 += c;
  c = (t5 / 65536) | 0; t5 -= c * 65536; t6 += c;
  c = (t6 / 65536) | 0; t6 -= c * 65536; t7 += c;
  c = (t7 / 65536) | 0; t7 -= c * 65536; t8 += c;
  c = (t8 / 65536) | 0; t8 -= c * 65536; t9 += c;
  c = (t9 / 65536) | 0; t9 -= c * 65536; t10 += c;
  c = (t10 / 65536) | 0; t10 -= c * 65536; t11 += c;
  c = (t11 / 65536) | 0; t11 -= c * 65536; t12 += c;
  c = (t12 / 65536) | 0; t12 -= c * 65536; t13 += c;
  c = (t13 / 65536) | 0; t13 -= c * 65536; t14 += c;
  c = (t14 / 65536) | 0; t14 -= c * 65536; t15 += c;
  c = (t15 / 65536) | 0; t15 -= c * 65536; t0 += c; t6 -= c; t12 -= c; t14 += c;
  o[0] = t0;
  o[1] = t1;
  o[2] = t2;
  o[3] = t3;
  o[4] = t4;
  o[5] = t5;
  o[6] = t6;
  o[7] = t7;
  o[8] = t8;
  o[9] = t9;
  o[10] = t10;
  o[11] = t11;
  o[12] = t12;
  o[13] = t13;
  o[14] = t14;
  o[15] = t15;
}

/** One of 16 points of a table: X, Y, Z at 48 * i, 48 * i + 16, 48 * i + 32. */
interface Point {
  x: Fe;
  y: Fe;
  z: Fe;
}

function pointAt(buf: Float64Array, i: number): Point {
  const o = 48 * i;
  return { x: buf.subarray(o, o + 16), y: buf.subarray(o + 16, o + 32), z: buf.subarray(o + 32, o + 48) };
}

function setIdentity(p: Point): void {
  p.x.fill(0);
  p.y.fill(0);
  p.y[0] = 1;
  p.z.fill(0);
}

function copyPoint(o: Point, p: Point): void {
  o.x.set(p.x);
  o.y.set(p.y);
  o.z.set(p.z);
}

/** The nibble of a 32-byte big-endian scalar at window i (0: the most significant). */
const nibble = (k: Uint8Array, i: number): number => (k[i >>> 1] >>> (i & 1 ? 0 : 4)) & 15;

/** The bit i (0: least significant) of a limb number. */
const bit = (e: Fe, i: number): number => (e[i >>> 4] >>> (i & 15)) & 1;

/** P-256 with its own working memory (about 16 KB, and 6 KB more once it multiplies the base point), reused by every call. */
export class P256 {
  private readonly t: Float64Array;
  private readonly f: Fe[];
  /** Multiples 0..15 of a point (window tables), two of them for verification. */
  private readonly tableBuf: Float64Array;
  private readonly table: Point[];
  private readonly table2: Point[];
  private readonly acc: Point;
  private readonly pick: Point;
  private readonly pickBuf: Float64Array;
  /** The peer's point, or the base point. */
  private readonly q: Point;
  private readonly all: Float64Array;
  private readonly k: Uint8Array;
  /** Two 32-byte scalars. */
  private readonly u: Uint8Array;
  private comb: Float64Array | null = null;

  constructor() {
    const fields = 20;
    const all = new Float64Array(32 + 16 * fields + 48 * 35);
    this.all = all;
    this.t = all.subarray(0, 32);
    this.f = [];
    for (let i = 0; i < fields; i++) this.f.push(all.subarray(32 + 16 * i, 48 + 16 * i));
    const points = all.subarray(32 + 16 * fields);
    this.tableBuf = points.subarray(0, 48 * 16);
    this.table = [];
    this.table2 = [];
    for (let i = 0; i < 16; i++) {
      this.table.push(pointAt(points, i));
      this.table2.push(pointAt(points, 16 + i));
    }
    this.acc = pointAt(points, 32);
    this.pick = pointAt(points, 33);
    this.pickBuf = points.subarray(48 * 33, 48 * 34);
    this.q = pointAt(points, 34);
    this.k = new Uint8Array(32);
    this.u = new Uint8Array(64);
  }

  // --- the field mod p ---

  private mul(o: Fe, a: Fe, b: Fe): void {
    product(this.t, a, b);
    reduce(o, this.t);
  }

  private sqr(o: Fe, a: Fe): void {
    square(this.t, a);
    reduce(o, this.t);
  }

  /** o = 3a. */
  private triple(o: Fe, a: Fe): void {
    for (let i = 0; i < 16; i++) o[i] = 3 * a[i];
  }

  /** a's canonical form: limbs in [0, 2^16), value below p. */
  private canonical(a: Fe): void {
    for (let j = 0; j < 4; j++) {
      const c = carry(a);
      foldTop(a, c);
    }
    carry(a);
    subtractIfAtLeast(a, a, 0, P, this.f[19]);
  }

  /** o = 1/a = a^(p-2) (a nonzero; o may be a); uses f[18]. */
  private invert(o: Fe, a: Fe): void {
    const r = this.f[18];
    r.set(a);
    for (let i = 254; i >= 0; i--) {
      this.sqr(r, r);
      if (bit(P_MINUS_2, i)) this.mul(r, r, a);
    }
    o.set(r);
  }

  /** Whether a = b (mod p); both are made canonical. */
  private equal(a: Fe, b: Fe): boolean {
    this.canonical(a);
    this.canonical(b);
    let d = 0;
    for (let i = 0; i < 16; i++) d |= a[i] ^ b[i];
    return d === 0;
  }

  // --- points ---

  /** o = p + q (complete: any inputs, o may be p or q). */
  private add(o: Point, p: Point, q: Point): void {
    const f = this.f;
    const t0 = f[0], t1 = f[1], t2 = f[2], t3 = f[3], t4 = f[4], t5 = f[5], u = f[6], w = f[7], v = f[8], s1 = f[9], s2 = f[10];
    this.mul(t0, p.x, q.x);
    this.mul(t1, p.y, q.y);
    this.mul(t2, p.z, q.z);
    add(s1, p.x, p.y);
    add(s2, q.x, q.y);
    this.mul(t3, s1, s2);
    add(s1, t0, t1);
    sub(t3, t3, s1); // X1 Y2 + X2 Y1
    add(s1, p.y, p.z);
    add(s2, q.y, q.z);
    this.mul(t4, s1, s2);
    add(s1, t1, t2);
    sub(t4, t4, s1); // Y1 Z2 + Y2 Z1
    add(s1, p.x, p.z);
    add(s2, q.x, q.z);
    this.mul(t5, s1, s2);
    add(s1, t0, t2);
    sub(t5, t5, s1); // X1 Z2 + X2 Z1
    this.mul(s1, B, t2);
    sub(u, t5, s1);
    this.triple(u, u); // 3 (XZ - b ZZ)
    add(s2, t1, u); // YY + 3 (XZ - b ZZ)
    sub(u, t1, u); // YY - 3 (XZ - b ZZ)
    this.triple(t2, t2);
    this.mul(v, B, t5);
    sub(v, v, t2);
    sub(v, v, t0);
    this.triple(v, v); // 3 (b XZ - 3 ZZ - XX)
    this.triple(w, t0);
    sub(w, w, t2); // 3 XX - 3 ZZ
    this.mul(s1, s2, t3);
    this.mul(t0, t4, v);
    sub(o.x, s1, t0);
    this.mul(s1, s2, u);
    this.mul(t0, w, v);
    add(o.y, s1, t0);
    this.mul(s1, u, t4);
    this.mul(t0, t3, w);
    add(o.z, s1, t0);
  }

  /** o = 2p (complete; o may be p). */
  private double(o: Point, p: Point): void {
    const f = this.f;
    const t0 = f[0], t1 = f[1], t2 = f[2], xy = f[3], xz = f[4], u = f[5], s = f[6], yz = f[7], v = f[8], w = f[9];
    this.sqr(t0, p.x);
    this.sqr(t1, p.y);
    this.sqr(t2, p.z);
    this.mul(xy, p.x, p.y);
    add(xy, xy, xy);
    this.mul(xz, p.x, p.z);
    add(xz, xz, xz);
    this.mul(u, B, t2);
    sub(u, u, xz);
    this.triple(u, u); // 3 (b ZZ - 2 XZ)
    add(s, t1, u); // YY + 3 (...)
    sub(u, t1, u); // YY - 3 (...)
    this.mul(s, s, u); // the first part of Y3
    this.mul(u, u, xy); // the first part of X3
    this.triple(t2, t2);
    this.mul(v, B, xz);
    sub(v, v, t2);
    sub(v, v, t0);
    this.triple(v, v); // 3 (2b XZ - 3 ZZ - XX)
    this.triple(w, t0);
    sub(w, w, t2); // 3 XX - 3 ZZ
    this.mul(w, w, v);
    this.mul(yz, p.y, p.z);
    add(yz, yz, yz);
    this.mul(v, v, yz);
    sub(o.x, u, v);
    add(o.y, s, w);
    this.mul(o.z, yz, t1);
    add(o.z, o.z, o.z);
    add(o.z, o.z, o.z);
  }

  /** table[i] = i p for i in 0..15. */
  private fillTable(table: Point[], p: Point): void {
    setIdentity(table[0]);
    copyPoint(table[1], p);
    for (let i = 2; i < 16; i++) {
      if (i & 1) this.add(table[i], table[i - 1], p);
      else this.double(table[i], table[i >>> 1]);
    }
  }

  /** pick = the point at index d of a 16-point table, reading every entry: kept by a 0/1 factor, not a branch or an index. */
  private select(buf: Float64Array, d: number): void {
    const pick = this.pickBuf;
    pick.fill(0);
    for (let j = 0; j < 16; j++) {
      const take = 1 - (((j ^ d) + 15) >>> 4);
      for (let l = 0; l < 48; l++) pick[l] += take * buf[48 * j + l];
    }
  }

  /** acc = k p, in constant time for the secret 32-byte big-endian k (any value): fixed 4-bit windows. */
  private multiply(p: Point, k: Uint8Array): void {
    const acc = this.acc;
    this.fillTable(this.table, p);
    setIdentity(acc);
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 4; j++) this.double(acc, acc);
      this.select(this.tableBuf, nibble(k, i));
      this.add(acc, acc, this.pick);
    }
  }

  /**
   * comb[d] = sum of d_j 2^(64 j) G for the bits d_j of d (a comb with four
   * teeth, Lim and Lee): 6 KB made on the first fixed-base multiplication
   * and kept by the instance.
   */
  private combTable(): Float64Array {
    if (this.comb) return this.comb;
    const buf = new Float64Array(48 * 16);
    const pts: Point[] = [];
    for (let i = 0; i < 16; i++) pts.push(pointAt(buf, i));
    setIdentity(pts[0]);
    this.base(pts[1]);
    for (let j = 1; j < 4; j++) {
      const t = pts[1 << j];
      copyPoint(t, pts[1 << (j - 1)]);
      for (let i = 0; i < 64; i++) this.double(t, t);
    }
    for (let d = 3; d < 16; d++) if (d & (d - 1)) this.add(pts[d], pts[d & (d - 1)], pts[d & -d]);
    this.comb = buf;
    return buf;
  }

  /** acc = k G in constant time for the secret k: 64 doublings, each followed by the addition of one comb entry. */
  private multiplyBase(k: Uint8Array): void {
    const comb = this.combTable();
    const acc = this.acc;
    setIdentity(acc);
    for (let i = 63; i >= 0; i--) {
      this.double(acc, acc);
      // Bit i of each 64-bit quarter of k (big-endian: quarter j ends at byte 31 - 8j).
      const at = 31 - (i >>> 3);
      const sh = i & 7;
      const d = ((k[at] >>> sh) & 1) | (((k[at - 8] >>> sh) & 1) << 1) | (((k[at - 16] >>> sh) & 1) << 2) | (((k[at - 24] >>> sh) & 1) << 3);
      this.select(comb, d);
      this.add(acc, acc, this.pick);
    }
  }

  /** p = G, the base point. */
  private base(p: Point): void {
    p.x.set(GX);
    p.y.set(GY);
    p.z.fill(0);
    p.z[0] = 1;
  }

  /** acc = u1 G + u2 q for public scalars (Straus: one chain of doublings, zero digits skipped). */
  private multiplyTwo(u1: Uint8Array, q: Point, u2: Uint8Array): void {
    this.base(this.pick);
    this.fillTable(this.table, this.pick);
    this.fillTable(this.table2, q);
    const acc = this.acc;
    setIdentity(acc);
    for (let i = 0; i < 64; i++) {
      if (i > 0) for (let j = 0; j < 4; j++) this.double(acc, acc);
      const d1 = nibble(u1, i);
      const d2 = nibble(u2, i);
      if (d1) this.add(acc, acc, this.table[d1]);
      if (d2) this.add(acc, acc, this.table2[d2]);
    }
  }

  /** out[off..off+64) = the affine X and Y of acc, 32 big-endian bytes each; false for the identity. */
  private encodeAcc(out: Uint8Array, off: number, withY: boolean): boolean {
    const acc = this.acc;
    const zi = this.f[17];
    this.canonical(acc.z);
    let nz = 0;
    for (let i = 0; i < 16; i++) nz |= acc.z[i];
    if (nz === 0) return false;
    this.invert(zi, acc.z);
    this.mul(acc.x, acc.x, zi);
    this.canonical(acc.x);
    toBytes(out, off, acc.x);
    if (withY) {
      this.mul(acc.y, acc.y, zi);
      this.canonical(acc.y);
      toBytes(out, off + 32, acc.y);
    }
    return true;
  }

  /**
   * Decodes an uncompressed point 04 || X || Y into q (z = 1): false unless
   * 65 bytes, X and Y below p, and on the curve (y^2 = x^3 - 3x + b). The
   * curve's order is prime, so such a point is in the group and not the identity.
   */
  private decode(q: Point, pub: Uint8Array): boolean {
    if (pub.length !== 65 || pub[0] !== 4) return false;
    fromBytes(q.x, pub, 1);
    fromBytes(q.y, pub, 33);
    const d = this.f[16];
    if (subtractIfAtLeast(d, q.x, 0, P, this.f[19]) || subtractIfAtLeast(d, q.y, 0, P, this.f[19])) return false;
    q.z.fill(0);
    q.z[0] = 1;
    const lhs = this.f[14];
    const rhs = this.f[15];
    this.sqr(lhs, q.y);
    this.sqr(rhs, q.x);
    this.mul(rhs, rhs, q.x);
    this.triple(d, q.x);
    sub(rhs, rhs, d);
    add(rhs, rhs, B);
    return this.equal(lhs, rhs);
  }

  // --- scalars mod n (Montgomery form: x R mod n, R = 2^256) ---

  /** o = a b / R mod n (a, b normalized and below n). */
  private nmul(o: Fe, a: Fe, b: Fe): void {
    const t = this.t;
    product(t, a, b);
    t[31] = 0;
    for (let i = 0; i < 16; i++) {
      // & takes an integer double mod 2^32 exactly (ToInt32): the low 16 bits without a division.
      const m = ((t[i] & 0xffff) * N_PRIME) & 0xffff;
      for (let j = 0; j < 16; j++) t[i + j] += m * N[j];
      t[i + 1] += t[i] / 65536; // exact: t[i] is now a multiple of 2^16
    }
    for (let i = 0; i < 16; i++) o[i] = t[16 + i];
    const c = carry(o);
    subtractIfAtLeast(o, o, c, N, this.f[19]);
  }

  /** o = R / a mod n (a nonzero, below n): Fermat in the Montgomery domain; uses f[18]. */
  private ninvert(o: Fe, a: Fe): void {
    const am = this.f[18];
    this.nmul(am, a, R2N);
    o.set(RN);
    for (let i = 255; i >= 0; i--) {
      this.nmul(o, o, o);
      if (bit(N_MINUS_2, i)) this.nmul(o, o, am);
    }
  }

  /** Whether 32 big-endian bytes are a scalar in [1, n-1]. */
  private inRange(b: Uint8Array, off: number): boolean {
    const a = this.f[16];
    fromBytes(a, b, off);
    let nz = 0;
    for (let i = 0; i < 16; i++) nz |= a[i];
    return nz !== 0 && subtractIfAtLeast(a, a, 0, N, this.f[19]) === 0;
  }

  /** e = the leftmost 256 bits of a hash, reduced mod n (SEC 1 4.1.3 step 5). */
  private hashToScalar(e: Fe, hash: Uint8Array): void {
    const k = this.k;
    k.fill(0);
    if (hash.length >= 32) k.set(hash.subarray(0, 32));
    else k.set(hash, 32 - hash.length);
    fromBytes(e, k, 0);
    subtractIfAtLeast(e, e, 0, N, this.f[19]);
  }

  // --- what the provider calls ---

  /** pub = 04 || X || Y of d G, for the 32-byte private scalar d (in [1, n-1]). */
  publicKey(pub: Uint8Array, d: Uint8Array): void {
    this.multiplyBase(d);
    pub[0] = 4;
    this.encodeAcc(pub, 1, true);
    this.all.fill(0);
  }

  /** The shared X coordinate of d Q into out (32 bytes); false when Q is not a valid point. */
  sharedSecret(out: Uint8Array, d: Uint8Array, peer: Uint8Array): boolean {
    const ok = this.decode(this.q, peer);
    if (ok) this.multiply(this.q, d);
    const done = ok && this.encodeAcc(out, 0, false);
    this.all.fill(0);
    return done;
  }

  /** ECDSA verification (SEC 1 4.1.4) of r || s (64 bytes) over a message hash, with the public point pub. */
  verify(rs: Uint8Array, hash: Uint8Array, pub: Uint8Array): boolean {
    const ok = rs.length === 64 && this.inRange(rs, 0) && this.inRange(rs, 32) && this.decode(this.q, pub) &&
      this.verifyDecoded(rs, hash);
    this.all.fill(0);
    return ok;
  }

  private verifyDecoded(rs: Uint8Array, hash: Uint8Array): boolean {
    const f = this.f;
    const e = f[11], w = f[12], r = f[13], u1 = f[14], u2 = f[15], x = f[16];
    this.hashToScalar(e, hash);
    fromBytes(r, rs, 0);
    fromBytes(u1, rs, 32);
    this.ninvert(w, u1); // R / s
    this.nmul(u1, e, w);
    this.nmul(u2, r, w);
    const u = this.u;
    toBytes(u, 0, u1);
    toBytes(u, 32, u2);
    this.multiplyTwo(u.subarray(0, 32), this.q, u.subarray(32));
    // x(R) mod n = r, checked without an inversion: X = x Z for x = r or, when r + n < p, r + n.
    const acc = this.acc;
    this.canonical(acc.z);
    let nz = 0;
    for (let i = 0; i < 16; i++) nz |= acc.z[i];
    if (nz === 0) return false;
    this.mul(x, r, acc.z);
    if (this.equal(x, acc.x)) return true;
    add(r, r, N);
    const c = carry(r);
    if (c !== 0 || subtractIfAtLeast(x, r, 0, P, f[19])) return false;
    this.mul(x, r, acc.z);
    return this.equal(x, acc.x);
  }

  /**
   * ECDSA signature r || s (64 bytes into rs) over a message hash with the
   * private scalar d; the nonce by RFC 6979 (HMAC over `mac`, the message's
   * hash), with `entropy` as its additional data k' (section 3.6) when
   * given. False when d is not in [1, n-1].
   */
  sign(rs: Uint8Array, hash: Uint8Array, d: Uint8Array, mac: Hash, entropy: Uint8Array | null): boolean {
    const ok = d.length === 32 && this.inRange(d, 0);
    if (ok) this.signValid(rs, hash, d, mac, entropy);
    this.all.fill(0);
    return ok;
  }

  private signValid(rs: Uint8Array, hash: Uint8Array, d: Uint8Array, hashFn: Hash, entropy: Uint8Array | null): void {
    const f = this.f;
    const e = f[11], r = f[12], k = f[13], s = f[14], kinv = f[15], t = f[16];
    this.hashToScalar(e, hash);
    const h1 = new Uint8Array(32); // bits2octets(h1)
    toBytes(h1, 0, e);
    const len = hashFn.outputLen;
    const v = new Uint8Array(len);
    const key = new Uint8Array(len);
    v.fill(1);
    const mac = macFor(hashFn, key);
    const seed = (sep: number): void => {
      mac.update(v).update(sep ? ONE : ZERO).update(d).update(h1);
      if (entropy) mac.update(entropy);
      mac.digestInto(key);
      mac.setKey(key);
      mac.update(v).digestInto(v);
    };
    seed(0);
    seed(1);
    const kb = this.u.subarray(0, 32);
    for (;;) {
      mac.update(v).digestInto(v);
      kb.set(v.subarray(0, 32)); // bits2int: the leftmost 256 bits (every hash here has at least 256)
      if (this.inRange(kb, 0)) {
        fromBytes(k, kb, 0);
        this.multiplyBase(kb);
        this.encodeAcc(rs, 0, false); // never the identity: 0 < k < n
        fromBytes(r, rs, 0);
        subtractIfAtLeast(r, r, 0, N, f[19]);
        toBytes(rs, 0, r);
        // s = (e + r d) / k mod n.
        fromBytes(t, d, 0);
        this.nmul(t, r, t);
        this.nmul(t, t, R2N);
        add(t, t, e);
        const c = carry(t);
        subtractIfAtLeast(t, t, c, N, f[19]);
        this.ninvert(kinv, k);
        this.nmul(s, t, kinv);
        toBytes(rs, 32, s);
        if (this.inRange(rs, 0) && this.inRange(rs, 32)) break;
      }
      mac.update(v).update(ZERO).digestInto(key);
      mac.setKey(key);
      mac.update(v).digestInto(v);
    }
    kb.fill(0);
    key.fill(0);
    v.fill(0);
  }
}

const ZERO = /* @__PURE__ */ new Uint8Array(1);
const ONE = /* @__PURE__ */ new Uint8Array([1]);

/** n - 1 for key generation (a BigInt: made once per key pair, not per field operation). */
const N_MINUS_1 = /* @__PURE__ */ BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550');

/**
 * The secp256r1 group for key_share on P256 instances (`curve` gives the
 * instance for each operation): the private key is d = (s mod (n - 1)) + 1
 * for 48 random bytes s (FIPS 186-4 B.4.1, as noble and the native provider
 * derive it, so the same random bytes give the same key); public keys
 * 04 || X || Y; the shared secret is the X coordinate (RFC 8446 7.4.2).
 */
export function p256KeyExchange(curve: () => P256): KeyExchange {
  return {
    group: NamedGroup.secp256r1,
    publicLen: 65,
    generate(random) {
      const seed = new Uint8Array(48);
      random(seed);
      let d = BigInt(0);
      for (let i = 0; i < 48; i++) d = (d << BigInt(8)) | BigInt(seed[i]);
      d = (d % N_MINUS_1) + BigInt(1);
      seed.fill(0);
      const priv = new Uint8Array(32);
      for (let i = 31; i >= 0; i--) {
        priv[i] = Number(d & BigInt(255));
        d >>= BigInt(8);
      }
      const pub = new Uint8Array(65);
      curve().publicKey(pub, priv);
      return { priv, pub };
    },
    shared(priv, peerPub) {
      const secret = new Uint8Array(32);
      return curve().sharedSecret(secret, priv, peerPub) ? secret : null;
    },
  };
}

/** secp256r1 with a new P256 instance per operation (its working memory is garbage right after). */
export const secp256r1FixedGroup: KeyExchange = /* @__PURE__ */ p256KeyExchange(() => new P256());
