// The hash and AEADs of the client-psk profile: pure JS, no BigInt.
import { aes128ccm, aes128ccm8 } from '../crypto/aes-ccm.js';
import { aes128gcm } from '../crypto/aes-gcm.js';
import { sha256 } from '../crypto/hash.js';
import type { Aead, Hash } from '../crypto/types.js';
import { CipherSuite } from '../registry.js';

export const pskHashes: Hash[] = [sha256];
/** In preference order: CCM, then CCM_8 (RFC 7925), then GCM. */
export const pskSuites: number[] = [
  CipherSuite.TLS_AES_128_CCM_SHA256,
  CipherSuite.TLS_AES_128_CCM_8_SHA256,
  CipherSuite.TLS_AES_128_GCM_SHA256,
];
export const pskAeads: Record<number, Aead> = {
  [CipherSuite.TLS_AES_128_CCM_SHA256]: aes128ccm,
  [CipherSuite.TLS_AES_128_CCM_8_SHA256]: aes128ccm8,
  [CipherSuite.TLS_AES_128_GCM_SHA256]: aes128gcm,
};
