// X25519 (RFC 7748 section 5) by the Montgomery ladder on BigInt, in the
// few lines the RFC gives: what the client profiles need for key_share,
// without noble's generic Montgomery-curve code and the field and byte
// utilities it brings (about 3 KB of a bundle, min+gz). On XS, BigInt
// arithmetic runs close to native speed where typed-array limbs
// (x25519.ts) are interpreted: this is the XS choice, x25519.ts the
// Espruino one (no BigInt there). Preloaded (Moddable), BigInt constants
// live in flash, where XS compares them by kind before value: no BigInt
// here is compared with ===, only with < and >.

const P = /* @__PURE__ */ BigInt('0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed');
const A24 = /* @__PURE__ */ BigInt(121665);
const ZERO = /* @__PURE__ */ BigInt(0);
const ONE = /* @__PURE__ */ BigInt(1);
const EIGHT = /* @__PURE__ */ BigInt(8);

function mod(a: bigint): bigint {
  const r = a % P;
  return r < ZERO ? r + P : r;
}

/** The little-endian number of 32 bytes. */
function fromLE(b: Uint8Array): bigint {
  let n = ZERO;
  for (let i = 31; i >= 0; i--) n = (n << EIGHT) + BigInt(b[i]);
  return n;
}

/** z^(p-2) = 1/z (Fermat), square and multiply. */
function invert(z: bigint): bigint {
  let r = ONE;
  let e = P - BigInt(2);
  for (let b = z; e > ZERO; e >>= ONE) {
    if ((e & ONE) > ZERO) r = mod(r * b);
    b = mod(b * b);
  }
  return r;
}

/**
 * X25519(k, u): the scalar clamped (RFC 7748 decodeScalar25519), the
 * u-coordinate's top bit ignored and a non-canonical value reduced; 32
 * bytes out (all zero for a low-order u, which the caller refuses).
 */
export function x25519(scalar: Uint8Array, uBytes: Uint8Array): Uint8Array {
  const k = scalar.slice(0, 32);
  k[0] &= 248;
  k[31] = (k[31] & 127) | 64;
  const u = uBytes.slice(0, 32);
  u[31] &= 127;
  const x1 = mod(fromLE(u));
  let x2 = ONE, z2 = ZERO, x3 = x1, z3 = ONE;
  let swap = 0;
  for (let t = 254; t >= 0; t--) {
    const bit = (k[t >>> 3] >>> (t & 7)) & 1;
    // Conditional swap by arithmetic: d is 0 or the difference.
    const m = BigInt(swap ^ bit);
    let d = m * (x2 - x3);
    x2 -= d;
    x3 += d;
    d = m * (z2 - z3);
    z2 -= d;
    z3 += d;
    swap = bit;
    const a = mod(x2 + z2), aa = mod(a * a), b = mod(x2 - z2), bb = mod(b * b), e = mod(aa - bb);
    const da = mod((x3 - z3) * a), cb = mod((x3 + z3) * b);
    x3 = mod((da + cb) * (da + cb));
    z3 = mod(x1 * mod((da - cb) * (da - cb)));
    x2 = mod(aa * bb);
    z2 = mod(e * (aa + A24 * e));
  }
  const m = BigInt(swap);
  x2 -= m * (x2 - x3);
  z2 -= m * (z2 - z3);
  let out = mod(x2 * invert(z2));
  const r = new Uint8Array(32);
  for (let i = 0; i < 32; i++, out >>= EIGHT) r[i] = Number(out & BigInt(255));
  return r;
}

/** The X25519 public key of a private key: X25519(k, 9). */
export function x25519PublicKey(priv: Uint8Array): Uint8Array {
  const base = new Uint8Array(32);
  base[0] = 9;
  return x25519(priv, base);
}
