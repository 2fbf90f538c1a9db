// P-256 and P-384 on the SDK's native curve arithmetic (modules/crypt/arith:
// Montgomery multiplication in C): secp256r1 key exchange and ECDSA
// verification. Points and scalars cross into C as BigInts; the checks a
// peer can drive (point on the curve, 0 < r, s < n, the identity) are done
// here, since the C code assumes valid input. The SDK multiplies by double
// and add, whose time depends on the scalar: acceptable for verification
// (public values) and for an ephemeral ECDHE key used once, which is what
// TLS 1.3 makes of it (the SDK's own TLS does the same).
import { decodeEcdsaSignature } from '../../../core/crypto/ecdsa-der.js';
import type { Hash, KeyExchange, PublicKey, SignatureAlgorithm } from '../../../core/crypto/types.js';
import { NamedGroup } from '../../../core/registry.js';
import type { EC, Modular, NativeSdk, Point } from './sdk.js';

interface CurveParams { p: bigint; b: bigint; gx: bigint; gy: bigint; n: bigint; size: number }

// SEC 2 / FIPS 186-4 domain parameters (a = p - 3).
const P256: CurveParams = {
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  size: 32,
};
const P384: CurveParams = {
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
  b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
  gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
  n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  size: 48,
};

// BigInts from a preloaded module never compare === to run-time ones on XS:
// compare by order only.
const eq = (a: bigint, b: bigint): boolean => !(a < b) && !(a > b);
const isInfinity = (q: Point): boolean => q.z < 1n;

class NativeCurve {
  private readonly ec: EC;
  private readonly order: Modular;
  private readonly g: Point;
  constructor(private readonly sdk: NativeSdk, readonly c: CurveParams) {
    this.ec = new sdk.EC(c.p - 3n, c.b, c.p);
    this.order = new sdk.Modular(c.n);
    this.g = { x: c.gx, y: c.gy, z: 1n };
  }

  int(bytes: Uint8Array): bigint {
    return this.sdk.toBigInt(bytes.slice().buffer);
  }

  /** 0x04 || X || Y as a point on the curve, or null. */
  decode(pub: Uint8Array): Point | null {
    const { p, b, size } = this.c;
    if (pub.length !== 1 + 2 * size || pub[0] !== 0x04) return null;
    const x = this.int(pub.subarray(1, 1 + size));
    const y = this.int(pub.subarray(1 + size));
    if (!(x < p && y < p)) return null;
    // y^2 = x^3 - 3x + b (mod p); the identity has no affine encoding.
    const rhs = (((x * x) % p) * x - 3n * x + b) % p;
    if (!eq((y * y) % p, (rhs + p) % p)) return null;
    return { x, y, z: 1n };
  }

  /** x(k*q) as `size` bytes, or null for the identity. */
  mulX(q: Point, k: bigint): Uint8Array | null {
    const r = this.ec._mul(q, k);
    return isInfinity(r) ? null : new Uint8Array(this.sdk.fromBigInt(r.x, this.c.size));
  }

  encode(k: bigint): Uint8Array {
    const r = this.ec._mul(this.g, k);
    const out = new Uint8Array(1 + 2 * this.c.size);
    out[0] = 0x04;
    out.set(new Uint8Array(this.sdk.fromBigInt(r.x, this.c.size)), 1);
    out.set(new Uint8Array(this.sdk.fromBigInt(r.y, this.c.size)), 1 + this.c.size);
    return out;
  }

  /** ECDSA verification (FIPS 186-4 6.4.2) of r || s over a digest. */
  verify(point: Uint8Array, digest: Uint8Array, rs: Uint8Array): boolean {
    const { n, size } = this.c;
    const q = this.decode(point);
    if (q === null) return false;
    const r = this.int(rs.subarray(0, size));
    const s = this.int(rs.subarray(size));
    if (!(r > 0n && r < n && s > 0n && s < n)) return false;
    // The leftmost bits of the digest, as many as the order has (P-256 and P-384: whole bytes).
    const e = this.int(digest.subarray(0, Math.min(size, digest.length)));
    const w = this.order.mulinv(s);
    const R = this.ec._mul2(this.g, (e * w) % n, q, (r * w) % n);
    return !isInfinity(R) && eq(R.x % n, r);
  }
}

export interface NativeCurves {
  secp256r1: KeyExchange;
  /** ECDSA on P-256 and P-384 with SHA-256 or SHA-384; undefined for what it does not cover. */
  verifyEcdsa(alg: SignatureAlgorithm, key: PublicKey, msg: Uint8Array, sig: Uint8Array): boolean | undefined;
}

export function nativeCurves(sdk: NativeSdk, hashes: { sha256: Hash; sha384: Hash }): NativeCurves {
  const p256 = new NativeCurve(sdk, P256);
  const p384 = new NativeCurve(sdk, P384);
  const { n, size } = P256;
  return {
    secp256r1: {
      group: NamedGroup.secp256r1,
      publicLen: 1 + 2 * size,
      generate(random) {
        // A seed 1.5 times the order's size maps to a scalar in [1, n-1] with negligible bias (FIPS 186-4 B.4.1).
        const seed = new Uint8Array(size + size / 2);
        random(seed);
        const d = (p256.int(seed) % (n - 1n)) + 1n;
        seed.fill(0);
        return { priv: new Uint8Array(sdk.fromBigInt(d, size)), pub: p256.encode(d) };
      },
      shared(priv, peerPub) {
        const q = p256.decode(peerPub);
        return q === null ? null : p256.mulX(q, p256.int(priv));
      },
    },
    verifyEcdsa(alg, key, msg, sig) {
      if (alg.type !== 'ecdsa' || key.kind !== 'ec' || (alg.hash !== 'sha256' && alg.hash !== 'sha384')) return undefined;
      const curve = key.curve === 'P-256' ? p256 : key.curve === 'P-384' ? p384 : null;
      // Compressed keys (rare in certificates) go to the fallback, which decompresses them.
      if (curve === null || key.point[0] !== 0x04) return undefined;
      const rs = decodeEcdsaSignature(sig, curve.c.size);
      if (rs === null) return false;
      const hash = hashes[alg.hash];
      const digest = new Uint8Array(hash.outputLen);
      hash.create().update(msg).digestInto(digest);
      return curve.verify(key.point, digest, rs);
    },
  };
}
