// The default crypto provider: pure TypeScript on @noble/*, the same code on
// Node, XS and (without BigInt-only parts) Espruino.
import { CipherSuite } from '../registry.js';
import { aes128gcm, aes256gcm } from './aes-gcm.js';
import { chacha20poly1305 } from './chacha20-poly1305.js';
import { aes128ccm, aes128ccm8 } from './aes-ccm.js';
import { keyExchangeFor } from './groups.js';
import { sha256, sha384, sha512 } from './hash.js';
import { signMessage, verifySignature } from './signature.js';
import type { Aead, CryptoProvider, Hash, HashName } from './types.js';

const hashes: Record<HashName, Hash> = { sha256, sha384, sha512 };
const aeads: Record<number, Aead> = {
  [CipherSuite.TLS_AES_128_GCM_SHA256]: aes128gcm,
  [CipherSuite.TLS_AES_256_GCM_SHA384]: aes256gcm,
  [CipherSuite.TLS_CHACHA20_POLY1305_SHA256]: chacha20poly1305,
  [CipherSuite.TLS_AES_128_CCM_SHA256]: aes128ccm,
  [CipherSuite.TLS_AES_128_CCM_8_SHA256]: aes128ccm8,
};

export const nobleProvider: CryptoProvider = {
  hash: (name) => hashes[name],
  aead: (suite) => aeads[suite],
  group: keyExchangeFor,
  sign: signMessage,
  verify: verifySignature,
};
