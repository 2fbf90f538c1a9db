// microtls endpoints for interop tests: a client or server Connection over
// a real TCP socket (ports/node), configured from the test PKI, with every
// wait bounded so a broken engine fails a test instead of hanging it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import type { Connection } from '../../core/engine/connection.js';
import { Context } from '../../core/index.js';
import type { ContextOptions } from '../../core/engine/types.js';
import { loadVerifyFile, nodeRandom, useCertificateFile, usePrivateKeyFile } from '../../ports/node/files.js';
import { MicrotlsError, SocketIo, close, closeSocket, errorFor, handshake, readSome, writeAll } from '../../ports/node/socket-io.js';
import { WAIT_MS, pki, register, track, within } from './peers.js';

export interface MicroOptions extends Partial<ContextOptions> {
  /** PKI file of trust anchors (default 'ca.crt'); null loads none. */
  ca?: string | null;
  /** PKI base name of our certificate: NAME-chain.crt (or NAME.crt) and NAME.key. */
  cert?: string;
  /** Client: resume this session (bytes from getSession()). */
  session?: Uint8Array | null;
  /** Client: 0-RTT data written before the handshake (with a session that allows it). */
  earlyData?: string;
  /** PKI files of CRLs to load (loadCrlBuffer). */
  crls?: string[];
  /** Another entry point's Context (a profile's, without certificates: ca null, no cert), instead of the full one. */
  profile?: new (o: ContextOptions) => Pick<Context, 'newConnection'>;
}

export interface MicroPeer {
  ctx: Context;
  conn: Connection;
  io: SocketIo;
  socket: Socket;
  /** The engine's debug log lines. */
  log: string[];
  /** Server: the 0-RTT data taken during the handshake; client: how many bytes writeEarlyData() sent. */
  early: Uint8Array | null;
  earlyWritten: number;
}

/** A Context for one side, from the test PKI and the given options. */
export function microContext(side: 'client' | 'server', o: MicroOptions): Context {
  const { ca, cert, session, earlyData, crls, profile, ...rest } = o;
  const options: ContextOptions = { side, random: nodeRandom, now: Date.now, ...rest };
  const ctx = profile ? (new profile(options) as Context) : new Context(options);
  if (ca !== null) loadVerifyFile(ctx, pki(ca ?? 'ca.crt'));
  for (const crl of crls ?? []) ctx.loadCrlBuffer(readFileSync(pki(crl)));
  if (cert) {
    const chain = pki(cert + '-chain.crt');
    useCertificateFile(ctx, existsSync(chain) ? chain : pki(cert + '.crt'));
    usePrivateKeyFile(ctx, pki(cert + '.key'));
  }
  return ctx;
}

/**
 * Handshake with a bound. On failure the socket is closed gracefully (so the
 * peer reads our alert) and the error rethrown; a timeout carries the tail
 * of the engine's debug log.
 */
async function shake(peer: MicroPeer, ms: number): Promise<MicroPeer> {
  try {
    const early: Uint8Array[] = [];
    await within(handshake(peer.conn, peer.io, (d) => early.push(d)), ms, 'microtls handshake', () => peer.socket.destroy());
    if (early.length > 0) peer.early = Buffer.concat(early);
    return peer;
  } catch (e) {
    await closeSocket(peer.io, 500);
    if (e instanceof Error && !(e instanceof MicrotlsError)) {
      e.message += '\n--- microtls debug log (last lines):\n' + peer.log.slice(-40).join('\n');
    }
    throw e;
  }
}

function connectTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = track(tcpConnect({ host: '127.0.0.1', port }));
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** A microtls client connected to 127.0.0.1:port, handshake done. Client default serverName: 'localhost'. */
export async function microConnect(port: number, o: MicroOptions = {}, ms = WAIT_MS): Promise<MicroPeer> {
  const log: string[] = [];
  const ctx = microContext('client', { serverName: 'localhost', debug: (l) => log.push(l), ...o });
  const socket = await within(connectTcp(port), ms, 'TCP connect');
  const io = new SocketIo(socket);
  const conn = ctx.newConnection(io);
  let earlyWritten = 0;
  if (o.session) checked(conn.setSession(o.session), conn);
  if (o.earlyData !== undefined) earlyWritten = checked(conn.writeEarlyData(Buffer.from(o.earlyData)), conn);
  return shake({ ctx, conn, io, socket, log, early: null, earlyWritten }, ms);
}

/** r, unless it is an error code: then the connection's error is thrown. */
function checked(r: number, conn: Connection): number {
  if (r < 0) throw errorFor(conn, r);
  return r;
}

export interface MicroServer {
  port: number;
  /** Takes the next TCP connection and runs the server handshake on it. */
  accept(ms?: number): Promise<MicroPeer>;
  stop(): Promise<void>;
}

/** A microtls server listening on 127.0.0.1 (default certificate: server-ecdsa with its intermediate). */
export async function microListen(o: MicroOptions = {}): Promise<MicroServer> {
  let log: string[] = [];
  // The context logs into whichever array is current: one per connection.
  const ctx = microContext('server', { cert: 'server-ecdsa', debug: (l) => log.push(l), ...o });
  const server: Server = createServer();
  const waiting: Socket[] = [];
  const open = new Set<Socket>();
  let wake: (() => void) | null = null;
  server.on('connection', (s: Socket) => {
    s.on('error', () => undefined); // a waiting client may reset; SocketIo sees the close
    open.add(s);
    s.once('close', () => open.delete(s));
    waiting.push(s);
    wake?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const next = async () => {
    while (waiting.length === 0) await new Promise<void>((r) => (wake = r));
    wake = null;
    return waiting.shift() as Socket;
  };
  return register<MicroServer>({
    port: (server.address() as { port: number }).port,
    async accept(ms = WAIT_MS) {
      const socket = await within(next(), ms, 'a TCP connection to the microtls server');
      const io = new SocketIo(socket);
      log = [];
      return shake({ ctx, conn: ctx.newConnection(io), io, socket, log, early: null, earlyWritten: 0 }, ms);
    },
    stop: () => {
      // server.close() waits for open connections: end them first.
      for (const s of open) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** Sends text over a microtls connection (bounded). */
export function send(peer: MicroPeer, text: string, ms = WAIT_MS): Promise<void> {
  return within(writeAll(peer.conn, peer.io, Buffer.from(text)), ms, 'microtls write', () => peer.socket.destroy());
}

const pendingText = new WeakMap<MicroPeer, string>();

/** Reads up to and without the next '\n' (bounded); null when the peer closed first. */
export async function readLine(peer: MicroPeer, ms = WAIT_MS): Promise<string | null> {
  const buf = new Uint8Array(16384);
  const read = async (): Promise<string | null> => {
    let text = pendingText.get(peer) ?? '';
    while (!text.includes('\n')) {
      const n = await readSome(peer.conn, peer.io, buf);
      if (n === 0) return null;
      text += Buffer.from(buf.subarray(0, n)).toString('utf8');
    }
    const i = text.indexOf('\n');
    pendingText.set(peer, text.slice(i + 1));
    return text.slice(0, i);
  };
  return within(read(), ms, 'microtls read', () => peer.socket.destroy());
}

/** Sends a line and returns the reply line. */
export async function exchange(peer: MicroPeer, line: string, ms = WAIT_MS): Promise<string | null> {
  await send(peer, line + '\n', ms);
  return readLine(peer, ms);
}

/** Waits for the peer's close_notify (read returns 0), bounded. */
export async function expectClose(peer: MicroPeer, ms = WAIT_MS): Promise<void> {
  const buf = new Uint8Array(16384);
  const n = await within(readSome(peer.conn, peer.io, buf), ms, 'close_notify', () => peer.socket.destroy());
  if (n !== 0) throw new Error('expected close_notify, got ' + n + ' bytes of data');
}

/** Sends close_notify and closes the socket (bounded). */
export function shutdown(peer: MicroPeer, ms = WAIT_MS): Promise<void> {
  return within(close(peer.conn, peer.io, 500), ms, 'microtls close', () => peer.socket.destroy());
}

export /** Asserts that p rejects with a MicrotlsError of this name; returns it. */
async function failsWith(p: Promise<unknown>, name: string): Promise<MicrotlsError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof MicrotlsError, 'expected a MicrotlsError, got ' + String(e));
    assert.equal(e.name, name, e.toString());
    return e;
  }
  assert.fail('expected ' + name + ', but it succeeded');
}
