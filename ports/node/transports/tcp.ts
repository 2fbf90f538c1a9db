// Node TCP behind the Transport interface: SocketIo does the buffering and
// error mapping; this adds the readiness signal a loop task waits on.
import { connect as netConnect, type Socket } from 'node:net';
import type { Transport } from '../../../core/loop/transport.js';
import { SocketIo } from '../socket-io.js';

export class TcpTransport implements Transport {
  onReady: (() => void) | null = null;
  readonly io: SocketIo;

  constructor(readonly socket: Socket) {
    this.io = new SocketIo(socket);
    // Registered after SocketIo's own listeners, so received data is already queued when we signal.
    const ready = () => {
      if (this.onReady) this.onReady();
    };
    for (const event of ['data', 'drain', 'end', 'close', 'error']) socket.on(event, ready);
  }

  /** Starts a non-blocking connect; bytes sent before it completes are buffered by Node. */
  static connect(host: string, port: number): TcpTransport {
    return new TcpTransport(netConnect({ host, port }));
  }

  recv(buf: Uint8Array, off: number, len: number): number {
    return this.io.recv(buf, off, len);
  }

  send(buf: Uint8Array, off: number, len: number): number {
    return this.io.send(buf, off, len);
  }

  /** Ends our side of the stream; Node closes the socket once the peer ends too. */
  close(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Drops the connection at once (no graceful close). */
  destroy(): void {
    this.socket.destroy();
  }
}
