// A TLS client over an ECMA-419 TCP socket: opens the socket, runs the
// handshake and moves application data from the socket's callbacks. Nothing
// blocks: every step runs when the socket reports readable, writable or an
// error, and stops at WANT_READ / WANT_WRITE until the next report.
import type { Connection, ErrorInfo } from '../../core/engine/connection.js';
import type { Context } from '../../core/engine/context.js';
import { Status, errorMessage, errorName } from '../../core/errors.js';
import { TcpIo, type TcpSocket } from './tcp-io.js';

/** The constructor options of `embedded:io/socket/tcp` this client uses. */
export interface TcpOptions {
  /** Dotted IPv4 address (the ESP32 socket does no name lookup). */
  address: string;
  port: number;
  format: 'buffer';
  onReadable(count: number): void;
  onWritable(count: number): void;
  onError(): void;
}

export type TcpConstructor = new (options: TcpOptions) => TcpSocket;

export interface TlsClientOptions {
  /** The socket class: `import TCP from "embedded:io/socket/tcp"`. */
  TCP: TcpConstructor;
  address: string;
  port: number;
  /** A client Context of any profile. */
  context: Context;
  /** Largest piece handed to onData (default 1024 bytes). */
  readSize?: number;
  onConnect?(client: TlsClient): void;
  /** Application data; the view is reused after the call returns (copy what you keep). */
  onData?(client: TlsClient, data: Uint8Array): void;
  /** The connection closed cleanly (close_notify both ways). */
  onClose?(client: TlsClient): void;
  onError?(client: TlsClient, error: ErrorInfo): void;
}

export class TlsClient {
  readonly connection: Connection;
  private readonly io = new TcpIo();
  private readonly options: TlsClientOptions;
  private readonly readBuf: Uint8Array;
  /** Application data waiting for room, oldest first; head is how far queue[0] went. */
  private readonly queue: Uint8Array[] = [];
  private head = 0;
  private state: 'handshake' | 'open' | 'closing' | 'closed' = 'handshake';

  constructor(options: TlsClientOptions) {
    this.options = options;
    this.readBuf = new Uint8Array(options.readSize ?? 1024);
    this.connection = options.context.newConnection(this.io);
    const io = this.io;
    io.socket = new options.TCP({
      address: options.address,
      port: options.port,
      format: 'buffer',
      onReadable: (count) => {
        io.onReadable(count);
        this.pump();
      },
      onWritable: (count) => {
        io.onWritable(count);
        this.pump();
      },
      onError: () => {
        io.onError();
        this.pump();
      },
    });
  }

  /** Queues application data; it is sent once the handshake is done and as the socket takes it. */
  write(data: Uint8Array): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.queue.push(data);
    this.pump();
  }

  /** Sends close_notify after the queued data, then closes the socket. */
  close(): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.state = this.state === 'open' ? 'closing' : 'closed';
    if (this.state === 'closed') this.finish(null);
    else this.pump();
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  private pump(): void {
    const c = this.connection;
    if (this.state === 'closed') return;
    if (this.state === 'handshake') {
      const st = c.connect();
      if (st < -100) return this.finish(st);
      if (st !== Status.OK) return;
      this.state = 'open';
      this.options.onConnect?.(this);
    }
    if (!this.sendQueued()) return;
    if (this.state === 'closing' && this.queue.length === 0) {
      const st = c.shutdown();
      if (st === Status.OK) return this.finish(null);
      if (st < -100) return this.finish(st);
      return;
    }
    for (;;) {
      const n = c.read(this.readBuf);
      if (n > 0) {
        this.options.onData?.(this, this.readBuf.subarray(0, n));
        if (this.closed) return; // onData closed the client
        continue;
      }
      if (n === 0) {
        // The peer sent close_notify: answer with ours and close.
        this.state = 'closing';
        this.queue.length = 0;
        return this.pump();
      }
      if (n < -100) return this.finish(n);
      return; // WANT_READ / WANT_WRITE: the socket calls back
    }
  }

  /** Writes queued data; false when the connection failed (and was finished). */
  private sendQueued(): boolean {
    const q = this.queue;
    while (q.length > 0) {
      const data = q[0];
      const n = this.connection.write(data, this.head, data.length - this.head);
      if (n < -100) {
        this.finish(n);
        return false;
      }
      if (n <= 0) return true; // WANT_WRITE
      this.head += n;
      if (this.head === data.length) {
        q.shift();
        this.head = 0;
      }
    }
    return true;
  }

  /** Closes the socket and reports: clean close (code null) or the error. */
  private finish(code: number | null): void {
    this.state = 'closed';
    try {
      this.io.socket?.close();
    } catch {
      // Already closed by the host.
    }
    if (code === null) {
      this.options.onClose?.(this);
      return;
    }
    const info: ErrorInfo = this.connection.lastError() ?? {
      code, name: errorName(code), message: errorMessage(code), alertSent: -1, alertReceived: -1,
    };
    this.options.onError?.(this, info);
  }
}
