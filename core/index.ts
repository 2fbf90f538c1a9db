// The full entry point: the engine with every feature and both sides, the
// crypto provider with X25519 and P-256 on typed arrays (noble for the
// rest) and X.509 as defaults. (The client profiles build a client-only
// Context with the pieces they need.)
import type { ContextOptions } from './config.js';
import { nobleProvider, typedCurvesProvider } from './crypto/noble.js';
import { ClientConnection, clientConnections } from './engine/client-connection.js';
import type { Connection } from './engine/connection.js';
import { CertificateContext } from './engine/certificate-context.js';
import { clientCertificates } from './handshake/client-certificates.js';
import { tls12Client } from './handshake/tls12/client.js';
import { aeadSuite } from './handshake/tls12/suites.js';
import { ServerConnection, serverConnections } from './engine/server-connection.js';
import { withDefaults, type ProfileDefaults } from './profiles/defaults.js';
import { CipherSuite, NamedGroup, SignatureScheme as S } from './registry.js';
import { x509Support } from './x509/support.js';
import { tls12Server } from './handshake/tls12/server.js';

export type Side = 'client' | 'server';

/**
 * Everything the provider does, in our order of preference. X25519 and
 * P-256 on typed arrays (bench/curves): on Node, handshakes cost less CPU
 * than on noble with its tables and allocate a tenth of the heap; on XS
 * they are 5-11 times slower than noble's BigInt math (the device profiles
 * keep noble; `crypto: nobleProvider` does here too).
 */
const defaults: ProfileDefaults = {
  crypto: typedCurvesProvider,
  certificates: x509Support,
  tls12: { client: tls12Client, server: tls12Server, aeadSuite },
  cipherSuites: [
    CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    // TLS 1.2: ECDHE with AEADs only (CCM and PSK suites on request).
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
  ],
  groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1, NamedGroup.x448],
  signatureSchemes: [
    S.ecdsa_secp256r1_sha256, S.ecdsa_secp384r1_sha384, S.ecdsa_secp521r1_sha512,
    S.ed25519, S.ed448,
    S.rsa_pss_rsae_sha256, S.rsa_pss_rsae_sha384, S.rsa_pss_rsae_sha512,
    S.rsa_pss_pss_sha256, S.rsa_pss_pss_sha384, S.rsa_pss_pss_sha512,
    // Only for certificate signatures: TLS 1.3 never uses PKCS#1 v1.5 in CertificateVerify.
    S.rsa_pkcs1_sha256, S.rsa_pkcs1_sha384, S.rsa_pkcs1_sha512,
  ],
};

/** The class newConnection() answers: ClientConnection or ServerConnection, Connection when the side is not known when compiling. */
export type ConnectionFor<S extends Side> = [S] extends ['client'] ? ClientConnection : [S] extends ['server'] ? ServerConnection : Connection;

/**
 * A Context for either side whose crypto provider and certificate support
 * default to typedCurvesProvider and core/x509; `new Context({ side: 'client', ... })
 * .newConnection()` is a ClientConnection.
 */
export class Context<S extends Side = Side> extends CertificateContext<ConnectionFor<S>> {
  constructor(options: ContextOptions & { side: S }) {
    super(withDefaults(options, defaults), { client: clientConnections(clientCertificates), server: serverConnections });
  }
}

export { Connection, type ErrorInfo, type ArenaLayout } from './engine/connection.js';
export { ClientConnection, ServerConnection };
export type { CertificateSupport, ContextOptions, Io, Negotiated, VerifyMode } from './config.js';
export { Alert, ErrorCode, Status, alertName, errorName } from './errors.js';
export { errorMessage } from './x509/errors.js';
export {
  CipherSuite, NamedGroup, SignatureScheme, Version,
  suiteName, groupName, schemeName, parseNameList,
} from './registry.js';
export type { CryptoProvider } from './crypto/types.js';
export { Loop, Task, DONE, YIELD, WAIT, type LoopHost, type LoopOptions, type StepFn } from './loop/scheduler.js';
export { wakeOnReady, type Transport } from './loop/transport.js';
export { nobleProvider, typedCurvesProvider, x509Support };
/** The full profile's crypto provider, under the name every profile exports it by. */
export { typedCurvesProvider as defaultCrypto };
