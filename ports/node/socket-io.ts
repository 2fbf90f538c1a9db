// Node TCP adapter: an Io over a net.Socket, and async helpers that drive a
// Connection without blocking the event loop. The engine never waits; when
// it answers WANT_READ / WANT_WRITE these helpers sleep until the socket
// reports data, drain, end, close or an error, then call it again.
import type { Socket } from 'node:net';
import type { Connection } from '../../core/engine/connection.js';
import type { Io } from '../../core/engine/types.js';
import { ErrorCode, Status, alertName, errorName } from '../../core/errors.js';
import { errorMessage } from '../../core/x509/errors.js';

/** Pause the socket when this much received data waits unread (bytes). */
const DEFAULT_HIGH_WATER = 64 * 1024;
/** Chunk for taking 0-RTT data out of the engine. */
const READ_EARLY = 16384;

/** Io over a net.Socket: received chunks are queued (bounded), sends are copied and written. */
export class SocketIo implements Io {
  /** True once the peer ended its side of the stream. */
  eof = false;
  /** First transport error, if any. */
  error: Error | null = null;
  /** True once the socket has closed. */
  closed = false;
  private readonly chunks: Buffer[] = [];
  private head = 0; // bytes of chunks[0] already consumed
  private queued = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: Socket, readonly highWater = DEFAULT_HIGH_WATER) {
    // The socket may have ended or closed before it was handed to us.
    this.closed = socket.destroyed;
    this.eof = socket.destroyed || socket.readableEnded;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.queued += chunk.length;
      if (this.queued > this.highWater) socket.pause();
      this.wake();
    });
    socket.on('end', () => { this.eof = true; this.wake(); });
    socket.on('drain', () => this.wake());
    socket.on('error', (e: Error) => { this.error ??= e; this.wake(); });
    socket.on('close', () => { this.closed = true; this.eof = true; this.wake(); });
  }

  /** Bytes received and not yet taken by the engine. */
  get buffered(): number {
    return this.queued;
  }

  recv(buf: Uint8Array, off: number, len: number): number {
    if (this.queued === 0) {
      if (this.error) return ErrorCode.IO_ERROR;
      return this.eof ? 0 : Status.WANT_READ;
    }
    let n = 0;
    while (n < len && this.chunks.length > 0) {
      const c = this.chunks[0];
      const take = Math.min(len - n, c.length - this.head);
      buf.set(c.subarray(this.head, this.head + take), off + n);
      n += take;
      this.head += take;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.queued -= n;
    if (this.socket.isPaused() && this.queued <= this.highWater / 2) this.socket.resume();
    return n;
  }

  send(buf: Uint8Array, off: number, len: number): number {
    if (this.error || this.closed || this.socket.destroyed || !this.socket.writable) return ErrorCode.IO_ERROR;
    if (this.socket.writableNeedDrain) return Status.WANT_WRITE;
    // Buffer.from(typedArray) copies: the engine reuses its output buffer.
    this.socket.write(Buffer.from(buf.subarray(off, off + len)));
    return len;
  }

  /** Resolves at the next socket event (data, drain, end, close or error). */
  waitEvent(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const w = this.waiters;
    if (w.length === 0) return;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** A failed TLS operation, with the engine's error code and the alert sent or received. */
export class MicrotlsError extends Error {
  /** Alert we sent (description) or -1. */
  readonly alertSent: number;
  /** Fatal alert the peer sent or -1. */
  readonly alertReceived: number;

  constructor(readonly code: number, name: string, message: string, alertSent = -1, alertReceived = -1) {
    super(message);
    this.name = name || 'MicrotlsError';
    this.alertSent = alertSent;
    this.alertReceived = alertReceived;
  }

  /** The alert sent or received, by name ("unknown_ca"), or "" when there was none. */
  get alert(): string {
    const a = this.alertReceived >= 0 ? this.alertReceived : this.alertSent;
    return a >= 0 ? alertName(a) : '';
  }

  override toString(): string {
    return this.message + ' (err ' + this.code + ', ' + this.name + ')';
  }
}

/** The connection's last error as a MicrotlsError (falls back to the bare code). */
export function errorFor(conn: Connection, code: number): MicrotlsError {
  const e = conn.lastError();
  if (e) return new MicrotlsError(e.code, e.name, e.message, e.alertSent, e.alertReceived);
  return new MicrotlsError(code, errorName(code), errorMessage(code));
}

/**
 * Calls step() until it returns something other than WANT_READ / WANT_WRITE,
 * sleeping on socket events in between. Throws a MicrotlsError on an error
 * code or when the transport is gone while the engine still wants to read.
 */
export async function drive(conn: Connection, io: SocketIo, step: () => number): Promise<number> {
  for (;;) {
    const before = io.buffered;
    const r = step();
    if (r !== Status.WANT_READ && r !== Status.WANT_WRITE) {
      if (r < 0) throw errorFor(conn, r);
      return r;
    }
    if (r === Status.WANT_READ && io.buffered > 0 && io.buffered < before) {
      // The engine took some input but left the rest: run it again after other events.
      await new Promise((resolve) => setImmediate(resolve));
    } else if (io.closed || (r === Status.WANT_READ && io.eof) || io.error) {
      const code = io.error ? ErrorCode.IO_ERROR : ErrorCode.CONNECTION_CLOSED;
      throw new MicrotlsError(code, errorName(code),
        errorMessage(code) + (io.error ? ': ' + io.error.message : ' by the peer'));
    } else {
      await io.waitEvent();
    }
  }
}

/**
 * Runs the handshake (connect() or accept() by the context's side) to
 * completion. A server that accepts 0-RTT (maxEarlyData) hands each chunk
 * of early data to onEarlyData as it arrives (a copy, in order, before the
 * handshake ends); without onEarlyData such data fails the handshake rather
 * than being dropped.
 */
export async function handshake(conn: Connection, io: SocketIo, onEarlyData?: (data: Uint8Array) => void): Promise<void> {
  if (conn.context.settings.side === 'client') {
    await drive(conn, io, () => conn.connect());
    return;
  }
  const buf = new Uint8Array(READ_EARLY);
  await drive(conn, io, () => {
    let r = conn.accept();
    while (r === Status.EARLY_DATA) {
      if (!onEarlyData) {
        throw new MicrotlsError(ErrorCode.BAD_CONFIG, errorName(ErrorCode.BAD_CONFIG), '0-RTT data arrived and nothing takes it (onEarlyData)');
      }
      for (let n; (n = conn.readEarlyData(buf)) > 0; ) onEarlyData(buf.slice(0, n));
      r = conn.accept();
    }
    return r;
  });
}

/** Reads application data into buf: n > 0 bytes, or 0 when the peer sent close_notify. */
export function readSome(conn: Connection, io: SocketIo, buf: Uint8Array): Promise<number> {
  return drive(conn, io, () => conn.read(buf, 0, buf.length));
}

/** Writes all of data. */
export async function writeAll(conn: Connection, io: SocketIo, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await drive(conn, io, () => conn.write(data, off, data.length - off));
}

/**
 * Sends close_notify (unless the peer already closed the stream, so nothing
 * can be sent), then closes the TCP stream gracefully (see closeSocket).
 */
export async function close(conn: Connection, io: SocketIo, lingerMs = 1000): Promise<void> {
  try {
    if (io.socket.writable && !io.error) await drive(conn, io, () => conn.shutdown());
  } finally {
    await closeSocket(io, lingerMs);
  }
}

/**
 * Ends our side of the stream and keeps reading until the peer closes (at
 * most lingerMs), then destroys the socket. Destroying at once could reset
 * the connection and make the peer lose the last records (an alert, a
 * close_notify) before it reads them.
 */
export async function closeSocket(io: SocketIo, lingerMs = 1000): Promise<void> {
  const s = io.socket;
  if (s.destroyed) return;
  s.end();
  s.resume();
  if (!io.closed) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, lingerMs);
      s.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  s.destroy();
}
