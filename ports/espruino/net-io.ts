// The engine's Io over an Espruino socket (require("net")). Espruino hands
// received data over as binary strings and sends only strings, so bytes
// cross with E.toUint8Array / E.toString (native, one copy each way). Its
// write() always returns false and queues everything; 'drain' fires when
// the queue is empty, so one write at a time keeps at most one flight of
// records in the firmware's send buffer.
import type { Io } from '../../core/engine/types.js';
import { ErrorCode, Status } from '../../core/errors.js';
import type { EspruinoE, EspruinoSocket } from './espruino.js';

declare const E: EspruinoE;

export class NetIo implements Io {
  /** True once the socket closed (Espruino has no half-close: the peer's end closes it). */
  closed = false;
  /** The socket's error details, if it reported one. */
  error: { code: number; message: string } | null = null;
  private readonly chunks: Uint8Array[] = [];
  private head = 0;
  private sending = false;

  /** `onEvent` runs after every socket event that may let the engine progress. */
  constructor(readonly socket: EspruinoSocket, onEvent: () => void) {
    const self = this;
    socket.on('data', function (data: string) {
      self.chunks.push(E.toUint8Array(data));
      onEvent();
    });
    socket.on('drain', function () {
      self.sending = false;
      onEvent();
    });
    socket.on('error', function (details: { code: number; message: string }) {
      self.error = details;
    });
    socket.on('close', function () {
      self.closed = true;
      onEvent();
    });
  }

  recv(buf: Uint8Array, off: number, len: number): number {
    let n = 0;
    const chunks = this.chunks;
    while (n < len && chunks.length > 0) {
      const c = chunks[0];
      const take = Math.min(len - n, c.length - this.head);
      buf.set(c.subarray(this.head, this.head + take), off + n);
      n += take;
      this.head += take;
      if (this.head === c.length) {
        chunks.shift();
        this.head = 0;
      }
    }
    if (n > 0) return n;
    if (this.error) return ErrorCode.IO_ERROR;
    return this.closed ? 0 : Status.WANT_READ;
  }

  send(buf: Uint8Array, off: number, len: number): number {
    if (this.closed || this.error) return ErrorCode.IO_ERROR;
    if (this.sending) return Status.WANT_WRITE;
    this.sending = true;
    this.socket.write(E.toString(buf.subarray(off, off + len)));
    return len;
  }
}
