// Profile client-psk: a TLS 1.3 client with pre-shared keys only (psk_ke and
// psk_dhe_ke over x25519), AES-128-CCM, AES-128-CCM_8 and AES-128-GCM: the
// constrained-device profile of RFC 7925. No X.509, no signatures, no RSA.
import { aes128ccm, aes128ccm8 } from '../crypto/aes-ccm.js';
import { aes128gcm } from '../crypto/aes-gcm.js';
import { x25519Group } from '../crypto/groups.js';
import { sha256 } from '../crypto/hash.js';
import { composeProvider } from '../crypto/noble.js';
import type { CryptoProvider } from '../crypto/types.js';
import { Context as EngineContext } from '../engine/context.js';
import type { ContextOptions } from '../engine/types.js';
import { CipherSuite } from '../registry.js';
import { withDefaults } from './defaults.js';

export const clientPskProvider: CryptoProvider = composeProvider({
  hashes: [sha256],
  aeads: {
    [CipherSuite.TLS_AES_128_CCM_SHA256]: aes128ccm,
    [CipherSuite.TLS_AES_128_CCM_8_SHA256]: aes128ccm8,
    [CipherSuite.TLS_AES_128_GCM_SHA256]: aes128gcm,
  },
  groups: [x25519Group],
});

export class Context extends EngineContext {
  constructor(options: ContextOptions) {
    super(withDefaults(options, clientPskProvider, null));
  }
}

export * from './api.js';
