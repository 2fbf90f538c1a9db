// An in-memory pipe pair: two Transports joined back to back, each direction
// a bounded ByteQueue. Bytes written on one end are readable on the other at
// once; a full queue answers WANT_WRITE until the reader makes room.
import { ErrorCode, Status } from '../../../core/errors.js';
import type { Transport } from '../../../core/loop/transport.js';
import { ByteQueue } from './byte-queue.js';

export class PipeEnd implements Transport {
  onReady: (() => void) | null = null;
  peer!: PipeEnd;
  readonly inbox: ByteQueue;
  /** Our side was closed: we send nothing more. */
  closed = false;
  private peerClosed = false;
  private blocked = false; // a send was refused: tell us when there is room

  constructor(capacity: number) {
    this.inbox = new ByteQueue(capacity);
  }

  recv(buf: Uint8Array, off: number, len: number): number {
    const n = this.inbox.shift(buf, off, len);
    if (n === 0) return this.peerClosed ? 0 : Status.WANT_READ;
    const p = this.peer;
    if (p.blocked) {
      p.blocked = false;
      p.ready();
    }
    return n;
  }

  send(buf: Uint8Array, off: number, len: number): number {
    if (this.closed) return ErrorCode.IO_ERROR;
    const n = this.peer.inbox.push(buf, off, len);
    if (n === 0) {
      this.blocked = true;
      return Status.WANT_WRITE;
    }
    this.peer.ready();
    return n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.peer.peerClosed = true;
    this.peer.ready();
  }

  private ready(): void {
    if (this.onReady) this.onReady();
  }
}

/** Two connected ends; each direction buffers up to `capacity` bytes. */
export function pipePair(capacity = 64 * 1024): [PipeEnd, PipeEnd] {
  const a = new PipeEnd(capacity);
  const b = new PipeEnd(capacity);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
