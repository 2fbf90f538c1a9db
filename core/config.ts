// Configuration: the options a Context is created with, the settings its
// connections read (defaults applied), and the credentials a handshake
// machine sees. A leaf module: it imports only types from below (crypto,
// x509), so the handshake, session and x509 layers and the engine all read
// their configuration from here without importing the engine.
import type { CryptoProvider, PrivateKey, Verifier } from './crypto/types.js';
import type { Certificate } from './x509/certificate.js';
import type { ChainOptions, Revocation } from './x509/chain.js';
import type { Crl } from './x509/crl.js';

/**
 * Certificate support (X.509 parsing and validation), plugged in by
 * configuration so that a PSK-only bundle carries none of it. The full
 * entry point (core/index.ts) plugs in core/x509.
 */
export interface CertificateSupport {
  /** The certificates in a buffer: PEM with one or more, or one DER. */
  readCertificates(data: Uint8Array | string): Uint8Array[];
  parseCertificate(der: Uint8Array): Certificate;
  /** A private key from PEM or DER (PKCS#8, SEC1, PKCS#1); absent in a verification-only build. */
  parsePrivateKey?(data: Uint8Array | string): PrivateKey;
  /**
   * Validates a chain (leaf first) against trust anchors and returns the
   * path it built (leaf ... anchor); throws a TlsFailure naming what failed.
   */
  verifyChain(chain: Certificate[], anchors: Certificate[], opts: ChainOptions): Certificate[];
  /** The CRLs in a buffer: PEM with one or more "X509 CRL" blocks, or one DER. Absent (with crlRevocation): no CRLs. */
  readCrls?(data: Uint8Array | string): Crl[];
  /** The revocation check verifyChain makes over these CRLs at `now`; `required`: an issuer without one fails. */
  crlRevocation?(crls: Crl[], now: number | null, required: boolean): Revocation;
  /** Checks a stapled OCSP response for leaf (issued by issuer); throws on a bad, revoked or stale one. Absent: no OCSP. */
  checkOcspResponse?(response: Uint8Array, leaf: Certificate, issuer: Certificate, opts: { verifier: Verifier; now: number | null; minRsaBits?: number }): void;
}

/**
 * TLS 1.2 support (core/handshake/tls12), plugged in by configuration; a
 * build without it speaks TLS 1.3 only. The members of its two sides are
 * declared in core/handshake/tls12/support.ts (which augments these
 * interfaces), so this leaf module imports nothing from the handshake layer.
 */
export interface Tls12Support {
  client: Tls12Client | null;
  server: Tls12Server | null;
  /** The TLS 1.3 suite code whose AEAD a TLS 1.2 suite uses, or null for no TLS 1.2 suite it knows. */
  aeadSuite(code: number): number | null;
}
export interface Tls12Client {}
export interface Tls12Server {}

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
  /**
   * TLS 1.2 support (core/handshake/tls12), plugged in by the full entry
   * point; a build without it (the device profiles) speaks TLS 1.3 only.
   */
  tls12?: Tls12Support;
  /**
   * Lowest and highest protocol version (Version.TLS12 = 0x0303,
   * Version.TLS13 = 0x0304). Default: 0x0303..0x0304 with TLS 1.2 support,
   * else 0x0304..0x0304.
   */
  minVersion?: number;
  maxVersion?: number;
  /**
   * TLS 1.2: refuse a peer without extended_master_secret (RFC 7627) with
   * handshake_failure (default true). false accepts one, with the weaker
   * master secret (and no resumption of such a session).
   */
  requireExtendedMasterSecret?: boolean;
  /** Secure random bytes into dst. Required: core has no random source. */
  random: (dst: Uint8Array) => void;
  /** Current time in milliseconds since the epoch, for certificate validity. */
  now?: () => number;
  /** Set true on a device without a clock: certificate dates are then not checked. */
  noClock?: boolean;
  /** Cipher suite codes in preference order, TLS 1.3 and TLS 1.2 ones in one list. */
  cipherSuites?: number[];
  /** NamedGroup codes in preference order; a client sends a key_share for the first. */
  groups?: number[];
  /**
   * Build the groups' precomputed base-point tables when the Context is created,
   * and our signing key's when it is set (faster key shares and signatures on
   * noble's curves; ~100-250 KB per curve on XS, kept for the process). Without
   * it no table is ever built: never on demand, whatever a peer offers. Default
   * false. Refused (BAD_CONFIG) in a preloaded Moddable bundle, where no table
   * can be built (core/crypto/curve-tables.ts).
   */
  curveTables?: boolean;
  /** SignatureScheme codes we accept (and, for our own key, may use) in preference order. */
  signatureSchemes?: number[];
  /**
   * Peer verification. Client default: 'require' (verify the server).
   * Server default: 'none' (no CertificateRequest).
   */
  verify?: VerifyMode;
  /** Maximum chain length below the trust anchor (default 9). */
  verifyDepth?: number;

  // --- certificate validation limits and revocation (core/x509/chain.ts) ---
  /** Smallest RSA key accepted in a peer's path, anchors included (default 2048; 1024 at the lowest). */
  minRsaBits?: number;
  /** Signature verifications one chain validation may spend while building paths (default 100). */
  maxChainSignatures?: number;
  /** Refuse a peer certificate whose issuer has no CRL loaded with loadCrlBuffer() (default false). */
  crlRequired?: boolean;

  /** Client: server name for SNI and hostname verification. */
  serverName?: string;
  /** Client: send a dummy ChangeCipherSpec for middlebox compatibility (default true). */
  middleboxCompat?: boolean;
  /** Largest handshake message accepted (default 16384 + 4). */
  maxHandshakeMessage?: number;
  /**
   * Server: largest ClientHello body accepted, apart from maxHandshakeMessage
   * (256..131396). Default: maxHandshakeMessage when that is given (a device
   * configuration keeps its small arena), else 66120: 2^16-1 bytes of
   * extensions, 256 cipher suites and a session id, so every TLS 1.3 hello
   * a client builds fits. A larger one is refused from its header with
   * decode_error (HANDSHAKE_TOO_LARGE); one within the limit is parsed. The
   * server's arena holds the larger of the two limits.
   */
  maxClientHello?: number;
  /** Debug log: one line per event, state names like "connect state: CLIENT_HELLO_SENT". */
  debug?: (line: string) => void;
  /** NSS key log lines: "CLIENT_HANDSHAKE_TRAFFIC_SECRET <client_random> <secret>". */
  keyLog?: (line: string) => void;

  // --- pre-shared keys (RFC 8446 4.2.9, 4.2.11) ---
  /** Client: the external PSK to offer to a server (by the name we connect to), or null. */
  pskClient?: (serverName: string | null) => ExternalPsk | null;
  /** Server: the key for a received identity, or null (then a certificate handshake, if we have one). */
  pskServer?: (identity: Uint8Array) => ExternalPsk | null;
  /** PSK key exchange modes in preference order (default ['psk_dhe_ke']). */
  pskModes?: PskMode[];

  // --- session tickets and 0-RTT (RFC 8446 4.6.1, 4.2.10, 8) ---
  /** Server: NewSessionTicket messages after each handshake (default 2; 0 turns resumption off); one after a ticket resumption. */
  tickets?: number;
  /** Server: ticket lifetime in seconds (default 7200, at most 604800). */
  ticketLifetime?: number;
  /** Server: ticket keys, the first seals (default: one random key per context). */
  ticketKeys?: TicketKey[];
  /** Server: 0-RTT bytes accepted per connection and advertised in tickets (default 0: no early data). */
  maxEarlyData?: number;
  /** Server: anti-replay store for 0-RTT: ticket uses remembered, and the freshness window in ms. */
  antiReplay?: { capacity: number; windowMs: number };

  // --- extensions ---
  /** ALPN protocol names in preference order (client offers, server selects from). */
  alpn?: string[];
  /**
   * Server: called with the SNI name (or null); return a Context whose
   * certificate, key and settings serve this connection, null to keep this
   * one, or false to refuse the name (unrecognized_name).
   */
  onServerName?: (name: string | null) => ContextLike | null | false;
  /**
   * Client: max_fragment_length (RFC 6066) to ask for; the connection's record
   * buffers are sized from it, so a server that does not agree is refused
   * (RECORD_LIMIT_REFUSED). A server honours what clients ask.
   */
  maxFragmentLength?: 512 | 1024 | 2048 | 4096;
  /**
   * record_size_limit (RFC 8449): the largest record plaintext we accept once
   * the peer sent the extension too (64..16384). It binds only when negotiated,
   * so it does not shrink buffers; max_fragment_length does.
   */
  recordSizeLimit?: number;
  /** Server: DER OCSP response to staple for our leaf certificate when asked. */
  ocspResponse?: Uint8Array;
  /** Client: ask for a stapled OCSP response ('request'), or refuse a handshake without a good one ('require'). */
  ocsp?: 'off' | 'request' | 'require';
  /** Send certificate_authorities (our trust anchors' names) in ClientHello / CertificateRequest. */
  certificateAuthorities?: boolean;
  /** Client: pad the ClientHello to this many bytes with the padding extension (RFC 7685). */
  clientHelloPadding?: number;
  /** Client: offer post-handshake client authentication (post_handshake_auth). */
  postHandshakeAuth?: boolean;
  /** Send KeyUpdate after this many records under one key (default 2^24, within every AEAD's limit). */
  keyUpdateAfter?: number;
}

export type PskMode = 'psk_ke' | 'psk_dhe_ke';

/** An external pre-shared key: identity, key, and the hash it is bound to (default sha256). */
export interface ExternalPsk {
  identity: Uint8Array;
  key: Uint8Array;
  hash?: 'sha256' | 'sha384';
}

/** A ticket encryption key: 16-byte name, 32-byte key; accepted until notAfter (ms) when set. */
export interface TicketKey {
  name: Uint8Array;
  key: Uint8Array;
  notAfter?: number;
}

/** What onServerName may return: another Context (any Credentials). */
export type ContextLike = Credentials;

/** Negotiated parameters, readable after the handshake. */
export interface Negotiated {
  version: number;
  cipherSuite: number;
  group: number | null;
  signatureScheme: number | null;
  /** DER certificates the peer sent, leaf first. */
  peerCertificates: Uint8Array[];
  /** ALPN protocol selected, or null. */
  alpn: string | null;
  /** The server name the client sent (SNI), or null. */
  serverName: string | null;
  /** 'full', 'psk' (external PSK) or 'resumed' (ticket). */
  mode: 'full' | 'psk' | 'resumed';
  /** PSK key exchange mode when a PSK was used. */
  pskMode: PskMode | null;
  /** Largest record plaintext we send (max_fragment_length / record_size_limit applied). */
  maxFragment: number;
  /** 0-RTT: 'none' (not offered), 'accepted' or 'rejected'. */
  earlyData: 'none' | 'accepted' | 'rejected';
}

/** Settings with defaults applied, read by connections. */
export interface Settings {
  side: 'client' | 'server';
  crypto: CryptoProvider;
  certificates: CertificateSupport | null;
  tls12: Tls12Support | null;
  /** Versions enabled (0x0303 / 0x0304); a TLS 1.2 version only with tls12 support. */
  minVersion: number;
  maxVersion: number;
  requireExtendedMasterSecret: boolean;
  random: (dst: Uint8Array) => void;
  now: (() => number) | null;
  /** The TLS 1.3 suites of the cipherSuites option, in order (empty when TLS 1.3 is off). */
  cipherSuites: number[];
  /** The TLS 1.2 suites of the cipherSuites option, in order (empty when TLS 1.2 is off). */
  tls12Suites: number[];
  groups: number[];
  signatureSchemes: number[];
  verify: VerifyMode;
  verifyDepth: number;
  /** Chain validation limits and revocation; null: core/x509's defaults. */
  minRsaBits: number | null;
  maxChainSignatures: number | null;
  crlRequired: boolean;
  serverName: string | null;
  middleboxCompat: boolean;
  maxHandshakeMessage: number;
  maxClientHello: number;
  debug: ((line: string) => void) | null;
  keyLog: ((line: string) => void) | null;
  pskClient: ((serverName: string | null) => ExternalPsk | null) | null;
  pskServer: ((identity: Uint8Array) => ExternalPsk | null) | null;
  pskModes: PskMode[];
  tickets: number;
  ticketLifetime: number;
  maxEarlyData: number;
  alpn: Uint8Array[] | null;
  onServerName: ((name: string | null) => ContextLike | null | false) | null;
  maxFragmentLength: number | null;
  recordSizeLimit: number | null;
  ocspResponse: Uint8Array | null;
  ocsp: 'off' | 'request' | 'require';
  certificateAuthorities: boolean;
  clientHelloPadding: number;
  postHandshakeAuth: boolean;
  keyUpdateAfter: number;
}

/** The settings only a server reads (the server's connection factory checks them; a client holds none in effect). */
export type ServerSideSettings = Pick<Settings, 'maxClientHello' | 'pskServer' | 'tickets' | 'ticketLifetime' | 'maxEarlyData' | 'onServerName' | 'ocspResponse'>;

/**
 * What a handshake machine needs of its configuration (a Context provides
 * it): the settings, the trust anchors and our own chain and key.
 */
export interface Credentials {
  readonly settings: Settings;
  readonly anchors: Certificate[];
  /** CRLs checked during chain validation (loadCrlBuffer). */
  readonly crls: Crl[];
  readonly chain: Uint8Array[];
  readonly leaf: Certificate | null;
  readonly privateKey: PrivateKey | null;
  /** The certificate support; fails with BAD_CONFIG in a build without it. */
  x509(): CertificateSupport;
}
