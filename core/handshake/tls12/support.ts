// What the TLS 1.3 machines and the engine need of TLS 1.2 support, plugged
// in by configuration (ContextOptions.tls12; the full entry point gives
// core/handshake/tls12), so a TLS 1.3-only build carries none of it. Types
// only: this module holds no code. config.ts (a leaf) declares Tls12Client
// and Tls12Server empty; this module gives them their members by module
// augmentation, so config.ts imports nothing from the handshake layer.
import type { Writer } from '../../bytes/writer.js';
import type { Handshake, HandshakeHost } from '../handshake.js';
import type { ClientHello, ServerHello } from '../messages.js';
import type { ServerCredentials } from '../server.js';
import type { Transcript } from '../transcript.js';

/** A saved TLS 1.2 session, opaque to everything but the TLS 1.2 machines. */
export interface Tls12Session {
  readonly version: 0x0303;
}

/** What the client's ClientHello machine hands over when the server chose TLS 1.2. */
export interface Tls12ClientStart {
  /** Our ClientHello's random and legacy_session_id. */
  clientRandom: Uint8Array;
  sessionId: Uint8Array;
  /** The transcript, holding our ClientHello (its hash is not chosen yet). */
  transcript: Transcript;
  /** The session offered (setSession), or null. */
  session: Tls12Session | null;
  /** Whether the ClientHello offered TLS 1.3 too (then the downgrade sentinel is checked). */
  offeredTls13: boolean;
}

declare module '../../config.js' {
  interface Tls12Client {
    /**
     * Writes the ClientHello extensions TLS 1.2 adds (ec_point_formats,
     * extended_master_secret, renegotiation_info, session_ticket with the
     * session's ticket), each as a whole extension.
     */
    writeHelloExtensions(w: Writer, session: Tls12Session | null): void;
    /** Bytes writeHelloExtensions may write, for the arena. */
    helloExtensionsBound: number;
    /** Bytes our TLS 1.2 flight adds to the TLS 1.3 one (the ClientKeyExchange), for the arena. */
    flightBound: number;
    /** Whether a saved session may be offered with this configuration now. */
    usable(session: Tls12Session, c: Credentials): boolean;
    /** The legacy_session_id to send with a session (a session id to resume), or null for our own. */
    sessionId(session: Tls12Session): Uint8Array | null;
    /** The TLS 1.2 client machine, which handles the ServerHello (msg) next. */
    start(host: HandshakeHost, hello: Tls12ClientStart, msg: Uint8Array, sh: ServerHello): Handshake;
    /** A session saved by getSession(), or null when the bytes are no TLS 1.2 session (BAD_SESSION when malformed). */
    decodeSession(bytes: Uint8Array): Tls12Session | null;
  }

  /** What the TLS 1.3 server machine needs of the TLS 1.2 one (tls12/server.ts). */
  interface Tls12Server {
    /**
     * Hands the connection over to the TLS 1.2 server machine, which answers
     * the ClientHello (msg) that negotiated TLS 1.2; auth: the credentials
     * serving it (onServerName's choice).
     */
    start(host: HandshakeHost, own: ServerCredentials, auth: Credentials, serverName: string | null, msg: Uint8Array, ch: ClientHello): void;
    /** Bytes of the TLS 1.2 server's largest flight, for the arena. */
    flightBound(c: ServerCredentials): number;
  }
}

export type { Tls12Client, Tls12Server, Tls12Support } from '../../config.js';
