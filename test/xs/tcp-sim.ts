// The Moddable port (TlsClient over TcpIo) against a simulated ECMA-419 TCP
// socket with the behaviour of Moddable's implementations: data moves
// through 1536-byte windows on a polling tick, write() throws "would block"
// past the writable count it last reported (and returns nothing on the host
// build, the space left on lwip), read() throws past what is buffered, and
// the peer's close shows up as onError once the buffered data is read. The
// server is a microtls Connection in the same process, echoing what it reads. No imports: the
// bundles arrive as arguments, so the same file runs on XS and Node.
import type * as Microtls from '../../core/index.js';
import type * as ModdablePort from '../../ports/moddable/index.js';
import type { TcpOptions } from '../../ports/moddable/index.js';

type Lib = typeof Microtls;
/** A dist/moddable bundle: a profile plus the Moddable port. */
export type Bundle = Pick<Lib, 'Context' | 'Status'> & typeof ModdablePort;
type Connection = Microtls.Connection;
type ContextOptions = Microtls.ContextOptions;

const WINDOW = 1536;

/** Tasks run in order until none is left (the host's polling tick, made deterministic). */
class Loop {
  private tasks: (() => void)[] = [];
  steps = 0;

  post(task: () => void): void {
    this.tasks.push(task);
  }

  run(limit: number): void {
    while (this.tasks.length > 0) {
      if (++this.steps > limit) throw new Error('simulation did not settle in ' + limit + ' steps');
      this.tasks.shift()!();
    }
  }
}

interface Wire {
  /** Bytes the client wrote, not yet taken by the server. */
  toServer: number[];
  /** Bytes the server sent, not yet in the client's window. */
  toClient: number[];
  /** The server closed its side after its last bytes. */
  serverClosed: boolean;
  /** Schedules the server (client bytes arrived) and the client socket's tick (server bytes arrived). */
  wakeServer(): void;
  wakeClient(): void;
}

/** A fake `embedded:io/socket/tcp` over a Wire. */
function socketClass(loop: Loop, wire: Wire, lwip: boolean, log: string[]) {
  return class FakeTcp {
    private readonly o: TcpOptions;
    private readonly window = new Uint8Array(WINDOW);
    private readable = 0;
    private readPos = 0;
    private writable = 0;
    private closed = false;
    private errored = false;

    constructor(options: TcpOptions) {
      if (options.format !== 'buffer') throw new Error('format');
      this.o = options;
      wire.wakeClient = () => loop.post(() => this.tick());
      wire.wakeClient();
    }

    read(into: Uint8Array): number {
      if (into.length <= 0 || into.length > this.readable) throw new Error('invalid');
      into.set(this.window.subarray(this.readPos, this.readPos + into.length));
      this.readPos += into.length;
      this.readable -= into.length;
      wire.wakeClient();
      return into.length;
    }

    write(data: Uint8Array): number | undefined {
      if (this.closed) return undefined;
      if (data.length > this.writable) throw new Error('would block');
      this.writable -= data.length;
      for (let i = 0; i < data.length; i++) wire.toServer.push(data[i]);
      wire.wakeServer();
      wire.wakeClient();
      return lwip ? this.writable : undefined;
    }

    close(): void {
      this.closed = true;
      log.push('socket closed');
    }

    /** One polling step: refill the send window, move server bytes into the read window, report. */
    private tick(): void {
      if (this.closed) return;
      if (this.writable < WINDOW && !this.errored) {
        this.writable = WINDOW;
        this.o.onWritable(this.writable);
      }
      if (this.closed) return;
      if (wire.toClient.length > 0 && this.readable < WINDOW) {
        if (this.readPos > 0) {
          this.window.copyWithin(0, this.readPos, this.readPos + this.readable);
          this.readPos = 0;
        }
        const n = Math.min(WINDOW - this.readable, wire.toClient.length);
        for (let i = 0; i < n; i++) this.window[this.readable + i] = wire.toClient[i];
        wire.toClient.splice(0, n);
        this.readable += n;
        this.o.onReadable(this.readable);
      } else if (wire.serverClosed && wire.toClient.length === 0 && this.readable === 0 && !this.errored) {
        this.errored = true;
        this.o.onError();
      }
    }
  };
}

/** The server side: a sans-IO Connection on the wire, echoing what it reads. */
function serve(loop: Loop, wire: Wire, server: Connection, log: string[], closeWithoutNotify: boolean): void {
  const buf = new Uint8Array(16384);
  let done = false;
  const step = (): void => {
    if (done) return;
    const chunk = new Uint8Array(wire.toServer.splice(0, wire.toServer.length));
    for (let off = 0; off < chunk.length; ) {
      const took = server.receive(chunk, off);
      if (took === 0) throw new Error('server input full');
      off += took;
    }
    const st = server.accept();
    if (st < -100) {
      log.push('server error ' + server.lastError()?.name);
      done = true;
    }
    while (st === 0 && !done) {
      const n = server.read(buf);
      if (n > 0) {
        log.push('server read ' + n + ' bytes');
        server.write(buf, 0, n);
        done = closeWithoutNotify;
      } else {
        if (n === 0) {
          log.push('server got close_notify');
          server.shutdown();
          done = true;
        } else if (n < -100) {
          log.push('server error ' + server.lastError()?.name);
          done = true;
        }
        break;
      }
    }
    for (let n; (n = server.takeOutput(buf)) > 0; ) for (let i = 0; i < n; i++) wire.toClient.push(buf[i]);
    wire.serverClosed = done;
    wire.wakeClient();
  };
  wire.wakeServer = () => loop.post(step);
}

export interface Scenario {
  name: string;
  /** The client's bundle (client-ecdhe or client-psk) and options. */
  client: Bundle;
  clientOptions: Partial<ContextOptions>;
  serverOptions: Partial<ContextOptions>;
  /** Use the server certificate and the CA (certificate handshake). */
  certificates: boolean;
  message: string;
  lwip: boolean;
  /** The server answers, then drops the connection without close_notify. */
  closeWithoutNotify: boolean;
}

function text(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function bytesOf(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** Runs one scenario; returns the event log (one entry per event, in order). */
export function runScenario(server: Lib, pki: Record<string, string>, sc: Scenario, now: number): string[] {
  const log: string[] = [];
  const loop = new Loop();
  const wire: Wire = { toServer: [], toClient: [], serverClosed: false, wakeServer: () => {}, wakeClient: () => {} };
  let seed = 7;
  const random = (dst: Uint8Array): void => {
    for (let i = 0; i < dst.length; i++) dst[i] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
  };
  const sctx = new server.Context(Object.assign({ side: 'server', random, now: () => now } as ContextOptions, sc.serverOptions));
  if (sc.certificates) {
    sctx.useCertificateBuffer(pki['server-ecdsa-chain.crt']);
    sctx.usePrivateKeyBuffer(pki['server-ecdsa.key']);
  }
  serve(loop, wire, sctx.newConnection(), log, sc.closeWithoutNotify);
  const cctx = new sc.client.Context(Object.assign({ side: 'client', random, now: () => now } as ContextOptions, sc.clientOptions));
  if (sc.certificates) cctx.loadVerifyBuffer(pki['ca.crt']);
  const TCP = socketClass(loop, wire, sc.lwip, log);
  let received = '';
  new sc.client.TlsClient({
    TCP,
    address: '127.0.0.1',
    port: 4433,
    context: cctx,
    readSize: 64,
    onConnect(client) {
      const n = client.connection.negotiated()!;
      log.push('connected 0x' + n.cipherSuite.toString(16) + ' ' + n.mode + (n.pskMode ? '/' + n.pskMode : ''));
      client.write(bytesOf(sc.message));
    },
    onData(client, data) {
      received += text(data);
      if (received.length >= sc.message.length) {
        log.push('echo ' + (received === sc.message ? 'matches' : 'differs') + ' (' + received.length + ' bytes)');
        if (!sc.closeWithoutNotify) client.close();
      }
    },
    onClose() {
      log.push('closed');
    },
    onError(_client, e) {
      log.push('error ' + e.name);
    },
  });
  loop.run(100000);
  log.push('steps ' + loop.steps);
  return log;
}
