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
import type { CertificateSupport, ContextOptions, Io, VerifyMode } from './types.js';

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
}

export class Context {
  readonly settings: Settings;
  /** Trust anchors. */
  readonly anchors: Certificate[] = [];
  /** Our chain as DER, leaf first, and the parsed leaf. */
  chain: Uint8Array[] = [];
  leaf: Certificate | null = null;
  privateKey: PrivateKey | null = null;

  constructor(options: ContextOptions) {
    const o = options;
    const crypto = o.crypto ?? fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'crypto provider required');
    if (typeof o.random !== 'function') fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'random source required');
    if (!o.now && !o.noClock && (o.verify ?? (o.side === 'client' ? 'require' : 'none')) !== 'none') {
      fail(ErrorCode.NO_CLOCK, Alert.internal_error);
    }
    // Like rustls: a client that verifies the server must know which name to verify (an IP literal is fine).
    if (o.side === 'client' && (o.verify ?? 'require') !== 'none' && !o.serverName) {
      fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'serverName is required to verify the server (or set verify: none)');
    }
    const suites = o.cipherSuites ?? DEFAULT_SUITES;
    for (const s of suites) if (!crypto.aead(s)) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'unsupported cipher suite ' + s);
    const groups = o.groups ?? DEFAULT_GROUPS;
    for (const g of groups) if (!crypto.group(g)) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'unsupported group ' + g);
    if (suites.length === 0 || groups.length === 0) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'empty suite or group list');
    this.settings = {
      side: o.side,
      crypto,
      certificates: o.certificates ?? null,
      random: o.random,
      now: o.now ?? null,
      cipherSuites: suites.slice(),
      groups: groups.slice(),
      signatureSchemes: (o.signatureSchemes ?? DEFAULT_SCHEMES).slice(),
      verify: o.verify ?? (o.side === 'client' ? 'require' : 'none'),
      verifyDepth: o.verifyDepth ?? 9,
      serverName: o.serverName ?? null,
      middleboxCompat: o.middleboxCompat ?? true,
      maxHandshakeMessage: o.maxHandshakeMessage ?? 16384 + 4,
      debug: o.debug ?? null,
      keyLog: o.keyLog ?? null,
    };
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
    if (chain.length === 0) fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'no certificate in buffer');
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
    return this.settings.certificates ?? fail(ErrorCode.BAD_CONFIG, Alert.internal_error, 'no certificate support configured (options.certificates)');
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
