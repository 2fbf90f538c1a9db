// What each TLS 1.2 suite of the registry means: how its key exchange is
// authenticated, and which TLS 1.3 suite has the same AEAD and hash
// (providers look AEADs up by TLS 1.3 code; the PRF hash is the suite's
// hash, SHA-256 for the CCM suites, RFC 6655 and 7251).
import { CipherSuite } from '../../registry.js';

/** How a TLS 1.2 suite authenticates its key exchange: an ECDSA or RSA certificate, or a pre-shared key. */
export type Tls12KeyExchange = 'ecdhe_ecdsa' | 'ecdhe_rsa' | 'psk';

/** A TLS 1.2 suite's key exchange and AEAD (as a TLS 1.3 suite code), or null for a code that is no TLS 1.2 suite we know. */
export function tls12Suite(code: number): { kx: Tls12KeyExchange; aead: number } | null {
  const C = CipherSuite;
  switch (code) {
    case C.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: return { kx: 'ecdhe_ecdsa', aead: C.TLS_AES_128_GCM_SHA256 };
    case C.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: return { kx: 'ecdhe_ecdsa', aead: C.TLS_AES_256_GCM_SHA384 };
    case C.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: return { kx: 'ecdhe_ecdsa', aead: C.TLS_CHACHA20_POLY1305_SHA256 };
    case C.TLS_ECDHE_ECDSA_WITH_AES_128_CCM: return { kx: 'ecdhe_ecdsa', aead: C.TLS_AES_128_CCM_SHA256 };
    case C.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8: return { kx: 'ecdhe_ecdsa', aead: C.TLS_AES_128_CCM_8_SHA256 };
    case C.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: return { kx: 'ecdhe_rsa', aead: C.TLS_AES_128_GCM_SHA256 };
    case C.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: return { kx: 'ecdhe_rsa', aead: C.TLS_AES_256_GCM_SHA384 };
    case C.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: return { kx: 'ecdhe_rsa', aead: C.TLS_CHACHA20_POLY1305_SHA256 };
    case C.TLS_PSK_WITH_AES_128_GCM_SHA256: return { kx: 'psk', aead: C.TLS_AES_128_GCM_SHA256 };
    case C.TLS_PSK_WITH_AES_128_CCM_8: return { kx: 'psk', aead: C.TLS_AES_128_CCM_8_SHA256 };
  }
  return null;
}

/** The TLS 1.3 suite whose AEAD a TLS 1.2 suite uses, or null (Tls12Support.aeadSuite). */
export function aeadSuite(code: number): number | null {
  const s = tls12Suite(code);
  return s ? s.aead : null;
}
