// Connection: one TLS connection (like SSL in OpenSSL). SKELETON: the
// signatures are the contract; bodies are being written.
import type { Context } from './context.js';
import type { Io, Negotiated } from './types.js';

export interface ErrorInfo {
  code: number;
  name: string;
  message: string;
  /** Alert we sent (description) or -1. */
  alertSent: number;
  /** Fatal alert the peer sent or -1. */
  alertReceived: number;
}

export class Connection {
  constructor(readonly context: Context, readonly io: Io | null = null) {}

  // --- sans-IO ---
  /** Copies up to len received bytes into the connection; returns how many it took (retry the rest after processing). */
  receive(_src: Uint8Array, _off = 0, _len = _src.length - _off): number { throw new Error('todo'); }
  /** Bytes waiting to be sent. */
  outputLength(): number { throw new Error('todo'); }
  /** Copies up to len pending output bytes into dst[off..]; returns how many (they are consumed). */
  takeOutput(_dst: Uint8Array, _off = 0, _len = _dst.length - _off): number { throw new Error('todo'); }

  // --- driving (never block) ---
  /** Client handshake step: 0 when done, WANT_READ / WANT_WRITE, or a negative error code. */
  connect(): number { throw new Error('todo'); }
  /** Server handshake step: same returns as connect(). */
  accept(): number { throw new Error('todo'); }
  /** Reads application data: n > 0 bytes, 0 when the peer closed (close_notify), WANT_READ, or an error. */
  read(_dst: Uint8Array, _off = 0, _len = _dst.length - _off): number { throw new Error('todo'); }
  /** Writes application data: n > 0 bytes accepted, WANT_WRITE, or an error. */
  write(_src: Uint8Array, _off = 0, _len = _src.length - _off): number { throw new Error('todo'); }
  /** Decrypted application bytes ready for read(). */
  pending(): number { throw new Error('todo'); }
  /** Sends close_notify: 0 when sent, WANT_WRITE, or an error. */
  shutdown(): number { throw new Error('todo'); }

  // --- state ---
  get handshakeDone(): boolean { throw new Error('todo'); }
  get stateName(): string { throw new Error('todo'); }
  negotiated(): Negotiated | null { throw new Error('todo'); }
  lastError(): ErrorInfo | null { throw new Error('todo'); }
}
