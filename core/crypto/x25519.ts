// X25519 (RFC 7748) on typed arrays, without BigInt: field elements mod
// p = 2^255 - 19 as sixteen 16-bit limbs (limbs.ts, the representation of
// TweetNaCl), where 2^256 = 38 (mod p) folds a product's upper half back.
// The ladder is RFC 7748 section 5's, with a constant sequence of operations
// and arithmetic-mask swaps. All working memory belongs to an X25519
// instance, made once and reused: a scalar multiplication allocates nothing.
import { NamedGroup } from '../registry.js';
import { add, carry, product, square, sub } from './limbs.js';
import type { KeyExchange } from './types.js';

type Fe = Float64Array;

/**
 * t[0..30] = a^2: limbs.ts's square, about twice as fast as a product, or
 * squareByProduct, which saves square's code where size counts more than
 * speed (the Espruino bundle, whose source stays in the device's memory).
 */
export type Squaring = (t: Float64Array, a: Fe) => void;

export function squareByProduct(t: Float64Array, a: Fe): void {
  product(t, a, a);
}

/** Swaps p and q when b is 1, without a branch on b (limbs must be integers in int32 range). */
function cswap(p: Fe, q: Fe, b: number): void {
  const mask = -b;
  for (let i = 0; i < 16; i++) {
    const t = mask & (p[i] ^ q[i]);
    p[i] ^= t;
    q[i] ^= t;
  }
}

/**
 * o = t[0..30] mod p, with limbs in (-2^16, 2^16) but for limb 0, which may
 * be a few hundred beyond: 2^256 = 38 folds the upper limbs down (sums stay
 * below 2^44, so every carry fits the int32 that `| 0` truncates to), then
 * two carry passes, each folding its top carry back. Written out with
 * locals: an interpreter runs this twice as fast as the loops.
 */
function reduce(o: Fe, t: Float64Array): void {
  let t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7], t8 = t[8], t9 = t[9], t10 = t[10], t11 = t[11], t12 = t[12], t13 = t[13], t14 = t[14], t15 = t[15], t16 = t[16], t17 = t[17], t18 = t[18], t19 = t[19], t20 = t[20], t21 = t[21], t22 = t[22], t23 = t[23], t24 = t[24], t25 = t[25], t26 = t[26], t27 = t[27], t28 = t[28], t29 = t[29], t30 = t[30], c;
  t0 += 38 * t16;
  t1 += 38 * t17;
  t2 += 38 * t18;
  t3 += 38 * t19;
  t4 += 38 * t20;
  t5 += 38 * t21;
  t6 += 38 * t22;
  t7 += 38 * t23;
  t8 += 38 * t24;
  t9 += 38 * t25;
  t10 += 38 * t26;
  t11 += 38 * t27;
  t12 += 38 * t28;
  t13 += 38 * t29;
  t14 += 38 * t30;
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
  c = (t15 / 65536) | 0; t15 -= c * 65536; t0 += 38 * c;
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
  c = (t15 / 65536) | 0; t15 -= c * 65536; t0 += 38 * c;
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

/** The canonical 32-byte little-endian encoding of a, reduced below p (t, m: scratch). */
function pack(out: Uint8Array, a: Fe, t: Fe, m: Fe): void {
  t.set(a);
  for (let j = 0; j < 3; j++) {
    const c = carry(t);
    t[0] += 38 * c;
  }
  // Now t < 2^256 < 2p + 38: subtract p twice, each time only when that does not go negative.
  for (let j = 0; j < 2; j++) {
    m[0] = t[0] - 0xffed;
    for (let i = 1; i < 15; i++) {
      m[i] = t[i] - 0xffff - ((m[i - 1] >> 16) & 1);
      m[i - 1] &= 0xffff;
    }
    m[15] = t[15] - 0x7fff - ((m[14] >> 16) & 1);
    const borrow = (m[15] >> 16) & 1;
    m[14] &= 0xffff;
    cswap(t, m, 1 - borrow);
  }
  for (let i = 0; i < 16; i++) {
    out[2 * i] = t[i] & 0xff;
    out[2 * i + 1] = t[i] >> 8;
  }
}

/** u-coordinate from 32 bytes, the top bit masked (RFC 7748 5). */
function unpack(o: Fe, b: Uint8Array): void {
  for (let i = 0; i < 16; i++) o[i] = b[2 * i] + (b[2 * i + 1] << 8);
  o[15] &= 0x7fff;
}

/** X25519 with its own working memory (about 1.9 KB), reused by every call. */
export class X25519 {
  private readonly x1: Fe;
  private readonly x2: Fe;
  private readonly z2: Fe;
  private readonly x3: Fe;
  private readonly z3: Fe;
  private readonly a: Fe;
  private readonly aa: Fe;
  private readonly b: Fe;
  private readonly bb: Fe;
  private readonly e: Fe;
  private readonly c: Fe;
  private readonly d: Fe;
  /** A product's 31 limbs. */
  private readonly t: Float64Array;
  private readonly k: Uint8Array;
  private readonly all: Float64Array;

  constructor(private readonly squaring: Squaring) {
    const all = new Float64Array(12 * 16 + 31);
    const el = (i: number): Fe => all.subarray(16 * i, 16 * i + 16);
    this.all = all;
    this.x1 = el(0); this.x2 = el(1); this.z2 = el(2); this.x3 = el(3); this.z3 = el(4);
    this.a = el(5); this.aa = el(6); this.b = el(7); this.bb = el(8); this.e = el(9); this.c = el(10); this.d = el(11);
    this.t = all.subarray(192);
    this.k = new Uint8Array(32);
  }

  private mul(o: Fe, a: Fe, b: Fe): void {
    product(this.t, a, b);
    reduce(o, this.t);
  }

  private sqr(o: Fe, a: Fe, n: number): void {
    const sq = this.squaring; // called as a plain function: no method frame on the ladder (Espruino)
    sq(this.t, a);
    reduce(o, this.t);
    for (let i = 1; i < n; i++) {
      sq(this.t, o);
      reduce(o, this.t);
    }
  }

  /** o = z^(p-2) = 1/z (Fermat) by the usual chain of 254 squarings and 11 multiplications; uses a, aa, b, bb, e. */
  private invert(o: Fe, z: Fe): void {
    const t = this.a, z11 = this.aa, u = this.b, z10 = this.bb, z50 = this.e;
    this.sqr(t, z, 1); // z^2
    this.sqr(u, t, 2);
    this.mul(u, u, z); // z^9
    this.mul(z11, u, t); // z^11
    this.sqr(t, z11, 1);
    this.mul(u, t, u); // z^(2^5 - 1)
    this.sqr(t, u, 5);
    this.mul(z10, t, u); // z^(2^10 - 1)
    this.sqr(t, z10, 10);
    this.mul(u, t, z10); // z^(2^20 - 1)
    this.sqr(t, u, 20);
    this.mul(t, t, u); // z^(2^40 - 1)
    this.sqr(t, t, 10);
    this.mul(z50, t, z10); // z^(2^50 - 1)
    this.sqr(t, z50, 50);
    this.mul(u, t, z50); // z^(2^100 - 1)
    this.sqr(t, u, 100);
    this.mul(t, t, u); // z^(2^200 - 1)
    this.sqr(t, t, 50);
    this.mul(t, t, z50); // z^(2^250 - 1)
    this.sqr(t, t, 5);
    this.mul(o, t, z11); // z^(2^255 - 21)
  }

  /** out = X25519(scalar, u) (RFC 7748 5): 32 bytes each. */
  scalarMult(out: Uint8Array, scalar: Uint8Array, u: Uint8Array): void {
    const x1 = this.x1, x2 = this.x2, z2 = this.z2, x3 = this.x3, z3 = this.z3;
    const a = this.a, aa = this.aa, b = this.b, bb = this.bb, e = this.e, c = this.c, d = this.d;
    const k = this.k;
    k.set(scalar);
    k[0] &= 248;
    k[31] = (k[31] & 127) | 64;
    unpack(x1, u);
    x2.fill(0);
    x2[0] = 1;
    z2.fill(0);
    x3.set(x1);
    z3.fill(0);
    z3[0] = 1;
    let swap = 0;
    for (let i = 254; i >= 0; i--) {
      const bit = (k[i >>> 3] >>> (i & 7)) & 1;
      swap ^= bit;
      cswap(x2, x3, swap);
      cswap(z2, z3, swap);
      swap = bit;
      add(a, x2, z2); // A
      this.sqr(aa, a, 1); // AA
      sub(b, x2, z2); // B
      this.sqr(bb, b, 1); // BB
      sub(e, aa, bb); // E
      add(c, x3, z3); // C
      sub(d, x3, z3); // D
      this.mul(d, d, a); // DA
      this.mul(c, c, b); // CB
      add(x3, d, c);
      this.sqr(x3, x3, 1); // x3 = (DA + CB)^2
      sub(z3, d, c);
      this.sqr(z3, z3, 1);
      this.mul(z3, z3, x1); // z3 = x1 * (DA - CB)^2
      this.mul(x2, aa, bb); // x2 = AA * BB
      for (let j = 0; j < 16; j++) z2[j] = 121665 * e[j]; // a24 * E (RFC 7748: a24 = 121665)
      const c24 = carry(z2);
      z2[0] += 38 * c24;
      add(z2, z2, aa);
      this.mul(z2, z2, e); // z2 = E * (AA + a24 * E)
    }
    cswap(x2, x3, swap);
    cswap(z2, z3, swap);
    this.invert(z2, z2);
    this.mul(x2, x2, z2);
    pack(out, x2, a, b);
    k.fill(0);
    this.all.fill(0);
  }
}

/** The base point's u-coordinate, 9 (read only). */
const BASE = /* @__PURE__ */ new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/**
 * The x25519 group for key_share on X25519 instances: random 32-byte private
 * keys; an all-zero shared secret is refused (RFC 8446 7.4.2). `ladder`
 * gives the instance for each operation: a Context's own, or a new one.
 */
export function x25519KeyExchange(ladder: () => X25519): KeyExchange {
  return {
    group: NamedGroup.x25519,
    publicLen: 32,
    generate(random) {
      const priv = new Uint8Array(32);
      random(priv);
      const pub = new Uint8Array(32);
      ladder().scalarMult(pub, priv, BASE);
      return { priv, pub };
    },
    shared(priv, peerPub) {
      if (peerPub.length !== 32) return null;
      const secret = new Uint8Array(32);
      ladder().scalarMult(secret, priv, peerPub);
      let acc = 0;
      for (let i = 0; i < 32; i++) acc |= secret[i];
      return acc === 0 ? null : secret;
    },
  };
}

/** X25519 with a new X25519 instance per operation (its working memory is garbage right after). */
export const x25519FixedGroup: KeyExchange = /* @__PURE__ */ x25519KeyExchange(() => new X25519(square));
