// Context: configuration shared by many connections (like SSL_CTX). It holds
// the normalized protocol preferences and the credentials a handshake sees
// (trust anchors, our certificate chain and private key: loaded by
// CertificateContext, certificate-context.ts, in builds with X.509). It makes
// connections through the factories its entry point gives it (core/index.ts
// both sides, a client profile the client side alone), so it imports no
// handshake machine itself.
import type { PrivateKey } from '../crypto/types.js';
import { ErrorCode, Alert, fail } from '../errors.js';
import { TLS12, TLS13, isTls13Suite } from '../registry.js';
import type { Certificate } from '../x509/certificate.js';
import type { Crl } from '../x509/crl.js';
import { asciiBytes } from '../bytes/ascii.js';
import type { ReplayGuard } from '../session/replay.js';
import type { TicketKeys } from '../session/ticket.js';
import type { CertificateSupport, ContextOptions, Credentials, Io, ServerSideSettings, Settings } from '../config.js';
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
    /** The settings only a server reads, checked (BAD_CONFIG naming the option). */
    settings(options: ContextOptions): ServerSideSettings;
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
  /**
   * With option curveTables, the base points whose tables this Context built:
   * the groups' now, our signing key's when it is set. Null without.
   */
  protected readonly curveTables: object[] | null;

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
    // (The certificate options are checked by CertificateContext: a PSK-only build has no certificates to check.)
    if (o.ocsp && o.ocsp !== 'off' && !o.certificates?.checkOcspResponse) bad('ocsp: no OCSP support in this build');
    // Versions: TLS 1.2 needs its support plugged in (the full entry point does).
    const tls12 = o.tls12 ?? null;
    const minVersion = o.minVersion ?? (tls12 ? TLS12 : TLS13);
    const maxVersion = o.maxVersion ?? TLS13;
    for (const v of [minVersion, maxVersion]) if (v !== TLS12 && v !== TLS13) bad('minVersion/maxVersion must be 0x0303 (TLS 1.2) or 0x0304 (TLS 1.3)');
    if (minVersion > maxVersion) bad('minVersion is above maxVersion');
    if (minVersion === TLS12 && !tls12) bad('minVersion: this build has no TLS 1.2 (the full entry point has it)');
    // Every entry point gives its defaults for these (profiles/defaults.ts). One list holds
    // both versions' suites; each version's machine reads its own part.
    const all = o.cipherSuites ?? [];
    // A TLS 1.2 suite's AEAD is looked up by the TLS 1.3 suite with the same one (tls12/suites.ts).
    for (const s of all) if (!crypto.aead(isTls13Suite(s) ? s : tls12?.aeadSuite(s) ?? -1)) bad('unsupported cipher suite ' + s);
    const suites = maxVersion === TLS13 ? all.filter(isTls13Suite) : [];
    const suites12 = minVersion === TLS12 ? all.filter((s) => !isTls13Suite(s)) : [];
    const groups = o.groups ?? [];
    for (const g of groups) if (!crypto.group(g)) bad('unsupported group ' + g);
    const modes = o.pskModes ?? ['psk_dhe_ke'];
    // Groups are needed for (EC)DHE: only a psk_ke-only configuration may have none.
    if (suites.length + suites12.length === 0 || (groups.length === 0 && (o.side === 'server' || o.certificates || modes.indexOf('psk_dhe_ke') >= 0))) {
      bad('empty suite or group list');
    }
    // Tables now or never: a peer's ClientHello must not trigger their construction.
    this.curveTables = o.curveTables === true ? [] : null;
    for (const g of groups) if (this.curveTables && crypto.group(g)!.precompute?.(this.curveTables) === false) bad(NO_TABLES);
    const mfl = o.maxFragmentLength ?? null;
    if (mfl !== null && [512, 1024, 2048, 4096].indexOf(mfl) < 0) bad('maxFragmentLength must be 512, 1024, 2048 or 4096');
    const rsl = o.recordSizeLimit ?? null;
    if (rsl !== null && !(rsl >= 64 && rsl <= 16384)) bad('recordSizeLimit must be 64..16384');
    if (modes.length === 0) bad('empty pskModes');
    const maxHandshakeMessage = o.maxHandshakeMessage ?? 16384 + 4;
    // A client reads none of the server's settings (a ClientHello it gets is unexpected, at most maxHandshakeMessage long).
    const serverSide: ServerSideSettings = o.side === 'server' && factories.server ? factories.server.settings(o) : {
      maxClientHello: maxHandshakeMessage, pskServer: null, tickets: 0, ticketLifetime: 0, maxEarlyData: 0, onServerName: null, ocspResponse: null,
    };
    // (Object.assign: the Espruino lowering has no helper for object spread.)
    this.settings = Object.assign({
      side: o.side,
      crypto,
      certificates: o.certificates ?? null,
      tls12: minVersion === TLS12 ? tls12 : null,
      minVersion,
      maxVersion,
      requireExtendedMasterSecret: o.requireExtendedMasterSecret ?? true,
      random: o.random,
      // Whole milliseconds: ticket ages and saved sessions count in integers.
      now: clock ? () => Math.floor(clock()) : null,
      cipherSuites: suites,
      tls12Suites: suites12,
      groups: groups.concat(),
      signatureSchemes: (o.signatureSchemes ?? []).concat(),
      verify: o.verify ?? (o.side === 'client' ? 'require' : 'none'),
      verifyDepth: o.verifyDepth ?? 9,
      minRsaBits: o.minRsaBits ?? null,
      maxChainSignatures: o.maxChainSignatures ?? null,
      crlRequired: o.crlRequired ?? false,
      serverName: o.serverName ?? null,
      middleboxCompat: o.middleboxCompat ?? true,
      maxHandshakeMessage,
      debug: o.debug ?? null,
      keyLog: o.keyLog ?? null,
      pskClient: o.pskClient ?? null,
      pskModes: modes.concat(),
      alpn: o.alpn ? o.alpn.map(asciiBytes) : null,
      maxFragmentLength: mfl,
      recordSizeLimit: rsl,
      ocsp: o.ocsp ?? 'off',
      certificateAuthorities: o.certificateAuthorities ?? false,
      clientHelloPadding: o.clientHelloPadding ?? 0,
      postHandshakeAuth: o.postHandshakeAuth ?? false,
      keyUpdateAfter: o.keyUpdateAfter ?? KEY_UPDATE_AFTER,
    }, serverSide);
    const server = o.side === 'server' && factories.server ? factories.server.state(this.settings, o) : null;
    this.ticketKeys = server ? server.ticketKeys : null;
    this.replay = server ? server.replay : null;
    this.arenaLayout();
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
}

/** Why curveTables is refused where tables cannot be built (curve-tables.ts). */
export const NO_TABLES = 'curveTables: no curve tables can be built in a preloaded module (set curveTables: false)';

export function bad(detail: string): never {
  return fail(ErrorCode.BAD_CONFIG, Alert.internal_error, detail);
}
