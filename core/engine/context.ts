// Context: configuration shared by many connections (like SSL_CTX). It holds
// the parsed trust anchors, our certificate chain and private key, and the
// normalized protocol preferences.
import { constantTimeEqual } from '../crypto/ct.js';
import { schemeMatchesKey } from '../crypto/schemes.js';
import type { CryptoProvider, PrivateKey, PublicKey } from '../crypto/types.js';
import { ErrorCode, Alert, fail } from '../errors.js';
import { CipherSuite, NamedGroup, SignatureScheme } from '../registry.js';
import type { Certificate } from '../x509/certificate.js';
import { Connection } from './connection.js';
import { asciiBytes } from '../bytes/ascii.js';
import { ReplayGuard } from '../session/replay.js';
import { TicketKeys } from '../session/ticket.js';
import type { CertificateSupport, ContextLike, ContextOptions, ExternalPsk, Io, PskMode, VerifyMode } from './types.js';

const DEFAULT_SUITES = [
  CipherSuite.TLS_AES_128_GCM_SHA256,
  CipherSuite.TLS_AES_256_GCM_SHA384,
  CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
];
const DEFAULT_GROUPS = [
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.secp521r1,
  NamedGroup.x448,
];
const S = SignatureScheme;
const DEFAULT_SCHEMES = [
  S.ecdsa_secp256r1_sha256, S.ecdsa_secp384r1_sha384, S.ecdsa_secp521r1_sha512,
  S.ed25519, S.ed448,
  S.rsa_pss_rsae_sha256, S.rsa_pss_rsae_sha384, S.rsa_pss_rsae_sha512,
  S.rsa_pss_pss_sha256, S.rsa_pss_pss_sha384, S.rsa_pss_pss_sha512,
  // Only for certificate signatures: TLS 1.3 never uses PKCS#1 v1.5 in CertificateVerify.
  S.rsa_pkcs1_sha256, S.rsa_pkcs1_sha384, S.rsa_pkcs1_sha512,
];

/** Settings with defaults applied, read by connections. */
export interface Settings {
  side: 'client' | 'server';
  crypto: CryptoProvider;
  certificates: CertificateSupport | null;
  random: (dst: Uint8Array) => void;
  now: (() => number) | null;
  cipherSuites: number[];
  groups: number[];
  signatureSchemes: number[];
  verify: VerifyMode;
  verifyDepth: number;
  serverName: string | null;
  middleboxCompat: boolean;
  maxHandshakeMessage: number;
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

/** Records under one key before we send KeyUpdate: 2^24, within every TLS 1.3 AEAD's limit (RFC 8446 5.5). */
const KEY_UPDATE_AFTER = 16777216;
const MAX_TICKET_LIFETIME = 604800;

export class Context {
  readonly settings: Settings;
  /** Trust anchors. */
  readonly anchors: Certificate[] = [];
  /** Our chain as DER, leaf first, and the parsed leaf. */
  chain: Uint8Array[] = [];
  leaf: Certificate | null = null;
  privateKey: PrivateKey | null = null;
  /** Server: ticket sealing keys (when tickets are on) and the 0-RTT replay guard (when early data is on). */
  readonly ticketKeys: TicketKeys | null;
  readonly replay: ReplayGuard | null;

  constructor(options: ContextOptions) {
    const o = options;
    const crypto = o.crypto ?? bad('crypto provider required');
    if (typeof o.random !== 'function') bad('random source required');
    const verify = o.verify ?? (o.side === 'client' ? 'require' : 'none');
    // Certificate checks (without certificate support there are none: a PSK-only build).
    if (o.certificates && verify !== 'none') {
      if (!o.now && !o.noClock) fail(ErrorCode.NO_CLOCK, Alert.internal_error);
      // Like rustls: a client that verifies the server must know which name to verify (an IP literal is fine).
      if (o.side === 'client' && !o.serverName) bad('serverName is required to verify the server (or set verify: none)');
    }
    const suites = o.cipherSuites ?? DEFAULT_SUITES;
    for (const s of suites) if (!crypto.aead(s)) bad('unsupported cipher suite ' + s);
    const groups = o.groups ?? DEFAULT_GROUPS;
    for (const g of groups) if (!crypto.group(g)) bad('unsupported group ' + g);
    const modes = o.pskModes ?? ['psk_dhe_ke'];
    // Groups are needed for (EC)DHE: only a psk_ke-only configuration may have none.
    if (suites.length === 0 || (groups.length === 0 && (o.side === 'server' || o.certificates || modes.indexOf('psk_dhe_ke') >= 0))) {
      bad('empty suite or group list');
    }
    // Tables now or never: a peer's ClientHello must not trigger their construction.
    if (o.curveTables) for (const g of groups) crypto.group(g)!.precompute?.();
    const mfl = o.maxFragmentLength ?? null;
    if (mfl !== null && [512, 1024, 2048, 4096].indexOf(mfl) < 0) bad('maxFragmentLength must be 512, 1024, 2048 or 4096');
    const rsl = o.recordSizeLimit ?? null;
    if (rsl !== null && !(rsl >= 64 && rsl <= 16384)) bad('recordSizeLimit must be 64..16384');
    const lifetime = o.ticketLifetime ?? 7200;
    if (!(lifetime > 0 && lifetime <= MAX_TICKET_LIFETIME)) bad('ticketLifetime must be 1..604800 seconds');
    if (modes.length === 0) bad('empty pskModes');
    // Tickets need a clock to judge their age; without one the server issues none.
    const tickets = o.side === 'server' && o.now ? o.tickets ?? 2 : 0;
    const maxEarlyData = tickets > 0 ? o.maxEarlyData ?? 0 : 0;
    this.settings = {
      side: o.side,
      crypto,
      certificates: o.certificates ?? null,
      random: o.random,
      // Whole milliseconds: ticket ages and saved sessions count in integers.
      now: o.now ? () => Math.floor(o.now!()) : null,
      cipherSuites: suites.concat(),
      groups: groups.concat(),
      signatureSchemes: (o.signatureSchemes ?? DEFAULT_SCHEMES).concat(),
      verify,
      verifyDepth: o.verifyDepth ?? 9,
      serverName: o.serverName ?? null,
      middleboxCompat: o.middleboxCompat ?? true,
      maxHandshakeMessage: o.maxHandshakeMessage ?? 16384 + 4,
      debug: o.debug ?? null,
      keyLog: o.keyLog ?? null,
      pskClient: o.pskClient ?? null,
      pskServer: o.pskServer ?? null,
      pskModes: modes.concat(),
      tickets,
      ticketLifetime: lifetime,
      maxEarlyData,
      alpn: o.alpn ? o.alpn.map(asciiBytes) : null,
      onServerName: o.onServerName ?? null,
      maxFragmentLength: mfl,
      recordSizeLimit: rsl,
      ocspResponse: o.ocspResponse ?? null,
      ocsp: o.ocsp ?? 'off',
      certificateAuthorities: o.certificateAuthorities ?? false,
      clientHelloPadding: o.clientHelloPadding ?? 0,
      postHandshakeAuth: o.postHandshakeAuth ?? false,
      keyUpdateAfter: o.keyUpdateAfter ?? KEY_UPDATE_AFTER,
    };
    this.ticketKeys = tickets > 0 ? new TicketKeys(crypto, o.random, o.ticketKeys) : null;
    const replay = o.antiReplay ?? { capacity: 1024, windowMs: 10000 };
    this.replay = maxEarlyData > 0 ? new ReplayGuard(replay.capacity, replay.windowMs) : null;
  }

  /** Adds trust anchors (PEM with one or more certificates, or one DER certificate). */
  loadVerifyBuffer(data: Uint8Array | string): void {
    const x509 = this.x509();
    for (const der of x509.readCertificates(data)) this.anchors.push(x509.parseCertificate(der));
  }

  /** Sets our certificate chain (PEM with one or more certificates, leaf first, or one DER). */
  useCertificateBuffer(data: Uint8Array | string): void {
    const x509 = this.x509();
    const chain = x509.readCertificates(data);
    if (chain.length === 0) bad('no certificate in buffer');
    this.leaf = x509.parseCertificate(chain[0]);
    this.chain = chain;
    this.checkKeyPair();
  }

  /** Sets our private key (PEM or DER: PKCS#8, SEC1 EC, PKCS#1 RSA). */
  usePrivateKeyBuffer(data: Uint8Array | string): void {
    this.privateKey = this.x509().parsePrivateKey(data);
    this.checkKeyPair();
  }

  /** A new connection; with `io` it drives the transport itself, without it use receive()/takeOutput(). */
  newConnection(io?: Io): Connection {
    return new Connection(this, io ?? null);
  }

  /** Our signature schemes usable with our key, in our preference order. */
  ownSchemes(): number[] {
    const key = this.privateKey;
    if (!key) return [];
    return this.settings.signatureSchemes.filter((s) => schemeMatchesKey(s, key));
  }

  /** The certificate support, which certificate features need. */
  x509(): CertificateSupport {
    return this.settings.certificates ?? bad('no certificate support configured (options.certificates)');
  }

  private checkKeyPair(): void {
    const key = this.privateKey;
    const leaf = this.leaf;
    if (!key || !leaf) return;
    if (!samePublicKey(key, leaf.publicKey)) {
      fail(ErrorCode.BAD_KEY, Alert.internal_error, 'private key does not match the certificate');
    }
  }
}

function bad(detail: string): never {
  return fail(ErrorCode.BAD_CONFIG, Alert.internal_error, detail);
}

function samePublicKey(priv: PrivateKey, pub: PublicKey): boolean {
  switch (priv.kind) {
    case 'rsa':
      return pub.kind === 'rsa' && pub.n === priv.n && pub.e === priv.e;
    case 'ec':
      return pub.kind === 'ec' && pub.curve === priv.curve && constantTimeEqual(pub.point, priv.point);
    case 'ed25519':
    case 'ed448':
      return pub.kind === priv.kind && constantTimeEqual(pub.key, priv.key);
  }
}
