// Random bytes and key generation, every random bit from the caller's source.
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256r1Group, secp384r1Group, x25519Group } from '../crypto/groups.js';
import { generateRsaKey } from '../crypto/rsa-keygen.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import type { AnyPrivateKey, AnyPublicKey } from './keys.js';
import type { Random, ToolkitProvider } from './provider.js';

/** n random bytes from the injected source. */
export function randomBytes(n: number, random: Random): Uint8Array {
  const b = new Uint8Array(n);
  random(b);
  return b;
}

export type KeyType = 'P-256' | 'P-384' | 'ed25519' | 'x25519' | 'rsa';

export interface GenerateOptions {
  random: Random;
  /** RSA modulus size: 2048 (default), 3072 or 4096. */
  bits?: number;
  provider?: Pick<ToolkitProvider, 'generateRsa'>;
}

/**
 * A new private key (its public half inside). EC scalars come from a seed
 * 1.5 times the order's size reduced mod n (groups.ts, FIPS 186-5 A.2.1);
 * Ed25519 and X25519 keys are 32 random bytes; RSA: rsa-keygen.ts (host only).
 */
export function generateKey(type: KeyType, options: GenerateOptions): AnyPrivateKey {
  const random = options.random;
  switch (type) {
    case 'P-256':
    case 'P-384': {
      const { priv, pub } = (type === 'P-256' ? secp256r1Group : secp384r1Group).generate(random);
      return { kind: 'ec', curve: type, d: priv, point: pub };
    }
    case 'ed25519': {
      const seed = randomBytes(32, random);
      return { kind: 'ed25519', seed, key: ed25519.getPublicKey(seed) };
    }
    case 'x25519': {
      const { priv, pub } = x25519Group.generate(random);
      return { kind: 'x25519', priv, pub };
    }
    case 'rsa': {
      const bits = options.bits ?? 2048;
      return options.provider ? options.provider.generateRsa(bits, random) : generateRsaKey(bits, random);
    }
  }
  return fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'unknown key type ' + JSON.stringify(type) + ' (P-256, P-384, ed25519, x25519, rsa)');
}

/** ECDH / X25519: the shared secret of our private key and the peer's public key; null for an invalid peer key. */
export function deriveSharedSecret(priv: AnyPrivateKey, peer: AnyPublicKey): Uint8Array | null {
  if (priv.kind === 'x25519' && peer.kind === 'x25519') return x25519Group.shared(priv.priv, peer.pub);
  if (priv.kind === 'ec' && peer.kind === 'ec' && priv.curve === peer.curve && priv.curve !== 'P-521') {
    return (priv.curve === 'P-256' ? secp256r1Group : secp384r1Group).shared(priv.d, peer.point);
  }
  return fail(ErrorCode.BAD_KEY, Alert.internal_error, 'key agreement needs two X25519 keys or two EC keys on P-256/P-384');
}
