// P-256 and P-384 (SEC 2 2.4.2, 2.5.1) as noble weierstrass points alone.
// @noble/curves/nist.js makes each curve an ECDSA object (signing with RFC
// 6979's HMAC-DRBG, noble's HMAC and DER codec); ECDHE and ECDSA
// verification need only the points (groups.ts, signature.ts), so a
// verify-only profile (client-ecdhe) builds its curves here and bundles
// none of the signing side.
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';

// Pure calls around the whole construction (as nist.js does): a bundle that uses neither curve keeps none of this.
export const p256Point = /* @__PURE__ */ (() => {
  const p = BigInt('0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff');
  return weierstrass({
    p,
    n: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
    h: BigInt(1),
    a: p - BigInt(3),
    b: BigInt('0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b'),
    Gx: BigInt('0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'),
    Gy: BigInt('0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5'),
  });
})();

export const p384Point = /* @__PURE__ */ (() => {
  const p = BigInt('0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff');
  return weierstrass({
    p,
    n: BigInt('0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
    h: BigInt(1),
    a: p - BigInt(3),
    b: BigInt('0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef'),
    Gx: BigInt('0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7'),
    Gy: BigInt('0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f'),
  });
})();
