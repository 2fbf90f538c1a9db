// Io over an ECMA-419 TCP socket (`embedded:io/socket/tcp`, format "buffer").
// The socket announces what it can take through onReadable(count) and
// onWritable(count); its owner forwards those here (TlsClient does). recv and
// send never block and never ask the socket for more than it announced,
// because Moddable's sockets throw past it: read() of more than is buffered
// ("invalid"), write() of more than the send window ("would block"); reads
// and writes move through windows of about 1.5 KB. The peer's close arrives
// as onError once every buffered byte has been read: it ends the stream.
import type { Io } from '../../core/engine/types.js';
import { ErrorCode, Status } from '../../core/errors.js';

/** The part of an ECMA-419 TCP socket the adapter uses. */
export interface TcpSocket {
  /** Fills all of `into`; never asked for more than announced. */
  read(into: Uint8Array): unknown;
  /**
   * Sends all of `data` (copied). lwip (ESP32) returns the send space left;
   * the host build returns nothing.
   */
  write(data: Uint8Array): unknown;
  close(): void;
}

export class TcpIo implements Io {
  socket: TcpSocket | null = null;
  private readable = 0;
  private writable = 0;
  private ended = false;
  private failed = false;

  /** The socket's onReadable: `count` bytes are buffered in all. */
  onReadable(count: number): void {
    this.readable = count;
  }

  /** The socket's onWritable: `count` bytes fit in the send window. */
  onWritable(count: number): void {
    this.writable = count;
  }

  /** The socket's onError: the connection is gone (closed by the peer or failed). */
  onError(): void {
    this.ended = true;
    this.readable = 0;
    this.writable = 0;
  }

  recv(buf: Uint8Array, off: number, len: number): number {
    const s = this.socket;
    if (this.failed) return ErrorCode.IO_ERROR;
    if (!s || this.readable === 0) return this.ended ? 0 : Status.WANT_READ;
    const n = len < this.readable ? len : this.readable;
    try {
      s.read(buf.subarray(off, off + n));
    } catch {
      this.failed = true;
      return ErrorCode.IO_ERROR;
    }
    this.readable -= n;
    return n;
  }

  send(buf: Uint8Array, off: number, len: number): number {
    const s = this.socket;
    if (this.failed || this.ended) return ErrorCode.IO_ERROR;
    if (!s || this.writable === 0) return Status.WANT_WRITE;
    const n = len < this.writable ? len : this.writable;
    let left: unknown;
    try {
      left = s.write(buf.subarray(off, off + n));
    } catch (e) {
      // The window shrank under us: wait for the next onWritable.
      if (e instanceof Error && e.message === 'would block') {
        this.writable = 0;
        return Status.WANT_WRITE;
      }
      this.failed = true;
      return ErrorCode.IO_ERROR;
    }
    this.writable = typeof left === 'number' ? left : this.writable - n;
    return n;
  }
}
