// (EC)DHE groups for key_share (RFC 8446 4.2.8.2 and 7.4). Every private key
// comes from the caller's `random`: noble must never reach for its own RNG
// (XS has no crypto.getRandomValues).
import { pow } from '@noble/curves/abstract/modular.js';
import { montgomery } from '@noble/curves/abstract/montgomery.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { ed448, x448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { NamedGroup } from '../registry.js';
import { buildTables, withoutTables } from './curve-tables.js';
import type { KeyExchange } from './types.js';

type Base = Parameters<typeof withoutTables>[0];

/**
 * X25519/X448 (RFC 7748): keys are raw u-coordinates; an all-zero secret is
 * refused (RFC 8446 7.4.2). noble's x25519 and x448 compute public keys on
 * the twin Edwards curve: that curve's base point is the one with (or
 * without) tables; a ladder-only curve has none.
 */
function montgomeryGroup(group: number, curve: typeof x25519, len: number, base: Base | null): KeyExchange {
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
 */
function weierstrassGroup(group: number, curve: typeof p256): KeyExchange {
  const publicLen = curve.lengths.publicKeyUncompressed as number;
  const seedLen = curve.lengths.seed as number;
  withoutTables(curve.Point.BASE);
  return {
    group,
    publicLen,
    precompute: (built) => buildTables(curve.Point.BASE, built),
    generate(random) {
      // A seed 1.5 times the order's size maps to a scalar in [1, n-1] with negligible bias.
      const seed = new Uint8Array(seedLen);
      random(seed);
      const priv = curve.utils.randomSecretKey(seed);
      seed.fill(0);
      return { priv, pub: curve.getPublicKey(priv, false) };
    },
    shared(priv, peerPub) {
      if (peerPub.length !== publicLen || peerPub[0] !== 0x04) return null;
      try {
        // Point decoding checks the curve equation and rejects the identity.
        return curve.getSharedSecret(priv, peerPub, true).subarray(1);
      } catch {
        return null;
      }
    },
  };
}

// Pure: a bundle without a group drops its curve too.
export const x25519Group: KeyExchange = /* @__PURE__ */ montgomeryGroup(NamedGroup.x25519, x25519, 32, ed25519.Point.BASE);
export const x448Group: KeyExchange = /* @__PURE__ */ montgomeryGroup(NamedGroup.x448, x448, 56, ed448.Point.BASE);
export const secp256r1Group: KeyExchange = /* @__PURE__ */ weierstrassGroup(NamedGroup.secp256r1, p256);
export const secp384r1Group: KeyExchange = /* @__PURE__ */ weierstrassGroup(NamedGroup.secp384r1, p384);
export const secp521r1Group: KeyExchange = /* @__PURE__ */ weierstrassGroup(NamedGroup.secp521r1, p521);

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

const P25519 = BigInt('0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed');

/**
 * X25519 by noble's Montgomery ladder alone (RFC 7748 5), without the
 * Edwards fixed-base tables noble's x25519 uses for key generation: key
 * generation costs a second ladder, and a bundle without Ed25519 saves the
 * Edwards curve code (the client-psk profile).
 */
export const x25519LadderGroup: KeyExchange = /* @__PURE__ */ montgomeryGroup(NamedGroup.x25519, /* @__PURE__ */ montgomery({
  P: P25519,
  type: 'x25519',
  adjustScalarBytes(b: Uint8Array): Uint8Array {
    b[0] &= 248;
    b[31] &= 127;
    b[31] |= 64;
    return b;
  },
  powPminus2: (x: bigint): bigint => pow(x, P25519 - BigInt(2), P25519),
}), 32, null);
