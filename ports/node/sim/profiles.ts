// Configurations a simulated server or device can run, in one table. A
// device offers exactly its profile's suite, group and signature scheme; a
// server prefers its profile's but accepts every suite and group, and its
// profile picks its certificate (by name: `microtls simulate` takes it
// from the demo PKI, tests from the test PKI; both have these names).
import { CipherSuite as CS, NamedGroup as G, SignatureScheme as S } from '../../../core/registry.js';

export interface Profile {
  description: string;
  cipherSuites: number[];
  /** The TLS 1.2 suites of the same key exchange, AEAD and certificate (`simulate --version 1.2`); none for EdDSA. */
  tls12Suites: number[];
  groups: number[];
  signatureSchemes: number[];
  /** Server certificate: a PKI name (NAME-chain.crt is used when it exists) and NAME.key. */
  serverCert: string;
}

export const PROFILES: Record<string, Profile> = {
  default: {
    description: 'X25519, ECDSA P-256, AES-128-GCM',
    cipherSuites: [CS.TLS_AES_128_GCM_SHA256], tls12Suites: [CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256], groups: [G.x25519],
    signatureSchemes: [S.ecdsa_secp256r1_sha256], serverCert: 'server-ecdsa',
  },
  p256: {
    description: 'secp256r1, ECDSA P-256, AES-128-GCM',
    cipherSuites: [CS.TLS_AES_128_GCM_SHA256], tls12Suites: [CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256], groups: [G.secp256r1],
    signatureSchemes: [S.ecdsa_secp256r1_sha256], serverCert: 'server-ecdsa',
  },
  chacha: {
    description: 'X25519, ECDSA P-256, ChaCha20-Poly1305',
    cipherSuites: [CS.TLS_CHACHA20_POLY1305_SHA256], tls12Suites: [CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256], groups: [G.x25519],
    signatureSchemes: [S.ecdsa_secp256r1_sha256], serverCert: 'server-ecdsa',
  },
  rsa: {
    description: 'X25519, RSA-2048 PSS, AES-128-GCM',
    cipherSuites: [CS.TLS_AES_128_GCM_SHA256], tls12Suites: [CS.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256], groups: [G.x25519],
    signatureSchemes: [S.rsa_pss_rsae_sha256], serverCert: 'server-rsa',
  },
  ed25519: {
    description: 'X25519, Ed25519, AES-128-GCM',
    cipherSuites: [CS.TLS_AES_128_GCM_SHA256], tls12Suites: [], groups: [G.x25519],
    signatureSchemes: [S.ed25519], serverCert: 'server-ed25519',
  },
  p384: {
    description: 'secp384r1, ECDSA P-384, AES-256-GCM',
    cipherSuites: [CS.TLS_AES_256_GCM_SHA384], tls12Suites: [CS.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384], groups: [G.secp384r1],
    signatureSchemes: [S.ecdsa_secp384r1_sha384], serverCert: 'server-ecdsa384',
  },
};

/** Everything the engine supports, for a server's lists after its preferred choices. */
export const ALL_SUITES: number[] = [CS.TLS_AES_128_GCM_SHA256, CS.TLS_AES_256_GCM_SHA384, CS.TLS_CHACHA20_POLY1305_SHA256];
/** The TLS 1.2 suites a simulated server accepts after its profile's. */
export const ALL_TLS12_SUITES = [
  CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CS.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
  CS.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, CS.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, CS.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
  CS.TLS_PSK_WITH_AES_128_GCM_SHA256,
];
export const ALL_GROUPS = [G.x25519, G.secp256r1, G.secp384r1, G.secp521r1, G.x448];

/** The profile named, or an Error listing the known ones. */
export function profile(name: string): Profile {
  const p = Object.prototype.hasOwnProperty.call(PROFILES, name) ? PROFILES[name] : undefined;
  if (!p) throw new Error("unknown profile '" + name + "' (known: " + Object.keys(PROFILES).join(', ') + ')');
  return p;
}

/** A server's lists: the profile's choices first, then everything else the engine offers by default. */
export function serverPreference(first: number[], all: readonly number[]): number[] {
  return first.concat(all.filter((x) => first.indexOf(x) < 0));
}
