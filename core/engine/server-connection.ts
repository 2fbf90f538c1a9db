// ServerConnection: the connection core with the server handshake machine,
// and what only a server does: accept(), 0-RTT data taken in, post-handshake
// client authentication. Also what a server Context shares among its
// connections: the ticket sealing keys and the 0-RTT replay guard.
import type { ContextOptions, Io, ServerSideSettings, Settings } from '../config.js';
import { Alert, ErrorCode, Status, fail } from '../errors.js';
import { ServerHandshake, serverBounds, type ServerCredentials } from '../handshake/server.js';
import { ReplayGuard } from '../session/replay.js';
import { TicketKeys } from '../session/ticket.js';
import { arenaLayout, type ArenaLayout } from './arena.js';
import { Connection } from './connection.js';

/** The arena a server connection of this configuration gets (BAD_CONFIG when it cannot work). */
export function serverLayout(c: ServerCredentials): ArenaLayout {
  const b = serverBounds(c);
  return arenaLayout(c.settings, b.flight, b.message);
}

export class ServerConnection extends Connection {
  protected readonly handshake: ServerHandshake;

  constructor(credentials: ServerCredentials, io: Io | null = null) {
    super(credentials, io, serverLayout(credentials));
    this.handshake = new ServerHandshake(this, credentials);
  }

  /** Server handshake step: 0 when done, WANT_READ / WANT_WRITE, Status.EARLY_DATA, or a negative error code. */
  override accept(): number {
    return this.drive(true);
  }

  /**
   * Takes 0-RTT data (accept() answers Status.EARLY_DATA when some is
   * waiting). n > 0 bytes, or WANT_READ when none is waiting.
   */
  override readEarlyData(dst: Uint8Array, off = 0, len = dst.length - off): number {
    if (this.failure) return this.failure.code;
    return this.takeEarlyData(dst, off, len);
  }

  /** After the handshake: post-handshake client authentication (the client must have offered it). 0, or an error. */
  override requestClientCertificate(): number {
    const sv = this.handshake;
    if (this.failure) return this.failure.code;
    if (!sv.done || this.closeSent) return this.misuse('requestClientCertificate() is for an open connection after the handshake');
    const why = sv.whyNoClientCertificateRequest();
    if (why) return this.misuse('requestClientCertificate(): ' + why);
    try {
      sv.requestClientCertificate();
      this.flush();
      return Status.OK;
    } catch (e) {
      return this.fatal(e);
    }
  }

  protected override earlyRecord(len: number): boolean {
    const sv = this.handshake;
    if (!sv.readingEarlyData) return false;
    if (len > sv.earlyDataBudget) fail(ErrorCode.EARLY_DATA_LIMIT, Alert.unexpected_message);
    sv.earlyDataBudget -= len;
    return true;
  }
}

const MAX_TICKET_LIFETIME = 604800;
/**
 * The default ClientHello limit: legacy_version, random, a 32-byte session
 * id, 256 cipher suites, the null compression method and 2^16-1 bytes of
 * extensions (RFC 8446 4.1.2). The largest any hello can be is 131396.
 */
const DEFAULT_MAX_CLIENT_HELLO = 2 + 32 + 33 + 2 + 2 * 256 + 2 + 2 + 0xffff;
const MAX_CLIENT_HELLO = 2 + 32 + 33 + 2 + 0xfffe + 1 + 255 + 2 + 0xffff;

function bad(detail: string): never {
  return fail(ErrorCode.BAD_CONFIG, Alert.internal_error, detail);
}

/** What a Context needs to make server connections (given by entry points with a server side). */
export const serverConnections = {
  connection: (credentials: ServerCredentials, io: Io | null): ServerConnection => new ServerConnection(credentials, io),
  layout: serverLayout,
  settings(o: ContextOptions): ServerSideSettings {
    // A configuration that bounds its messages (a device) keeps that bound for the ClientHello too.
    const maxClientHello = o.maxClientHello ?? Math.min(MAX_CLIENT_HELLO, Math.max(256, o.maxHandshakeMessage ?? DEFAULT_MAX_CLIENT_HELLO));
    if (!(maxClientHello >= 256 && maxClientHello <= MAX_CLIENT_HELLO)) bad('maxClientHello must be 256..' + MAX_CLIENT_HELLO);
    const lifetime = o.ticketLifetime ?? 7200;
    if (!(lifetime > 0 && lifetime <= MAX_TICKET_LIFETIME)) bad('ticketLifetime must be 1..604800 seconds');
    // Tickets need a clock to judge their age; without one the server issues none.
    const tickets = o.now ? o.tickets ?? 2 : 0;
    return {
      maxClientHello,
      pskServer: o.pskServer ?? null,
      tickets,
      ticketLifetime: lifetime,
      maxEarlyData: tickets > 0 ? o.maxEarlyData ?? 0 : 0,
      onServerName: o.onServerName ?? null,
      ocspResponse: o.ocspResponse ?? null,
    };
  },
  /** Ticket keys when tickets are on; the replay guard when 0-RTT is on. */
  state(settings: Settings, options: ContextOptions): { ticketKeys: TicketKeys | null; replay: ReplayGuard | null } {
    const replay = options.antiReplay ?? { capacity: 1024, windowMs: 10000 };
    return {
      ticketKeys: settings.tickets > 0 ? new TicketKeys(settings.crypto, settings.random, options.ticketKeys) : null,
      replay: settings.maxEarlyData > 0 ? new ReplayGuard(replay.capacity, replay.windowMs) : null,
    };
  },
};
