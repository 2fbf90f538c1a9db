// Profile client-psk: a TLS 1.3 client with pre-shared keys (psk_dhe_ke over
// x25519, and psk_ke), AES-128-CCM, AES-128-CCM_8 and AES-128-GCM: the
// constrained-device profile of RFC 7925. No X.509, no signatures, no RSA.
import type { ContextOptions } from '../config.js';
import { defaults } from './client-psk-defaults.js';
import { ClientContext } from './client.js';
import { withDefaults } from './defaults.js';

export class Context extends ClientContext {
  constructor(options: ContextOptions) {
    super(withDefaults(options, defaults));
  }
}

/** This profile's crypto provider (a port's provider can fall back on it: ports/moddable/native-crypto.js). */
export const defaultCrypto = defaults.crypto;

export * from './api.js';
