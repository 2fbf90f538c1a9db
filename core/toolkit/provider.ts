// What the crypto toolkit asks of a provider. Every toolkit function takes an
// optional provider and otherwise uses core's own piece for that one
// function (noble.ts lists them all), so an application importing `digest`
// bundles SHA-2 and nothing else. ports/node/node-toolkit.ts offers the same
// on node:crypto (OpenSSL): same inputs, same results.
import type { CbcCipher } from '../crypto/aes-cbc.js';
import type { RsaOps } from '../crypto/rsa-encryption.js';
import type { Aead, Hash, HashName, PrivateKey, Signer, Verifier } from '../crypto/types.js';

/** AEADs by their usual names; nonces are 12 bytes, tags 16. */
export type AeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/** Fills its argument with secure random bytes (the platform's source: node:crypto, the ESP32 RNG, ...). */
export type Random = (dst: Uint8Array) => void;

export interface ToolkitProvider {
  hash(name: HashName): Hash;
  aead(name: AeadName): Aead;
  cbc: CbcCipher;
  rsa: RsaOps;
  sign: Signer['sign'];
  verify: Verifier['verify'];
  /** An RSA key of `bits` bits with e = 65537. */
  generateRsa(bits: number, random: Random): Extract<PrivateKey, { kind: 'rsa' }>;
}
