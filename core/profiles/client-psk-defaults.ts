// What the client-psk profile offers: SHA-256 with AES-128-CCM, AES-128-CCM_8
// and AES-128-GCM; psk_dhe_ke over x25519 (the ladder alone: no Edwards code), or psk_ke.
import { x25519LadderGroup } from '../crypto/groups.js';
import { composeProvider } from '../crypto/compose.js';
import { NamedGroup } from '../registry.js';
import type { ProfileDefaults } from './defaults.js';
import { pskAeads, pskHashes, pskSuites } from './psk-ciphers.js';

export const defaults: ProfileDefaults = {
  crypto: composeProvider({ hashes: pskHashes, aeads: pskAeads, groups: [x25519LadderGroup] }),
  certificates: null,
  cipherSuites: pskSuites,
  groups: [NamedGroup.x25519],
  pskModes: ['psk_dhe_ke', 'psk_ke'],
};
