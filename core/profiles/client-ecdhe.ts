// Profile client-ecdhe: a TLS 1.3 client authenticating the server by its
// X.509 chain. x25519 and secp256r1; AES-128-GCM and ChaCha20-Poly1305;
// ECDSA, RSA-PSS (and PKCS#1 v1.5 in certificates) and Ed25519 verification.
// No signing: no client certificates (use the full profile for those).
import { aes128gcm } from '../crypto/aes-gcm.js';
import { chacha20poly1305 } from '../crypto/chacha20-poly1305.js';
import { secp256r1Group, x25519Group } from '../crypto/groups.js';
import { sha256, sha384 } from '../crypto/hash.js';
import { composeProvider } from '../crypto/noble.js';
import { verifySignature } from '../crypto/signature.js';
import type { CryptoProvider } from '../crypto/types.js';
import { Context as EngineContext } from '../engine/context.js';
import type { ContextOptions } from '../engine/types.js';
import { CipherSuite } from '../registry.js';
import { x509Support } from '../x509/support.js';
import { withDefaults } from './defaults.js';

export const clientEcdheProvider: CryptoProvider = composeProvider({
  hashes: [sha256, sha384],
  aeads: {
    [CipherSuite.TLS_AES_128_GCM_SHA256]: aes128gcm,
    [CipherSuite.TLS_CHACHA20_POLY1305_SHA256]: chacha20poly1305,
  },
  groups: [x25519Group, secp256r1Group],
  verify: verifySignature,
});

export class Context extends EngineContext {
  constructor(options: ContextOptions) {
    super(withDefaults(options, clientEcdheProvider, x509Support));
  }
}

export * from './api.js';
