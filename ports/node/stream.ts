// A Duplex stream over a microtls Connection, modelled on node:tls, so code
// written for node:tls (https.request's createConnection, pipes) can use
// microtls: connect() gives a TLSSocket-like stream, createServer() a
// net.Server whose connections are such streams. The transport is the Node
// TCP adapter (socket-io.ts) and its drive helpers.
import { Socket, Server, connect as tcpConnect } from 'node:net';
import { Duplex } from 'node:stream';
import type { Connection } from '../../core/engine/connection.js';
import type { Context } from '../../core/engine/context.js';
import { Context as FullContext } from '../../core/index.js';
import type { ContextOptions, Negotiated, VerifyMode } from '../../core/engine/types.js';
import type { CryptoProvider } from '../../core/crypto/types.js';
import { Status } from '../../core/errors.js';
import { CipherSuite, NamedGroup, SignatureScheme, parseNameList } from '../../core/registry.js';
import { nodeRandom } from './files.js';
import { MicrotlsError, SocketIo, closeSocket, errorFor, handshake, readSome, writeAll } from './socket-io.js';

/** PEM text (string or bytes) or DER bytes. */
export type PemOrDer = string | Uint8Array;

export interface SecureContextOptions {
  /** Trust anchors: PEM (one or more certificates) or DER, or a list of them. */
  ca?: PemOrDer | PemOrDer[];
  /** Our certificate chain (PEM, leaf first, or DER) and its private key. */
  cert?: PemOrDer;
  key?: PemOrDer;
  /** Cipher suites in preference order: IANA names separated by ':' or ',', or codes. */
  cipherSuites?: string | number[];
  /** Key exchange groups ("x25519:secp256r1") or codes. */
  groups?: string | number[];
  /** Signature schemes ("ecdsa_secp256r1_sha256:ed25519") or codes. */
  signatureSchemes?: string | number[];
  /** Peer verification (client default 'require', server default 'none'). */
  verify?: VerifyMode;
  /** ALPN protocol names in preference order (node:tls's ALPNProtocols). */
  alpn?: string[];
  /** Crypto provider (default: the noble provider; see node-crypto.ts for node:crypto). */
  crypto?: CryptoProvider;
  debug?: (line: string) => void;
  keyLog?: (line: string) => void;
  /** A ready Context; the options above are then ignored. */
  context?: Context;
}

export interface ConnectOptions extends SecureContextOptions {
  host?: string;
  port?: number;
  /** An already connected socket to run TLS over instead of opening one (best made with allowHalfOpen). */
  socket?: Socket;
  /** SNI and the name the certificate must match (default: host, else 'localhost'). */
  servername?: string;
  /** Keep our side open after the peer's close_notify (default false, as node:tls). */
  allowHalfOpen?: boolean;
}

function codes(list: string | number[] | undefined, table: Readonly<Record<string, number>>, what: string): number[] | undefined {
  if (list === undefined || Array.isArray(list)) return list;
  const r = parseNameList(list, table);
  if (typeof r === 'string') throw new TypeError('unknown ' + what + ' "' + r + '"');
  return r;
}

/**
 * A Context for one side from node:tls-style options: the full entry point's
 * (noble and X.509 by default), node:crypto's random source, Date.now.
 */
export function createSecureContext(side: 'client' | 'server', o: SecureContextOptions, serverName?: string): Context {
  if (o.context) return o.context;
  const options: ContextOptions = {
    side,
    random: nodeRandom,
    now: Date.now,
    crypto: o.crypto,
    cipherSuites: codes(o.cipherSuites, CipherSuite, 'cipher suite'),
    groups: codes(o.groups, NamedGroup, 'group'),
    signatureSchemes: codes(o.signatureSchemes, SignatureScheme, 'signature scheme'),
    verify: o.verify,
    alpn: o.alpn,
    serverName,
    debug: o.debug,
    keyLog: o.keyLog,
  };
  const ctx = new FullContext(options);
  for (const ca of o.ca === undefined ? [] : Array.isArray(o.ca) ? o.ca : [o.ca]) ctx.loadVerifyBuffer(ca);
  if (o.cert) ctx.useCertificateBuffer(o.cert);
  if (o.key) ctx.usePrivateKeyBuffer(o.key);
  return ctx;
}

/** Application data is read in pieces of at most one record. */
const READ_CHUNK = 16384;

/**
 * A TLS connection as a Duplex: written bytes are sent as application data,
 * received application data is pushed as 'data'. Events as node:tls:
 * 'secureConnect' (client) once the handshake is done, 'data', 'end' at the
 * peer's close_notify, 'error' with a MicrotlsError (code, name, alert),
 * 'close'. end() sends close_notify, then ends the TCP stream; as in
 * node:tls, the peer's close_notify ends our side too unless allowHalfOpen.
 * Unlike node:tls, a TCP close without close_notify is an error
 * (CONNECTION_CLOSED: the data may be truncated), not 'end'.
 */
export class TLSStream extends Duplex {
  readonly encrypted = true;
  readonly conn: Connection;
  readonly socket: Socket;
  private readonly io: SocketIo;
  /** Settles when the handshake is done (rejects with its error). */
  private readonly secured: Promise<void>;
  private readonly readBuf = new Uint8Array(READ_CHUNK);
  private reading = false;

  constructor(context: Context, socket: Socket, allowHalfOpen = false) {
    super({ allowHalfOpen });
    this.socket = socket;
    this.io = new SocketIo(socket);
    this.conn = context.newConnection(this.io);
    this.secured = handshake(this.conn, this.io);
    this.secured.then(
      () => this.emit(context.settings.side === 'client' ? 'secureConnect' : 'secure'),
      (e: Error) => this.destroy(e),
    );
  }

  /** Negotiated parameters (version, suite, group, scheme, peer certificates), null before the handshake ends. */
  getNegotiated(): Negotiated | null {
    return this.conn.negotiated();
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  override _read(): void {
    if (!this.reading) void this.pump();
  }

  /** Moves application data to the readable side until it is full, the peer closed, or an error. */
  private async pump(): Promise<void> {
    this.reading = true;
    try {
      await this.secured;
      for (;;) {
        const n = await readSome(this.conn, this.io, this.readBuf);
        if (n === 0) {
          this.push(null); // close_notify
          return;
        }
        if (!this.push(Buffer.from(this.readBuf.subarray(0, n)))) return; // Buffer.from copies
      }
    } catch (e) {
      this.destroy(e as Error);
    } finally {
      this.reading = false;
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // writeAll resolves once the socket took every record: the socket's own
    // backpressure (drain) reaches the writer through this callback.
    this.secured.then(() => writeAll(this.conn, this.io, chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.secured.then(() => this.closeNotify()).then(() => {
      this.socket.end();
      callback();
    }, callback);
  }

  /** Sends close_notify, waiting while the socket cannot take it. */
  private async closeNotify(): Promise<void> {
    for (;;) {
      const r = this.conn.shutdown();
      if (r === Status.OK) return;
      if (r !== Status.WANT_WRITE) throw errorFor(this.conn, r);
      await this.io.waitEvent();
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error) {
      this.socket.destroy();
      callback(error);
    } else {
      // Destroying at once could drop our close_notify still queued in the socket.
      void closeSocket(this.io).then(() => callback(null));
    }
  }
}

/** Opens a TCP connection (or takes options.socket) and starts a TLS client on it. */
export function connect(options: ConnectOptions, onSecureConnect?: () => void): TLSStream {
  const serverName = options.servername ?? options.host ?? 'localhost';
  const ctx = createSecureContext('client', options, serverName);
  // TCP half-close: the peer's FIN must not end our sending side; TLS decides that (close_notify).
  const socket = options.socket ?? tcpConnect({ host: options.host ?? 'localhost', port: options.port ?? 443, allowHalfOpen: true });
  const stream = new TLSStream(ctx, socket, options.allowHalfOpen);
  if (onSecureConnect) stream.once('secureConnect', onSecureConnect);
  return stream;
}

export interface ServerOptions extends SecureContextOptions {
  /** Keep a connection's side open after the client's close_notify (default false). */
  allowHalfOpen?: boolean;
}

/**
 * A net.Server running the TLS server handshake on each connection: emits
 * 'secureConnection' with a TLSStream once done, 'tlsClientError' (error,
 * stream) when a handshake fails.
 */
export class TLSServer extends Server {
  readonly context: Context;

  constructor(options: ServerOptions, onConnection?: (stream: TLSStream) => void) {
    super({ allowHalfOpen: true }); // as in connect(): only close_notify ends a side
    this.context = createSecureContext('server', options);
    if (onConnection) this.on('secureConnection', onConnection);
    this.on('connection', (socket: Socket) => {
      const stream = new TLSStream(this.context, socket, options.allowHalfOpen);
      // Handshake errors go to the server; later ones to the stream's own listeners.
      const onError = (e: MicrotlsError) => this.emit('tlsClientError', e, stream);
      stream.once('error', onError);
      stream.once('secure', () => {
        stream.off('error', onError);
        this.emit('secureConnection', stream);
      });
    });
  }
}

export function createServer(options: ServerOptions, onConnection?: (stream: TLSStream) => void): TLSServer {
  return new TLSServer(options, onConnection);
}
