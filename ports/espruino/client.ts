// A TLS client socket for Espruino, shaped like its net sockets: events
// 'secure' (handshake done), 'data' (a binary string), 'end' (the server's
// close_notify), 'error' ({ code, name, message, alert }), 'close'; write()
// and end(). Every socket event runs step(), which moves the engine as far as
// it can go without blocking.
//
// Closing: Espruino's sockets have no half-close (socket.end() closes both
// ways once the send buffer drains), so the socket is ended only when both
// close_notify alerts have crossed: ours sent and the server's read. Ending
// it right after sending ours would drop the server's answer and read as a
// truncation. A server that does not answer within CLOSE_WAIT_MS is cut off.
import type { Connection } from '../../core/engine/connection.js';
import type { Context } from '../../core/engine/context.js';
import { Status, alertName } from '../../core/errors.js';
import { espruinoContext, requireBuiltin, type EspruinoTlsOptions } from './config.js';
import type { EspruinoCrypto, EspruinoE, EspruinoNet, EspruinoSocket } from './espruino.js';
import { NetIo } from './net-io.js';

declare const E: EspruinoE;
declare const setTimeout: (f: () => void, ms: number) => unknown;
declare const clearTimeout: (id: unknown) => void;

/** How long the socket stays open for the server's close_notify after ours. */
const CLOSE_WAIT_MS = 2000;
/** Largest 'data' event, in bytes. */
const READ_CHUNK = 256;

export interface TlsError {
  code: number;
  name: string;
  message: string;
  /** Alert sent or received ("bad_record_mac"), or "". */
  alert: string;
}

type Listener = (arg?: unknown) => void;

export class TlsClient {
  readonly conn: Connection;
  readonly io: NetIo;
  private readonly listeners: { [event: string]: Listener[] } = {};
  private readonly readBuf: Uint8Array;
  /** Application data waiting for the engine, first at its offset. */
  private readonly queue: Uint8Array[] = [];
  private queueOff = 0;
  private secure = false;
  private ending = false;
  private shutdownDone = false;
  private peerClosed = false;
  private socketEnded = false;
  private closeTimer: unknown = null;
  private finished = false;
  private stepping = false;
  private again = false;

  constructor(context: Context, readonly socket: EspruinoSocket) {
    const self = this;
    this.io = new NetIo(socket, function () { self.step(); });
    this.conn = context.newConnection(this.io);
    // A view at byteOffset 1: for a whole Uint8Array at offset 0, E.toString returns its
    // backing store itself, which the next read would overwrite under the listener.
    // Small: a record arrives as several 'data' events rather than costing a record's worth of RAM.
    this.readBuf = new Uint8Array(READ_CHUNK + 1).subarray(1);
    this.step(); // queues the ClientHello (Espruino sends it once connected)
  }

  on(event: 'secure' | 'end' | 'close', listener: () => void): void;
  on(event: 'data', listener: (data: string) => void): void;
  on(event: 'error', listener: (error: TlsError) => void): void;
  on(event: string, listener: (arg: never) => void): void {
    (this.listeners[event] || (this.listeners[event] = [])).push(listener as Listener);
  }

  private emit(event: string, arg?: unknown): void {
    const list = this.listeners[event];
    if (list) for (let i = 0; i < list.length; i++) list[i](arg);
  }

  /** Sends application data (a binary string or bytes) once the handshake is done. */
  write(data: string | Uint8Array): void {
    this.queue.push(typeof data === 'string' ? E.toUint8Array(data) : new Uint8Array(data));
    this.step();
  }

  /** Sends close_notify after the queued data, then closes the socket once the server's close_notify is in. */
  end(): void {
    this.ending = true;
    this.step();
  }

  /** Runs the engine until it waits for the network; re-entrant calls (from listeners) run after. */
  step(): void {
    if (this.stepping) {
      this.again = true;
      return;
    }
    this.stepping = true;
    do {
      this.again = false;
      this.advance();
    } while (this.again && !this.finished);
    this.stepping = false;
  }

  private advance(): void {
    if (this.finished) return;
    const conn = this.conn;
    if (!this.secure) {
      const r = conn.connect();
      if (r !== Status.OK) {
        if (r < -100) this.fail(r);
        else if (this.io.closed) this.close();
        return;
      }
      this.secure = true;
      this.emit('secure');
    }
    for (;;) {
      const n = conn.read(this.readBuf, 0, this.readBuf.length);
      if (n > 0) {
        this.emit('data', E.toString(this.readBuf.subarray(0, n)));
      } else if (n === 0) {
        if (!this.peerClosed) {
          this.peerClosed = true;
          this.ending = true; // answer the server's close_notify with ours
          this.emit('end');
        }
        break;
      } else if (n < -100) {
        // The transport closing after our close_notify loses nothing the application still wants.
        if (this.shutdownDone && this.io.closed) break;
        return this.fail(n);
      } else {
        break;
      }
    }
    while (this.queue.length > 0) {
      const d = this.queue[0];
      const r = conn.write(d, this.queueOff, d.length - this.queueOff);
      if (r < -100) return this.fail(r);
      if (r <= 0) break;
      this.queueOff += r;
      if (this.queueOff === d.length) {
        this.queue.shift();
        this.queueOff = 0;
      }
    }
    if (this.ending && this.queue.length === 0 && !this.shutdownDone) {
      const r = conn.shutdown();
      if (r < -100) return this.fail(r);
      if (r === Status.OK) {
        this.shutdownDone = true;
        if (!this.peerClosed) {
          const self = this;
          this.closeTimer = setTimeout(function () { self.closeTimer = null; self.endSocket(); }, CLOSE_WAIT_MS);
        }
      }
    }
    if (this.shutdownDone && this.peerClosed) this.endSocket();
    if (this.io.closed) this.close();
  }

  /** Ends the socket once; never a closed one (Espruino would keep a closed socket it is asked to end). */
  private endSocket(): void {
    if (this.socketEnded || this.io.closed) return;
    this.socketEnded = true;
    this.socket.end();
  }

  private fail(code: number): void {
    const e = this.conn.lastError();
    const alert = e ? (e.alertReceived >= 0 ? e.alertReceived : e.alertSent) : -1;
    // An alert answering our ClientHello is the server refusing the PSK (OpenSSL says illegal_parameter for a wrong key).
    const refused = !this.secure && e && e.alertReceived >= 0 ? ': the server refused the PSK handshake (check the identity, the key, and that it takes this PSK mode)' : '';
    this.emit('error', {
      code,
      name: e ? e.name : '',
      message: (e ? e.message : 'error ' + code) + refused,
      alert: alert >= 0 ? alertName(alert) : '',
    });
    this.endSocket();
    this.close();
  }

  private close(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    this.emit('close');
  }
}

interface ConnectTarget {
  host: string;
  port: number;
  /** require("net") */
  net: EspruinoNet;
}

/**
 * Where to connect, and either a context made once for every connection
 * (espruinoContext(require("crypto"), { psk: ... })), or the TLS options and
 * require("crypto") to make one for this connection only: about 200 blocks
 * made and dropped again at every connect() on a 12,000-block board.
 */
export type ConnectOptions = ConnectTarget & ({ context: Context } | (EspruinoTlsOptions & { crypto: EspruinoCrypto; context?: undefined }));

/** Connects to host:port and starts the PSK handshake; onSecure runs when it is done. */
export function connect(options: ConnectOptions, onSecure?: () => void): TlsClient {
  requireBuiltin(options.net && options.net.connect, 'require("net").connect');
  requireBuiltin(E.toUint8Array, 'E.toUint8Array');
  requireBuiltin(E.toString, 'E.toString');
  const context = options.context ? options.context : espruinoContext(options.crypto, options);
  const client = new TlsClient(context, options.net.connect({ host: options.host, port: options.port }));
  if (onSecure) client.on('secure', onSecure);
  return client;
}
