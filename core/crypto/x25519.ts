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

/** Swaps p and q when b is 1, without a branch on b (limbs must be integers in int32 range). */
function cswap(p: Fe, q: Fe, b: number): void {
  const mask = -b;
  for (let i = 0; i < 16; i++) {
    const t = mask & (p[i] ^ q[i]);
    p[i] ^= t;
    q[i] ^= t;
  }
}

/** o = t[0..30] mod p, limbs normalized but for limb 0, which may exceed 2^16 by a few hundred. */
function reduce(o: Fe, t: Float64Array): void {
  for (let i = 0; i < 15; i++) o[i] = t[i] + 38 * t[i + 16];
  o[15] = t[15];
  // (carry first: `o[0] += f(o)` would read o[0] before f changes it)
  let c = carry(o);
  o[0] += 38 * c;
  c = carry(o);
  o[0] += 38 * c;
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

  constructor() {
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
    square(this.t, a);
    reduce(o, this.t);
    for (let i = 1; i < n; i++) {
      square(this.t, o);
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
export const x25519FixedGroup: KeyExchange = /* @__PURE__ */ x25519KeyExchange(() => new X25519());
