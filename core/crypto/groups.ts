// (EC)DHE groups for key_share (RFC 8446 4.2.8.2 and 7.4). Every private key
// comes from the caller's `random`: noble must never reach for its own RNG
// (XS has no crypto.getRandomValues).
import { getMinHashLength, mapHashToField } from '@noble/curves/abstract/modular.js';
import type { WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { ed448, x448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { NamedGroup } from '../registry.js';
import { buildTables, withoutTables } from './curve-tables.js';
import type { KeyExchange } from './types.js';
import { x25519 as x25519Ladder, x25519PublicKey } from './x25519-ladder.js';

type Base = Parameters<typeof withoutTables>[0];

/** X25519 or X448 as noble's x25519/x448 offer them (or x25519-ladder.ts). */
interface MontgomeryCurve {
  getPublicKey(priv: Uint8Array): Uint8Array;
  /** Throws, or returns all zeros, for a low-order point. */
  getSharedSecret(priv: Uint8Array, peerPub: Uint8Array): Uint8Array;
}

/**
 * X25519/X448 (RFC 7748): keys are raw u-coordinates; an all-zero secret is
 * refused (RFC 8446 7.4.2). noble's x25519 and x448 compute public keys on
 * the twin Edwards curve: that curve's base point is the one with (or
 * without) tables; a ladder-only curve has none.
 */
function montgomeryGroup(group: number, curve: MontgomeryCurve, len: number, base: Base | null): KeyExchange {
  if (base) withoutTables(base);
  return {
    group,
    publicLen: len,
    precompute: base ? (built) => buildTables(base, built) : undefined,
    generate(random) {
      const priv = new Uint8Array(len); // clamped by the ladder itself
      random(priv);
      return { priv, pub: curve.getPublicKey(priv) };
    },
    shared(priv, peerPub) {
      if (peerPub.length !== len) return null;
      let secret: Uint8Array;
      try {
        secret = curve.getSharedSecret(priv, peerPub); // throws on low-order points
      } catch {
        return null;
      }
      let acc = 0;
      for (let i = 0; i < len; i++) acc |= secret[i];
      return acc === 0 ? null : secret;
    },
  };
}

/**
 * NIST curves: key shares are uncompressed points 0x04 || X || Y, validated
 * on the curve and not the identity; the shared secret is the X coordinate.
 * Over the curve's points alone (noble's ECDH steps), so a profile without
 * ECDSA signing builds its points without it (nist-points.ts).
 */
export function weierstrassGroup(group: number, Point: WeierstrassPointCons<bigint>): KeyExchange {
  const { Fp, Fn } = Point;
  const publicLen = 1 + 2 * Fp.BYTES;
  // A seed 1.5 times the order's size maps to a scalar in [1, n-1] with negligible bias.
  const seedLen = getMinHashLength(Fn.ORDER);
  withoutTables(Point.BASE);
  return {
    group,
    publicLen,
    precompute: (built) => buildTables(Point.BASE, built),
    generate(random) {
      const seed = new Uint8Array(seedLen);
      random(seed);
      const priv = mapHashToField(seed, Fn.ORDER);
      seed.fill(0);
      return { priv, pub: Point.BASE.multiply(Fn.fromBytes(priv)).toBytes(false) };
    },
    shared(priv, peerPub) {
      if (peerPub.length !== publicLen || peerPub[0] !== 0x04) return null;
      try {
        // Point decoding checks the curve equation; the identity is no public key.
        const peer = Point.fromBytes(peerPub);
        return peer.is0() ? null : peer.multiply(Fn.fromBytes(priv)).toBytes(true).subarray(1);
      } catch {
        return null;
      }
    },
  };
}

// Pure: a bundle without a group drops its curve too.
export const x25519Group: KeyExchange = /* @__PURE__ */ montgomeryGroup(NamedGroup.x25519, x25519, 32, ed25519.Point.BASE);
export const x448Group: KeyExchange = /* @__PURE__ */ montgomeryGroup(NamedGroup.x448, x448, 56, ed448.Point.BASE);
export const secp256r1Group: KeyExchange = /* @__PURE__ */ weierstrassGroup(NamedGroup.secp256r1, p256.Point);
export const secp384r1Group: KeyExchange = /* @__PURE__ */ weierstrassGroup(NamedGroup.secp384r1, p384.Point);
export const secp521r1Group: KeyExchange = /* @__PURE__ */ weierstrassGroup(NamedGroup.secp521r1, p521.Point);

/** The key exchange for a NamedGroup code, or undefined for one not supported. */
export function keyExchangeFor(group: number): KeyExchange | undefined {
  switch (group) {
    case NamedGroup.x25519: return x25519Group;
    case NamedGroup.x448: return x448Group;
    case NamedGroup.secp256r1: return secp256r1Group;
    case NamedGroup.secp384r1: return secp384r1Group;
    case NamedGroup.secp521r1: return secp521r1Group;
  }
  return undefined;
}

/**
 * X25519 by the Montgomery ladder alone (RFC 7748 5, x25519-ladder.ts),
 * without the Edwards fixed-base tables noble's x25519 uses for key
 * generation nor noble's Montgomery code: key generation costs a second
 * ladder, and a bundle without Ed25519 saves the Edwards curve code (the
 * client profiles).
 */
export const x25519LadderGroup: KeyExchange = /* @__PURE__ */ montgomeryGroup(NamedGroup.x25519, {
  getPublicKey: x25519PublicKey,
  getSharedSecret: x25519Ladder,
}, 32, null);
