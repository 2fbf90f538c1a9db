// The signature curves (ECDSA P-256/384/521, Ed25519, Ed448), each without
// precomputed base-point tables (curve-tables.ts). Signatures and key parsing
// import them from here, so no use of theirs builds a table on demand. Pure
// calls: a bundle that uses none of them drops them all.
import { ed25519 as ed25519Curve } from '@noble/curves/ed25519.js';
import { ed448 as ed448Curve } from '@noble/curves/ed448.js';
import { p256 as p256Curve, p384 as p384Curve, p521 as p521Curve } from '@noble/curves/nist.js';
import { withoutTables } from './curve-tables.js';

function tableFree<C extends { Point: { BASE: Parameters<typeof withoutTables>[0] } }>(curve: C): C {
  withoutTables(curve.Point.BASE);
  return curve;
}

export const p256 = /* @__PURE__ */ tableFree(p256Curve);
export const p384 = /* @__PURE__ */ tableFree(p384Curve);
export const p521 = /* @__PURE__ */ tableFree(p521Curve);
export const ed25519 = /* @__PURE__ */ tableFree(ed25519Curve);
export const ed448 = /* @__PURE__ */ tableFree(ed448Curve);
