// X25519 (RFC 7748) without BigInt, for psk_dhe_ke on Espruino: field
// elements mod 2^255 - 19 as sixteen 16-bit limbs in Float64Arrays (the
// representation of TweetNaCl), where every product and sum stays an exact
// integer below 2^53. The ladder is RFC 7748 section 5's, with a constant
// sequence of operations and arithmetic-mask swaps. The ladder's scratch
// (one Float64Array, views for each element) is allocated per call: a key
// exchange happens once per handshake, and so nothing of it stays in a
// device's memory between handshakes, and no module state changes.
import { NamedGroup } from '../../core/registry.js';
import type { KeyExchange } from '../../core/crypto/types.js';

type Fe = Float64Array;
const fe = (): Fe => new Float64Array(16);

/** Propagates carries so every limb is in [0, 2^16); 2^256 = 38 (mod p) folds the top carry back. */
function carry(o: Fe): void {
  let c = 1;
  for (let i = 0; i < 16; i++) {
    const v = o[i] + c + 65535;
    c = Math.floor(v / 65536);
    o[i] = v - c * 65536;
  }
  o[0] += 38 * (c - 1);
}

/** Swaps p and q when b is 1, without a branch on b. */
function cswap(p: Fe, q: Fe, b: number): void {
  const mask = -b;
  for (let i = 0; i < 16; i++) {
    const t = mask & (p[i] ^ q[i]);
    p[i] ^= t;
    q[i] ^= t;
  }
}

function add(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = a[i] + b[i];
}

function sub(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = a[i] - b[i];
}

/** o = a * b, with t (31 limbs) as scratch; o may be a or b. */
function mul(o: Fe, a: Fe, b: Fe, t: Float64Array): void {
  t.fill(0);
  for (let i = 0; i < 16; i++) {
    const ai = a[i];
    for (let j = 0; j < 16; j++) t[i + j] += ai * b[j];
  }
  for (let i = 0; i < 15; i++) t[i] += 38 * t[i + 16];
  for (let i = 0; i < 16; i++) o[i] = t[i];
  carry(o);
  carry(o);
}

/** o = a^(p-2) = 1/a (Fermat); o may be a. */
function invert(o: Fe, a: Fe, scratch: Fe, t: Float64Array): void {
  scratch.set(a);
  // p - 2 = 2^255 - 21: every bit set from 254 down to 0 but bits 4 and 2.
  for (let i = 253; i >= 0; i--) {
    mul(scratch, scratch, scratch, t);
    if (i !== 2 && i !== 4) mul(scratch, scratch, a, t);
  }
  o.set(scratch);
}

/** The canonical 32-byte little-endian encoding of a, reduced below p. */
function pack(out: Uint8Array, a: Fe, t: Fe, m: Fe): void {
  t.set(a);
  carry(t);
  carry(t);
  carry(t);
  // Subtract p twice when that does not go negative.
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

const A24 = fe();
A24[0] = 0xdb41; // 121665 = 0x1db41
A24[1] = 1;

const BASE = new Uint8Array(32);
BASE[0] = 9;

/** X25519(scalar, u) into out (RFC 7748 5). */
export function scalarMult(out: Uint8Array, scalar: Uint8Array, u: Uint8Array): void {
  // Ladder state and temporaries: twelve field elements and mul's 31-limb product.
  const scratch = new Float64Array(12 * 16 + 31);
  const el = (i: number): Fe => scratch.subarray(16 * i, 16 * i + 16);
  const x1 = el(0), x2 = el(1), z2 = el(2), x3 = el(3), z3 = el(4);
  const ta = el(5), taa = el(6), tb = el(7), tbb = el(8), te = el(9), tc = el(10), td = el(11);
  const prod = scratch.subarray(192);
  const k = new Uint8Array(32);
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
  for (let t = 254; t >= 0; t--) {
    const bit = (k[t >>> 3] >>> (t & 7)) & 1;
    swap ^= bit;
    cswap(x2, x3, swap);
    cswap(z2, z3, swap);
    swap = bit;
    add(ta, x2, z2); // A
    mul(taa, ta, ta, prod); // AA
    sub(tb, x2, z2); // B
    mul(tbb, tb, tb, prod); // BB
    sub(te, taa, tbb); // E
    add(tc, x3, z3); // C
    sub(td, x3, z3); // D
    mul(td, td, ta, prod); // DA
    mul(tc, tc, tb, prod); // CB
    add(x3, td, tc);
    mul(x3, x3, x3, prod); // x3 = (DA + CB)^2
    sub(z3, td, tc);
    mul(z3, z3, z3, prod);
    mul(z3, z3, x1, prod); // z3 = x1 * (DA - CB)^2
    mul(x2, taa, tbb, prod); // x2 = AA * BB
    mul(z2, A24, te, prod);
    add(z2, z2, taa);
    mul(z2, z2, te, prod); // z2 = E * (AA + a24 * E)
  }
  cswap(x2, x3, swap);
  cswap(z2, z3, swap);
  invert(z2, z2, ta, prod);
  mul(x2, x2, z2, prod);
  pack(out, x2, ta, tb);
  k.fill(0);
  scratch.fill(0);
}

/** The x25519 group for key_share: random 32-byte private keys; an all-zero shared secret is refused (RFC 8446 7.4.2). */
export const x25519: KeyExchange = {
  group: NamedGroup.x25519,
  publicLen: 32,
  generate(random) {
    const priv = new Uint8Array(32);
    random(priv);
    const pub = new Uint8Array(32);
    scalarMult(pub, priv, BASE);
    return { priv, pub };
  },
  shared(priv, peerPub) {
    if (peerPub.length !== 32) return null;
    const secret = new Uint8Array(32);
    scalarMult(secret, priv, peerPub);
    let acc = 0;
    for (let i = 0; i < 32; i++) acc |= secret[i];
    return acc === 0 ? null : secret;
  },
};
