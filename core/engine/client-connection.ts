// ClientConnection: the connection core with the client handshake machine,
// and what only a client does: connect(), sessions to resume, 0-RTT data.
import type { Credentials, Io } from '../config.js';
import { ErrorCode, Status, TlsFailure } from '../errors.js';
import { ClientHandshake, MAX_PSK_IDENTITY, clientBounds, type ClientCertificates } from '../handshake/client.js';
import { badSession } from '../session/resumption.js';
import { decodeSession } from '../session/session.js';
import type { Handshake } from '../handshake/handshake.js';
import { arenaLayout, type ArenaLayout } from './arena.js';
import { Connection } from './connection.js';

/** The arena a client connection of this configuration gets (BAD_CONFIG when it cannot work). */
export function clientLayout(c: Credentials, certs: ClientCertificates | null): ArenaLayout {
  const b = clientBounds(c, certs);
  return arenaLayout(c.settings, b.flight, b.message);
}

export class ClientConnection extends Connection {
  /** The ClientHello machine (TLS 1.3 from the ServerHello on); `handshake` is the TLS 1.2 machine once the server chose it. */
  private readonly hello: ClientHandshake;
  protected handshake: Handshake;

  /** certs: the certificate side of the handshake, null for PSK only. */
  constructor(credentials: Credentials, io: Io | null, certs: ClientCertificates | null) {
    super(credentials, io, clientLayout(credentials, certs));
    this.handshake = this.hello = certs ? certs.handshake(this) : new ClientHandshake(this);
  }

  /** Client handshake step: 0 when done, WANT_READ / WANT_WRITE, or a negative error code. */
  override connect(): number {
    return this.drive(true);
  }

  /**
   * The session to resume next time, as bytes to keep (across reboots too)
   * for setSession(): the newest NewSessionTicket's, or the resumed one when
   * the server sent no new ticket; null when there is none.
   */
  override getSession(): Uint8Array | null {
    return this.handshake.sessionBytes();
  }

  /** Before connect(): resume this session (bytes from getSession()). 0, or an error that changes nothing. */
  override setSession(bytes: Uint8Array): number {
    const c = this.hello;
    if (this.failure) return this.failure.code;
    if (c.started) return this.misuse('setSession() is for a client before connect()');
    try {
      // A TLS 1.2 session, where this build and configuration have TLS 1.2.
      const client12 = this.settings.tls12?.client;
      const session12 = client12 ? client12.decodeSession(bytes) : null;
      if (session12) {
        c.session12 = session12;
        return Status.OK;
      }
      const session = decodeSession(bytes);
      if (session.ticket.length > MAX_PSK_IDENTITY) badSession('ticket longer than ' + MAX_PSK_IDENTITY + ' bytes');
      c.session = session;
      return Status.OK;
    } catch (e) {
      return this.refuse(e instanceof TlsFailure ? e : new TlsFailure(ErrorCode.BAD_SESSION, 0, String(e)));
    }
  }

  /**
   * Sends 0-RTT data with the ClientHello when the session allows it (call
   * before or instead of the first connect()). Returns the bytes accepted (0
   * when early data cannot be sent), or an error. Whether the server took
   * them: earlyDataStatus() after the handshake.
   */
  override writeEarlyData(src: Uint8Array, off = 0, len = src.length - off): number {
    const c = this.hello;
    if (this.failure) return this.failure.code;
    if (this.handshake.done) return this.misuse('writeEarlyData() is for a client before the handshake ends');
    try {
      if (!c.started) {
        c.wantEarlyData = true;
        c.start();
      }
      let done = 0;
      const r = this.records;
      while (done < len && c.earlyDataOpen) {
        const room = Math.min(r.writable(), c.earlyDataBudget);
        if (room === 0) break;
        const n = Math.min(room, len - done);
        r.writeAppRecord(src, off + done, n);
        c.earlyDataBudget -= n;
        done += n;
      }
      this.flush();
      return done;
    } catch (e) {
      return this.fatal(e);
    }
  }

  override earlyDataStatus(): 'not_sent' | 'pending' | 'accepted' | 'rejected' {
    const h = this.hello;
    // Failed before the server answered (WRONG_VERSION_ON_EARLY_DATA...): nothing says it took the data, so rejected.
    if (h.earlyData !== 'none' && !this.failure && (h.state === 'CLIENT_HELLO_SENT' || h.state === 'SERVER_HELLO_RECEIVED')) return 'pending';
    return super.earlyDataStatus();
  }
}

/**
 * What a Context needs to make client connections (given by entry points
 * with a client side): with the certificate side, or null for PSK only.
 */
export function clientConnections(certs: ClientCertificates | null): {
  connection(credentials: Credentials, io: Io | null): ClientConnection;
  layout(credentials: Credentials): ArenaLayout;
} {
  return {
    connection: (credentials, io) => new ClientConnection(credentials, io, certs),
    layout: (credentials) => clientLayout(credentials, certs),
  };
}
