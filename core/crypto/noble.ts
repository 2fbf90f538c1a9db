// The default crypto provider: pure TypeScript on @noble/*, the same code on
// Node, XS and (without BigInt-only parts) Espruino. Every suite, group and
// signature algorithm this stack has; profiles compose smaller ones
// (compose.ts, core/profiles/).
import { CipherSuite } from '../registry.js';
import { aes128gcm, aes256gcm } from './aes-gcm.js';
import { chacha20poly1305 } from './chacha20-poly1305.js';
import { aes128ccm, aes128ccm8 } from './aes-ccm.js';
import { composeProvider } from './compose.js';
import { secp256r1Group, secp384r1Group, secp521r1Group, x25519Group, x448Group } from './groups.js';
import { sha256, sha384, sha512 } from './hash.js';
import { precomputeSigning, signMessage, verifySignature } from './signature.js';
import type { CryptoProvider } from './types.js';

export const nobleProvider: CryptoProvider = composeProvider({
  hashes: [sha256, sha384, sha512],
  aeads: {
    [CipherSuite.TLS_AES_128_GCM_SHA256]: aes128gcm,
    [CipherSuite.TLS_AES_256_GCM_SHA384]: aes256gcm,
    [CipherSuite.TLS_CHACHA20_POLY1305_SHA256]: chacha20poly1305,
    [CipherSuite.TLS_AES_128_CCM_SHA256]: aes128ccm,
    [CipherSuite.TLS_AES_128_CCM_8_SHA256]: aes128ccm8,
  },
  groups: [x25519Group, secp256r1Group, secp384r1Group, secp521r1Group, x448Group],
  verify: verifySignature,
  sign: signMessage,
  precomputeSigning,
});
