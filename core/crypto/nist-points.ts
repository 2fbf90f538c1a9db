// P-256 and P-384 (SEC 2 2.4.2, 2.5.1) as noble weierstrass points alone.
// @noble/curves/nist.js makes each curve an ECDSA object (signing with RFC
// 6979's HMAC-DRBG, noble's HMAC and DER codec); ECDHE and ECDSA
// verification need only the points (groups.ts, signature.ts), so a
// verify-only profile (client-ecdhe) builds its curves here and bundles
// none of the signing side.
import { weierstrass, type WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';

/** y^2 = x^3 - 3x + b over the prime p, of prime order n, base point (gx, gy): parameters in hex. */
function nistCurve(p: string, n: string, b: string, gx: string, gy: string): WeierstrassPointCons<bigint> {
  const big = (hex: string): bigint => BigInt('0x' + hex);
  const prime = big(p);
  return weierstrass({ p: prime, n: big(n), h: BigInt(1), a: prime - BigInt(3), b: big(b), Gx: big(gx), Gy: big(gy) });
}

// Pure calls: a bundle that uses neither curve keeps none of this.
export const p256Point = /* @__PURE__ */ nistCurve(
  'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
  'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  '5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b',
  '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296',
  '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
);

export const p384Point = /* @__PURE__ */ nistCurve(
  'fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff',
  'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
  'b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef',
  'aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7',
  '3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f',
);
