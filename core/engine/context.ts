// Context: configuration shared by many connections (like SSL_CTX). It holds
// the parsed trust anchors, our certificate chain and private key, and the
// normalized protocol preferences. It makes connections through the
// factories its entry point gives it (core/index.ts both sides, a client
// profile the client side alone), so it imports no handshake machine itself.
import { constantTimeEqual } from '../crypto/ct.js';
import type { PrivateKey, PublicKey } from '../crypto/types.js';
import { ErrorCode, Alert, fail } from '../errors.js';
import type { Certificate } from '../x509/certificate.js';
import type { Crl } from '../x509/crl.js';
import { asciiBytes } from '../bytes/ascii.js';
import type { ReplayGuard } from '../session/replay.js';
import type { TicketKeys } from '../session/ticket.js';
import type { CertificateSupport, ContextOptions, Credentials, Io, Settings } from '../config.js';
import type { ArenaLayout } from './arena.js';
import type { Connection } from './connection.js';

/** A server context's state shared by its connections: ticket sealing keys and the 0-RTT replay guard. */
export interface ServerState {
  ticketKeys: TicketKeys | null;
  replay: ReplayGuard | null;
}

/**
 * How a Context makes connections, given by its entry point: a side the
 * build does not have is null, and a Context for it is refused (BAD_CONFIG).
 */
export interface ConnectionFactories {
  client: SideFactory | null;
  server: (SideFactory & {
    /** The server state a new Context shares among its connections. */
    state(settings: Settings, options: ContextOptions): ServerState;
  }) | null;
}

/** One side's connections: how to make one, and the arena each gets. */
export interface SideFactory {
  connection(context: Context, io: Io | null): Connection;
  /** Fails with BAD_CONFIG, naming the option, on a configuration whose flights cannot be sent. */
  layout(context: Context): ArenaLayout;
}

/** Records under one key before we send KeyUpdate: 2^24, within every TLS 1.3 AEAD's limit (RFC 8446 5.5). */
const KEY_UPDATE_AFTER = 16777216;
const MAX_TICKET_LIFETIME = 604800;
const NO_CRLS = 'no CRL support in this build (the full entry point has it)';
/**
 * The default ClientHello limit: legacy_version, random, a 32-byte session
 * id, 256 cipher suites, the null compression method and 2^16-1 bytes of
 * extensions (RFC 8446 4.1.2). The largest any hello can be is 131396.
 */
const DEFAULT_MAX_CLIENT_HELLO = 2 + 32 + 33 + 2 + 2 * 256 + 2 + 2 + 0xffff;
const MAX_CLIENT_HELLO = 2 + 32 + 33 + 2 + 0xfffe + 1 + 255 + 2 + 0xffff;

/**
 * C: the connection class newConnection() answers (entry points narrow it
 * to ClientConnection or ServerConnection when the side is known).
 */
export class Context<C extends Connection = Connection> implements Credentials {
  readonly settings: Settings;
  /** Trust anchors. */
  readonly anchors: Certificate[] = [];
  /** CRLs checked during chain validation. */
  readonly crls: Crl[] = [];
  /** Our chain as DER, leaf first, and the parsed leaf. */
  chain: Uint8Array[] = [];
  leaf: Certificate | null = null;
  privateKey: PrivateKey | null = null;
  /** Server: ticket sealing keys (when tickets are on) and the 0-RTT replay guard (when early data is on). */
  readonly ticketKeys: TicketKeys | null;
  readonly replay: ReplayGuard | null;

  constructor(
    options: ContextOptions,
    private readonly factories: ConnectionFactories,
  ) {
    const o = options;
    const clock = o.now;
    if (o.side !== 'client' && o.side !== 'server') bad('side must be client or server');
    if (!factories[o.side]) bad('side: this build has no ' + o.side + ' connections');
    const given = o.crypto ?? bad('crypto provider required');
    // Working memory (curve scratch) for this Context's connections, where the provider has any.
    const crypto = given.instance ? given.instance() : given;
    if (typeof o.random !== 'function') bad('random source required');
    const verify = o.verify ?? (o.side === 'client' ? 'require' : 'none');
    // Certificate checks (without certificate support there are none: a PSK-only build).
    if (o.certificates && verify !== 'none') {
      if (!o.now && !o.noClock) fail(ErrorCode.NO_CLOCK, Alert.internal_error);
      // Like rustls: a client that verifies the server must know which name to verify (an IP literal is fine).
      if (o.side === 'client' && !o.serverName) bad('serverName is required to verify the server (or set verify: none)');
    }
    if (o.ocsp && o.ocsp !== 'off' && !o.certificates?.checkOcspResponse) bad('ocsp: no OCSP support in this build');
    // Every entry point gives its defaults for these (profiles/defaults.ts).
    const suites = o.cipherSuites ?? [];
    for (const s of suites) if (!crypto.aead(s)) bad('unsupported cipher suite ' + s);
    const groups = o.groups ?? [];
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
    // Below 1024 bits RSA is broken outright: no configuration goes there.
    if (o.minRsaBits !== undefined && !(o.minRsaBits >= 1024 && o.minRsaBits <= 8192)) bad('minRsaBits must be 1024..8192');
    if (o.maxChainSignatures !== undefined && !(o.maxChainSignatures >= 1 && o.maxChainSignatures <= 10000)) bad('maxChainSignatures must be 1..10000');
    if (o.crlRequired && !o.certificates?.crlRevocation) bad(NO_CRLS);
    // A configuration that bounds its messages (a device) keeps that bound for the ClientHello too.
    const maxClientHello = o.maxClientHello ?? Math.min(MAX_CLIENT_HELLO, Math.max(256, o.maxHandshakeMessage ?? DEFAULT_MAX_CLIENT_HELLO));
    if (!(maxClientHello >= 256 && maxClientHello <= MAX_CLIENT_HELLO)) bad('maxClientHello must be 256..' + MAX_CLIENT_HELLO);
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
      now: clock ? () => Math.floor(clock()) : null,
      cipherSuites: suites.concat(),
      groups: groups.concat(),
      signatureSchemes: (o.signatureSchemes ?? []).concat(),
      verify,
      verifyDepth: o.verifyDepth ?? 9,
      minRsaBits: o.minRsaBits ?? null,
      maxChainSignatures: o.maxChainSignatures ?? null,
      crlRequired: o.crlRequired ?? false,
      serverName: o.serverName ?? null,
      middleboxCompat: o.middleboxCompat ?? true,
      maxHandshakeMessage: o.maxHandshakeMessage ?? 16384 + 4,
      maxClientHello: maxClientHello,
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
    const server = o.side === 'server' && factories.server ? factories.server.state(this.settings, o) : null;
    this.ticketKeys = server ? server.ticketKeys : null;
    this.replay = server ? server.replay : null;
    this.arenaLayout();
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
    this.privateKey = x509.parsePrivateKey(data);
    this.checkKeyPair();
  }

  /**
   * A new connection of this context's side (ClientConnection or
   * ServerConnection); with `io` it drives the transport itself, without it
   * use receive()/takeOutput().
   */
  newConnection(io?: Io): C {
    return this.side().connection(this, io ?? null) as C;
  }

  /**
   * The arena layout of this context's connections, computed from its
   * configuration (record limits, our chain, the trust anchors' names when
   * certificateAuthorities is on, PSK and ticket bounds).
   */
  arenaLayout(): ArenaLayout {
    return this.side().layout(this);
  }

  private side(): SideFactory {
    // The constructor refused a side without a factory.
    return (this.settings.side === 'client' ? this.factories.client : this.factories.server) as SideFactory;
  }

  /** The certificate support, which certificate features need. */
  x509(): CertificateSupport {
    return this.settings.certificates ?? bad('no certificate support configured (options.certificates)');
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
