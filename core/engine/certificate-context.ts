// A Context that loads certificates: trust anchors, CRLs, our own chain and
// private key, from buffers (PEM or DER), through the configured certificate
// support. The entry points with X.509 (core/index.ts, client-ecdhe) build
// on it; a PSK-only build's Context has none of these calls, so its bundle
// carries none of this code.
import { constantTimeEqual } from '../crypto/ct.js';
import type { PrivateKey, PublicKey } from '../crypto/types.js';
import type { ContextOptions } from '../config.js';
import { Alert, ErrorCode, fail } from '../errors.js';
import type { Connection } from './connection.js';
import { Context, NO_TABLES, bad, type ConnectionFactories } from './context.js';

const NO_CRLS = 'no CRL support in this build (the full entry point has it)';

export class CertificateContext<C extends Connection = Connection> extends Context<C> {
  constructor(options: ContextOptions, factories: ConnectionFactories) {
    checkCertificateOptions(options);
    super(options, factories);
  }

  /** Adds trust anchors (PEM with one or more certificates, or one DER certificate). */
  loadVerifyBuffer(data: Uint8Array | string): void {
    const x509 = this.x509();
    const n = this.anchors.length;
    for (const der of x509.readCertificates(data)) this.anchors.push(x509.parseCertificate(der));
    this.refit(() => (this.anchors.length = n));
  }

  /**
   * Adds certificate revocation lists (PEM with one or more "X509 CRL"
   * blocks, or one DER CRL). Each is checked, when a path is validated, for
   * the certificates its issuer signed: signature by that issuer, and
   * thisUpdate..nextUpdate against the clock. Indirect, delta and
   * partitioned CRLs are refused here (BAD_CRL).
   */
  loadCrlBuffer(data: Uint8Array | string): void {
    const readCrls = this.x509().readCrls ?? bad(NO_CRLS);
    for (const crl of readCrls(data)) this.crls.push(crl);
  }

  /** Sets our certificate chain (PEM with one or more certificates, leaf first, or one DER). */
  useCertificateBuffer(data: Uint8Array | string): void {
    const x509 = this.x509();
    const chain = x509.readCertificates(data);
    if (chain.length === 0) bad('no certificate in buffer');
    const leaf = this.leaf;
    const before = this.chain;
    this.leaf = x509.parseCertificate(chain[0]);
    this.chain = chain;
    this.refit(() => {
      this.leaf = leaf;
      this.chain = before;
    });
    this.checkKeyPair();
  }

  /** Sets our private key (PEM or DER: PKCS#8, SEC1 EC, PKCS#1 RSA). */
  usePrivateKeyBuffer(data: Uint8Array | string): void {
    const x509 = this.x509();
    if (!x509.parsePrivateKey) bad('no private keys in this build (a verification-only profile)');
    const key = x509.parsePrivateKey(data);
    if (this.curveTables && this.settings.crypto.precomputeSigning?.(key, this.curveTables) === false) bad(NO_TABLES);
    this.privateKey = key;
    this.checkKeyPair();
  }

  /** Checks that connections can still be laid out after a change, undoing it if not. */
  private refit(undo: () => void): void {
    try {
      this.arenaLayout();
    } catch (e) {
      undo();
      throw e;
    }
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

/** The options of certificate verification, refused (NO_CLOCK, BAD_CONFIG naming the option) when they cannot work. */
function checkCertificateOptions(o: ContextOptions): void {
  const verify = o.verify ?? (o.side === 'client' ? 'require' : 'none');
  if (o.certificates && verify !== 'none') {
    if (!o.now && !o.noClock) fail(ErrorCode.NO_CLOCK, Alert.internal_error);
    // Like rustls: a client that verifies the server must know which name to verify (an IP literal is fine).
    if (o.side === 'client' && !o.serverName) bad('serverName is required to verify the server (or set verify: none)');
  }
  // Below 1024 bits RSA is broken outright: no configuration goes there.
  if (o.minRsaBits !== undefined && !(o.minRsaBits >= 1024 && o.minRsaBits <= 8192)) bad('minRsaBits must be 1024..8192');
  if (o.maxChainSignatures !== undefined && !(o.maxChainSignatures >= 1 && o.maxChainSignatures <= 10000)) bad('maxChainSignatures must be 1..10000');
  if (o.crlRequired && !o.certificates?.crlRevocation) bad(NO_CRLS);
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
