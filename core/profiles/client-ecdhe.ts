// Profile client-ecdhe: a TLS 1.3 client authenticating the server by its
// X.509 chain. x25519 (by the Montgomery ladder alone) and secp256r1;
// AES-128-GCM and ChaCha20-Poly1305; ECDSA P-256/P-384 and RSA-PSS
// signatures (and RSA PKCS#1 v1.5 in certificates). Verification only: no
// client certificates, no OCSP stapling, no EdDSA, no ECDSA on P-521 (the
// full profile has those; a P-521 key in a chain does not verify): no
// Edwards-curve, P-521 or signing code in the bundle (the NIST curves are
// points alone: core/crypto/nist-points.ts).
import { aes128gcm } from '../crypto/aes-gcm.js';
import { chacha20poly1305 } from '../crypto/chacha20-poly1305.js';
import { weierstrassGroup, x25519LadderGroup } from '../crypto/groups.js';
import { p256Point } from '../crypto/nist-points.js';
import { sha256 } from '../crypto/hash.js';
import { composeProvider } from '../crypto/compose.js';
import { signatureVerifier, verifyEcdsaP256P384, verifyRsaPkcs1, verifyRsaPss } from '../crypto/signature.js';
import type { ContextOptions } from '../config.js';
import { CipherSuite, NamedGroup, SignatureScheme as S } from '../registry.js';
import { serverVerification } from '../handshake/client-certificates.js';
import { x509Verification } from '../x509/support.js';
import { ClientConnection, clientConnections } from '../engine/client-connection.js';
import { CertificateContext } from '../engine/certificate-context.js';
import { withDefaults, type ProfileDefaults } from './defaults.js';

const defaults: ProfileDefaults = {
  crypto: composeProvider({
    hashes: [sha256],
    aeads: {
      [CipherSuite.TLS_AES_128_GCM_SHA256]: aes128gcm,
      [CipherSuite.TLS_CHACHA20_POLY1305_SHA256]: chacha20poly1305,
    },
    groups: [x25519LadderGroup, weierstrassGroup(NamedGroup.secp256r1, p256Point)],
    verify: signatureVerifier({ ecdsa: verifyEcdsaP256P384, 'rsa-pss': verifyRsaPss, 'rsa-pkcs1': verifyRsaPkcs1 }),
  }),
  certificates: x509Verification,
  cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256],
  groups: [NamedGroup.x25519, NamedGroup.secp256r1],
  signatureSchemes: [
    S.ecdsa_secp256r1_sha256, S.ecdsa_secp384r1_sha384,
    S.rsa_pss_rsae_sha256, S.rsa_pss_rsae_sha384, S.rsa_pss_rsae_sha512,
    S.rsa_pss_pss_sha256, S.rsa_pss_pss_sha384, S.rsa_pss_pss_sha512,
    S.rsa_pkcs1_sha256, S.rsa_pkcs1_sha384, S.rsa_pkcs1_sha512,
  ],
};

/** A client-only Context (no server machine in the bundle) that loads trust anchors. */
export class Context extends CertificateContext<ClientConnection> {
  constructor(options: ContextOptions) {
    super(withDefaults(options, defaults), { client: clientConnections(serverVerification), server: null });
  }
}

/** This profile's crypto provider (a port's provider can fall back on it: ports/moddable/native-crypto.js). */
export const defaultCrypto = defaults.crypto;

export * from './api.js';
/** With the certificate checks' messages (api.ts's errorMessage has none: the PSK profile has no X.509). */
export { errorMessage } from '../x509/errors.js';
