// A benchmark endpoint: a child process (forked by processes.ts) that acts
// as a client or a server over loopback TCP with microtls, node:tls or plain
// TCP, commanded over the IPC channel. Running each end in its own process
// lets every implementation be measured the same way: process.cpuUsage()
// (user + system, all threads) of the endpoint's process from the start of
// a connection to the end of the handshake, while the other end runs on the
// other core.
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { Connection } from '../../core/engine/connection.js';
import { Status, type Context } from '../../core/index.js';
import { SocketIo, close, closeSocket, handshake, readSome, writeAll } from '../../ports/node/socket-io.js';
import { processCpuMs } from './machine.js';
import { loadProviders, microContextFor, modeOf, nodeClientOptions, nodeServerOptions, type Config, type Mode, type ModeState } from './configs.js';

export interface EndpointSpec {
  impl: 'microtls' | 'node' | 'tcp';
  /** microtls crypto provider (PROVIDERS name). */
  provider: string;
  config: Config;
  /** microtls: the max_fragment_length to ask for (client) and accept (server). */
  maxFragmentLength?: 512 | 1024 | 2048 | 4096;
  /** Server behaviour: 'hello' writes one byte when its handshake is done; 'ack' answers every message with "ack". */
  serve: 'hello' | 'ack';
}

/** One handshake seen from the client: wall time to the server's first byte, process CPU, engine time (microtls). */
export interface ClientSample {
  wallMs: number;
  cpuMs: number;
  engineMs: number | null;
}

/** One handshake seen from the server: process CPU from TCP accept to its first byte written, engine time (microtls). */
export interface ServerSample {
  cpuMs: number;
  engineMs: number | null;
}

/** Reads exact byte counts from a source of chunks (the next chunk, or null at the end of the stream). */
class Reader {
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;
  constructor(private readonly next: () => Promise<Uint8Array | null>) {}

  /** Consumes n bytes, copying the first dst.length of them into dst when given. */
  async consume(n: number, dst?: Uint8Array): Promise<void> {
    for (let got = 0; got < n; ) {
      if (this.at === this.chunk.length) {
        const c = await this.next();
        if (!c) throw new Error(`stream ended after ${got} of ${n} bytes`);
        this.chunk = c;
        this.at = 0;
        continue;
      }
      const take = Math.min(n - got, this.chunk.length - this.at);
      if (dst && got < dst.length) dst.set(this.chunk.subarray(this.at, this.at + Math.min(take, dst.length - got)), got);
      this.at += take;
      got += take;
    }
  }
}

/** What a node socket (TCP or node:tls) received, in chunks copied into one scratch buffer (valid until the next call). */
function socketChunks(io: SocketIo): () => Promise<Uint8Array | null> {
  const buf = new Uint8Array(16384);
  return async () => {
    for (;;) {
      const n = io.recv(buf, 0, buf.length);
      if (n > 0) return buf.subarray(0, n);
      if (n !== Status.WANT_READ) return null;
      await io.waitEvent();
    }
  };
}

/** Decrypted chunks of a microtls connection (views into one scratch buffer, valid until the next call). */
function microChunks(conn: Connection, io: SocketIo): () => Promise<Uint8Array | null> {
  const buf = new Uint8Array(16384);
  return async () => {
    const n = await readSome(conn, io, buf);
    return n > 0 ? buf.subarray(0, n) : null;
  };
}

/** Times the engine's handshake steps (connect() or accept() calls) of a connection. */
function timeEngine(conn: Connection, side: 'client' | 'server'): () => number {
  let ms = 0;
  const step = side === 'client' ? conn.connect.bind(conn) : conn.accept.bind(conn);
  const timed = (): number => {
    const t = performance.now();
    const r = step();
    ms += performance.now() - t;
    return r;
  };
  if (side === 'client') conn.connect = timed;
  else conn.accept = timed;
  return () => ms;
}

/** A connection ready for application data, whatever the implementation. */
interface Channel {
  read: Reader;
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** Engine time of the handshake (microtls), else null. */
  engineMs: number | null;
  /** The mode's after-handshake hook (client), run once the connection is closed and all it received processed. */
  after(): void;
}

const providers = loadProviders();

interface Setup {
  /** microtls context. */
  ctx: Context | null;
  /** node:tls server options. */
  nodeServer: tls.TlsOptions;
  /** node:tls client connection options, with the secureContext made once. */
  nodeClient: tls.ConnectionOptions;
  state: ModeState;
  /** Handshakes done so far with this setup (the first of a resumption mode is a full one). */
  count: number;
}

const clientSetups = new Map<string, Setup>();

/**
 * Contexts are made once per server, and once per client spec and server
 * port (like an SSL_CTX), not per connection; a client's mode state (the
 * session to resume) carries over from the warm-up to the measured
 * handshakes with the same server.
 */
async function setup(spec: EndpointSpec, side: 'client' | 'server', port = 0): Promise<Setup> {
  const key = port + JSON.stringify(spec);
  const known = side === 'client' ? clientSetups.get(key) : undefined;
  if (known) return known;
  const s: Setup = { ctx: null, nodeServer: {}, nodeClient: {}, state: {}, count: 0 };
  if (side === 'client') clientSetups.set(key, s);
  if (spec.impl === 'microtls') {
    const provider = (await providers).get(spec.provider);
    if (!provider) throw new Error('no crypto provider ' + spec.provider + ' in this build');
    s.ctx = microContextFor(side, spec.config, provider, spec.maxFragmentLength ? { maxFragmentLength: spec.maxFragmentLength } : {});
  } else if (spec.impl === 'node' && side === 'server') {
    s.nodeServer = nodeServerOptions(spec.config);
  } else if (spec.impl === 'node') {
    const o = nodeClientOptions(spec.config);
    s.nodeClient = { ...o, secureContext: tls.createSecureContext(o) };
  }
  return s;
}

/** Throws unless the handshake went the way the mode means (after the first, which primes a session). */
function checkMode(conn: Connection, mode: Mode): void {
  const n = conn.negotiated()!;
  if (n.mode !== mode.negotiated) throw new Error(`microtls client: ${n.mode} handshake in mode ${mode.name}`);
  if (mode.earlyData && conn.earlyDataStatus() !== 'accepted') throw new Error('microtls client: 0-RTT data ' + conn.earlyDataStatus());
}

function connectTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: '127.0.0.1', port });
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** A client connection with its handshake done. */
async function openClient(spec: EndpointSpec, port: number, s: Setup): Promise<Channel> {
  if (spec.impl === 'node') {
    const mode = modeOf(spec.config.mode);
    const socket = tls.connect({ host: '127.0.0.1', port, ...s.nodeClient, ...mode.nodeBefore?.(s.state) });
    socket.setNoDelay(true);
    mode.nodeSocket?.(socket, s.state);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    if (s.count++ > 0 && mode.negotiated === 'resumed' && !socket.isSessionReused()) throw new Error('node:tls client: the session was not resumed');
    return nodeChannel(socket);
  }
  const socket = await connectTcp(port);
  if (spec.impl === 'tcp') return nodeChannel(socket);
  const io = new SocketIo(socket);
  const conn = s.ctx!.newConnection(io);
  const mode = modeOf(spec.config.mode);
  mode.microBefore?.(conn, s.state);
  const engine = timeEngine(conn, 'client');
  await handshake(conn, io);
  if (s.count++ > 0) checkMode(conn, mode);
  return microChannel(conn, io, engine(), 'client', () => mode.microAfter?.(conn, s.state));
}

/** A plain TCP or node:tls socket as a channel (SocketIo only buffers what it receives). */
function nodeChannel(socket: Socket): Channel {
  const io = new SocketIo(socket);
  return {
    read: new Reader(socketChunks(io)),
    write: async (data) => void socket.write(data),
    close: () => closeSocket(io, 2000),
    engineMs: null,
    after: () => undefined,
  };
}

/**
 * A microtls connection as a channel. A client closes by sending
 * close_notify and reading up to the server's, so everything the server sent
 * before it (session tickets too) is processed; a server answers that.
 */
function microChannel(conn: Connection, io: SocketIo, engineMs: number, side: 'client' | 'server', after = (): void => undefined): Channel {
  return {
    read: new Reader(microChunks(conn, io)),
    write: (data) => writeAll(conn, io, data),
    close: side === 'client' ? () => closeReading(conn, io) : () => close(conn, io, 2000),
    engineMs,
    after,
  };
}

async function closeReading(conn: Connection, io: SocketIo): Promise<void> {
  while (conn.shutdown() === Status.WANT_WRITE) await io.waitEvent();
  const buf = new Uint8Array(1024);
  try {
    while ((await readSome(conn, io, buf)) > 0);
  } catch {
    // The server closed TCP without close_notify: nothing more to process.
  }
  await closeSocket(io, 2000);
}

// --- servers ---

interface Listener {
  server: Server;
  samples: ServerSample[];
  errors: string[];
}

const listeners = new Map<number, Listener>();
const HELLO = new Uint8Array([0x21]);
const ACK = new Uint8Array([0x61, 0x63, 0x6b]);

/** After the handshake: 'hello' writes one byte (the client's clock stops there); 'ack' answers each message. */
async function serve(spec: EndpointSpec, ch: Channel, l: Listener, cpu0: number): Promise<void> {
  if (spec.serve === 'hello') {
    await ch.write(HELLO);
    l.samples.push({ cpuMs: processCpuMs() - cpu0, engineMs: ch.engineMs });
    // The client closes: wait for that, then close our side.
    await ch.read.consume(1).catch(() => undefined);
  } else {
    const header = new Uint8Array(4);
    await ch.read.consume(4, header);
    const size = new DataView(header.buffer).getUint32(0);
    for (;;) {
      try {
        await ch.read.consume(size);
      } catch {
        break; // the client closed
      }
      await ch.write(ACK);
    }
  }
  await ch.close();
}

async function listen(spec: EndpointSpec): Promise<number> {
  const s = await setup(spec, 'server');
  const l: Listener = { server: null as unknown as Server, samples: [], errors: [] };
  const fail = (e: unknown): void => void l.errors.push(String(e));
  if (spec.impl === 'node') {
    // Connections come one at a time (the client waits for each to close), so one start time is enough.
    let cpu0 = processCpuMs();
    const server = tls.createServer(s.nodeServer, (socket) => {
      serve(spec, nodeChannel(socket), l, cpu0).catch(fail);
    });
    server.on('connection', (raw: Socket) => {
      cpu0 = processCpuMs();
      raw.setNoDelay(true);
    });
    server.on('tlsClientError', fail);
    l.server = server;
  } else {
    l.server = createServer((socket) => {
      const cpu0 = processCpuMs();
      if (spec.impl === 'tcp') {
        serve(spec, nodeChannel(socket), l, cpu0).catch(fail);
        return;
      }
      const io = new SocketIo(socket);
      const conn = s.ctx!.newConnection(io);
      const engine = timeEngine(conn, 'server');
      handshake(conn, io, () => undefined) // 0-RTT data (the 0-rtt mode) is taken and dropped
        .then(() => serve(spec, microChannel(conn, io, engine(), 'server'), l, cpu0))
        .catch((e) => {
          fail(e);
          return closeSocket(io, 500);
        });
    });
  }
  await new Promise<void>((resolve) => l.server.listen(0, '127.0.0.1', resolve));
  const port = (l.server.address() as { port: number }).port;
  listeners.set(port, l);
  return port;
}

function listener(port: number): Listener {
  const l = listeners.get(port);
  if (!l) throw new Error('no server on port ' + port);
  return l;
}

// --- clients ---

/** n handshakes one after the other, each on a new connection, closed before the next starts. */
async function handshakes(spec: EndpointSpec, port: number, n: number): Promise<ClientSample[]> {
  const s = await setup(spec, 'client', port);
  const out: ClientSample[] = [];
  for (let i = 0; i < n; i++) {
    const cpu0 = processCpuMs();
    const t0 = performance.now();
    const ch = await openClient(spec, port, s);
    await ch.read.consume(1);
    const wallMs = performance.now() - t0;
    out.push({ wallMs, cpuMs: processCpuMs() - cpu0, engineMs: ch.engineMs });
    await ch.close();
    ch.after();
  }
  return out;
}

/** One connection: `warmup` + `count` round trips of `size` bytes answered by "ack"; the times (µs) of the last `count`. */
async function roundTrips(spec: EndpointSpec, port: number, size: number, count: number, warmup: number): Promise<number[]> {
  const s = await setup(spec, 'client', port);
  const ch = await openClient(spec, port, s);
  const header = new Uint8Array(4);
  new DataView(header.buffer).setUint32(0, size);
  await ch.write(header);
  const msg = new Uint8Array(size).fill(0x6d);
  const times: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const t = performance.now();
    await ch.write(msg);
    await ch.read.consume(ACK.length);
    if (i >= warmup) times.push((performance.now() - t) * 1000);
  }
  await ch.close();
  return times;
}

// --- IPC ---

type Command =
  | { cmd: 'listen'; spec: EndpointSpec }
  | { cmd: 'samples'; port: number }
  | { cmd: 'unlisten'; port: number }
  | { cmd: 'forget'; port: number }
  | { cmd: 'handshakes'; spec: EndpointSpec; port: number; n: number }
  | { cmd: 'roundTrips'; spec: EndpointSpec; port: number; size: number; count: number; warmup: number };

async function run(c: Command): Promise<unknown> {
  switch (c.cmd) {
    case 'listen':
      return listen(c.spec);
    case 'samples': {
      const l = listener(c.port);
      const out = { samples: l.samples, errors: l.errors };
      l.samples = [];
      l.errors = [];
      return out;
    }
    case 'unlisten': {
      const l = listener(c.port);
      listeners.delete(c.port);
      await new Promise<void>((resolve) => l.server.close(() => resolve()));
      return null;
    }
    case 'forget':
      for (const key of [...clientSetups.keys()]) if (key.startsWith(c.port + '{')) clientSetups.delete(key);
      return null;
    case 'handshakes':
      return handshakes(c.spec, c.port, c.n);
    case 'roundTrips':
      return roundTrips(c.spec, c.port, c.size, c.count, c.warmup);
  }
}

process.on('message', (m: { id: number } & Command) => {
  run(m).then(
    (result) => process.send!({ id: m.id, result }),
    (e: unknown) => process.send!({ id: m.id, error: e instanceof Error ? e.stack ?? e.message : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
