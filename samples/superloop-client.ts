// Seed book 8.04, super-loop client: one loop runs everything the device
// does. A sensor task takes a reading every interval; an uplink task keeps a
// TLS connection to the server, sends each reading, waits for its ack, and
// when the connection fails closes it and reconnects after a backoff that
// doubles up to a limit, resuming the last session. No step ever blocks: a
// step does what it can now and returns what it waits for (its socket, a
// timer, or both). The server starts late (the first connects are refused)
// and drops each connection after a few readings, to show the reconnects.
//   node build/samples/superloop-client.js
import { createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Context, Status, errorName, type Connection } from '../core/index.js';
import { DONE, WAIT, type Task } from '../core/loop/scheduler.js';
import { wakeOnReady } from '../core/loop/transport.js';
import { nodeRandom } from '../ports/node/files.js';
import { NodeLoop } from '../ports/node/loop.js';
import { SocketIo, handshake, readSome, writeAll } from '../ports/node/socket-io.js';
import { TcpTransport } from '../ports/node/transports/tcp.js';
import { SAMPLE_CA, SAMPLE_SERVER_CERT, SAMPLE_SERVER_KEY } from './certs.js';

export interface Options {
  readings?: number;
  intervalMs?: number;
  /** The server drops a connection after this many acks. */
  dropAfter?: number;
  /** The server starts listening this late. */
  serverDelayMs?: number;
  print?: (line: string) => void;
}

export interface Summary {
  acked: number;
  connections: string[]; // negotiated mode of each connection: 'full' or 'resumed'
  maxStepMs: number;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1600;
const TIMEOUT_MS = 5000;

export async function main(o: Options = {}): Promise<Summary> {
  const readings = o.readings ?? 10;
  const intervalMs = o.intervalMs ?? 200;
  const t0 = performance.now();
  const print = o.print ?? console.log;
  const log = (line: string) => print('[' + ((performance.now() - t0) / 1000).toFixed(2) + ' s] ' + line);
  const port = await freePort();
  const stopServer = startServer(port, o.dropAfter ?? 4, o.serverDelayMs ?? 250);

  const loop = new NodeLoop();
  const ctx = new Context({ side: 'client', random: nodeRandom, now: Date.now, serverName: 'localhost' });
  ctx.loadVerifyBuffer(SAMPLE_CA);

  // Sensor task: a temperature reading every interval, queued for the uplink.
  const queue: string[] = [];
  let taken = 0;
  let temperature = 21;
  const sensor = loop.add(() => {
    if (taken === readings) return DONE;
    temperature += Math.round((Math.random() - 0.5) * 10) / 10;
    queue.push('reading ' + ++taken + ': ' + temperature.toFixed(1) + ' C');
    uplink.wake();
    return intervalMs;
  }, 'sensor');

  // Uplink task: connect, send, wait for the ack, reconnect on failure.
  let state: 'idle' | 'handshake' | 'ready' | 'await-ack' = 'idle';
  let transport: TcpTransport | null = null;
  let conn: Connection | null = null;
  let session: Uint8Array | null = null;
  let backoff = FIRST_BACKOFF_MS;
  let retryAt = 0;
  let deadline = 0;
  let acked = 0;
  const modes: string[] = [];
  const buf = new Uint8Array(256);

  const fail = (why: string): number => {
    log(why + '; reconnecting in ' + backoff + ' ms');
    transport!.destroy();
    retryAt = performance.now() + backoff;
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    state = 'idle';
    return retryAt - performance.now();
  };
  const failed = (what: string, r: number): number => {
    const cause = transport!.io.error; // e.g. ECONNREFUSED while the server is down
    return fail(what + ' failed: ' + (conn!.lastError()?.name ?? errorName(r)) + (cause ? ' (' + cause.message + ')' : ''));
  };
  /** WANT_READ / WANT_WRITE: wait for the socket, but not past the deadline. */
  const wait = (): number => Math.max(1, deadline - performance.now());

  const uplink: Task = loop.add(() => {
    const now = performance.now();
    for (;;) {
      switch (state) {
        case 'idle': {
          if (acked === readings) return DONE;
          if (now < retryAt) return retryAt - now;
          transport = TcpTransport.connect('127.0.0.1', port);
          conn = ctx.newConnection(transport);
          if (session) conn.setSession(session);
          wakeOnReady(transport, uplink);
          deadline = now + TIMEOUT_MS;
          state = 'handshake';
          break;
        }
        case 'handshake': {
          const r = conn!.connect();
          if (r === Status.WANT_READ || r === Status.WANT_WRITE) return now < deadline ? wait() : fail('handshake timed out');
          if (r < 0) return failed('connect', r);
          const mode = conn!.negotiated()!.mode;
          modes.push(mode);
          log('connected (' + mode + ' handshake)');
          backoff = FIRST_BACKOFF_MS;
          state = 'ready';
          break;
        }
        case 'ready': {
          if (acked === readings) {
            conn!.shutdown();
            transport!.close();
            log('all ' + readings + ' readings acknowledged; closed');
            return DONE;
          }
          if (queue.length === 0) return WAIT; // the sensor wakes us
          const r = conn!.write(new TextEncoder().encode(queue[0]));
          if (r === Status.WANT_WRITE) return wait();
          if (r < 0) return failed('write', r);
          deadline = now + TIMEOUT_MS;
          state = 'await-ack';
          break;
        }
        case 'await-ack': {
          const r = conn!.read(buf);
          if (r === Status.WANT_READ) return now < deadline ? wait() : fail('no ack in time');
          if (r === 0) return fail('the server closed the connection');
          if (r < 0) return failed('read', r);
          log('sent "' + queue.shift() + '", server: ' + new TextDecoder().decode(buf.subarray(0, r)));
          acked++;
          session = conn!.getSession() ?? session; // the newest ticket, to resume after a drop
          state = 'ready';
          break;
        }
      }
    }
  }, 'uplink');

  await loop.finished();
  await stopServer();
  const maxStepMs = Math.max(sensor.maxStepMs, uplink.maxStepMs);
  log('longest loop step ' + maxStepMs.toFixed(1) + ' ms; connections: ' + modes.join(', '));
  return { acked, connections: modes, maxStepMs };
}

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** The sample's server: acks each reading, drops each connection after `dropAfter` acks. Returns its stop function. */
function startServer(port: number, dropAfter: number, delayMs: number): () => Promise<void> {
  const ctx = new Context({ side: 'server', random: nodeRandom, now: Date.now });
  ctx.useCertificateBuffer(SAMPLE_SERVER_CERT);
  ctx.usePrivateKeyBuffer(SAMPLE_SERVER_KEY);
  const sockets = new Set<Socket>();
  const server = createServer(async (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const io = new SocketIo(socket);
    const conn = ctx.newConnection(io);
    try {
      await handshake(conn, io);
      const buf = new Uint8Array(256);
      // Each reading arrives as one record, so one read is one reading.
      for (let n = 1; (await readSome(conn, io, buf)) > 0 && n <= dropAfter; n++) {
        await writeAll(conn, io, new TextEncoder().encode('ack ' + n));
      }
    } catch {
      // A dropped or failed connection: the device reconnects.
    }
    socket.destroy();
  });
  const timer = setTimeout(() => server.listen(port, '127.0.0.1'), delayMs);
  return async () => {
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
