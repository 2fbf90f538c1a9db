// Public configuration and IO types of the engine.
import type { CryptoProvider, PrivateKey } from '../crypto/types.js';
import type { Certificate } from '../x509/certificate.js';
import type { ChainOptions } from '../x509/chain.js';

/**
 * Certificate support (X.509 parsing and validation), plugged in by
 * configuration so that a PSK-only bundle carries none of it. The full
 * entry point (core/index.ts) plugs in core/x509.
 */
export interface CertificateSupport {
  /** The certificates in a buffer: PEM with one or more, or one DER. */
  readCertificates(data: Uint8Array | string): Uint8Array[];
  parseCertificate(der: Uint8Array): Certificate;
  /** A private key from PEM or DER (PKCS#8, SEC1, PKCS#1). */
  parsePrivateKey(data: Uint8Array | string): PrivateKey;
  /** Validates a chain (leaf first) against trust anchors; throws a TlsFailure naming what failed. */
  verifyChain(chain: Certificate[], anchors: Certificate[], opts: ChainOptions): void;
}

/** Transport callbacks (IO-callback mode). Both never block. */
export interface Io {
  /**
   * Copies received bytes into buf[off, off+n) for some 0 < n <= len and
   * returns n; returns Status.WANT_READ (-2) when nothing is available now,
   * 0 at end of stream, or a negative error. (Offsets instead of views so
   * the engine never allocates a subarray per call.)
   */
  recv(buf: Uint8Array, off: number, len: number): number;
  /**
   * Takes buf[off, off+n) for some 0 < n <= len (copying it if it keeps it)
   * and returns n; Status.WANT_WRITE (-3) when it can take nothing now, or a
   * negative error.
   */
  send(buf: Uint8Array, off: number, len: number): number;
}

export type VerifyMode = 'none' | 'optional' | 'require';

export interface ContextOptions {
  /** 'client' or 'server'. */
  side: 'client' | 'server';
  /** Crypto provider (the full entry point defaults it to the noble provider). */
  crypto?: CryptoProvider;
  /** Certificate support (the full entry point defaults it to core/x509). */
  certificates?: CertificateSupport;
  /** Secure random bytes into dst. Required: core has no random source. */
  random: (dst: Uint8Array) => void;
  /** Current time in milliseconds since the epoch, for certificate validity. */
  now?: () => number;
  /** Set true on a device without a clock: certificate dates are then not checked. */
  noClock?: boolean;
  /** Cipher suite codes in preference order. */
  cipherSuites?: number[];
  /** NamedGroup codes in preference order; a client sends a key_share for the first. */
  groups?: number[];
  /** SignatureScheme codes we accept (and, for our own key, may use) in preference order. */
  signatureSchemes?: number[];
  /**
   * Peer verification. Client default: 'require' (verify the server).
   * Server default: 'none' (no CertificateRequest).
   */
  verify?: VerifyMode;
  /** Maximum chain length below the trust anchor (default 9). */
  verifyDepth?: number;
  /** Client: server name for SNI and hostname verification. */
  serverName?: string;
  /** Client: send a dummy ChangeCipherSpec for middlebox compatibility (default true). */
  middleboxCompat?: boolean;
  /** Largest handshake message accepted (default 16384 + 4). */
  maxHandshakeMessage?: number;
  /** Debug log: one line per event, state names like "connect state: CLIENT_HELLO_SENT". */
  debug?: (line: string) => void;
  /** NSS key log lines: "CLIENT_HANDSHAKE_TRAFFIC_SECRET <client_random> <secret>". */
  keyLog?: (line: string) => void;
}

/** Negotiated parameters, readable after the handshake. */
export interface Negotiated {
  version: number;
  cipherSuite: number;
  group: number | null;
  signatureScheme: number | null;
  /** DER certificates the peer sent, leaf first. */
  peerCertificates: Uint8Array[];
}
