// The peer for Espruino PSK tests: a device identity and key, and a
// microtls server on 127.0.0.1 (node, in the test process) that knows them,
// echoes lines and reports how each connection ended.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { Context } from '../../core/index.js';
import { CipherSuite } from '../../core/registry.js';
import { nodeRandom } from '../../ports/node/files.js';
import { SocketIo, close, closeSocket, drive, handshake, readSome, writeAll } from '../../ports/node/socket-io.js';
import { register } from '../helpers/peers.js';

export const IDENTITY = 'espruino-device-1';
export const KEY_HEX = randomBytes(32).toString('hex');

/** A server context that knows the device's PSK (and has no certificate). */
export function pskServerContext(): Context {
  return new Context({
    side: 'server',
    random: nodeRandom,
    now: Date.now,
    pskModes: ['psk_dhe_ke', 'psk_ke'],
    cipherSuites: [CipherSuite.TLS_AES_128_CCM_8_SHA256, CipherSuite.TLS_AES_128_CCM_SHA256, CipherSuite.TLS_AES_128_GCM_SHA256],
    pskServer: (id) => (Buffer.from(id).toString('latin1') === IDENTITY
      ? { identity: new Uint8Array(id), key: new Uint8Array(Buffer.from(KEY_HEX, 'hex')) }
      : null),
  });
}

/** What the server saw of one connection. */
export interface ServerConnection {
  /** The engine error that ended it (lastError().name), or null. */
  error: string | null;
  /** The client sent close_notify (read returned 0) before the transport closed. */
  clientCloseNotify: boolean;
}

export interface PskServer {
  port: number;
  /** Resolves with connection n (0, 1, ...) once it is over. */
  connection(n: number): Promise<ServerConnection>;
}

/**
 * A microtls server on 127.0.0.1 for any number of connections. Each line a
 * client sends comes back as it is; after the line "CLOSE" the server sends
 * close_notify first and waits for the client's; otherwise it answers the
 * client's close_notify with its own. (openssl s_server -rev does the same,
 * with every line reversed.)
 */
export async function listenPsk(ctx: Context = pskServerContext()): Promise<PskServer> {
  const done: Promise<ServerConnection>[] = [];
  const waiting: ((p: Promise<ServerConnection>) => void)[] = [];
  const slot = (n: number) => {
    while (done.length <= n) done.push(new Promise((resolve) => waiting.push(resolve)));
    return done[n];
  };
  let accepted = 0;
  const server = createServer((s: Socket) => {
    s.on('error', () => undefined); // reported through the engine
    slot(accepted);
    waiting[accepted++](serve(ctx, s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  register({ stop: () => new Promise<void>((r) => server.close(() => r())) });
  return { port: (server.address() as { port: number }).port, connection: slot };
}

async function serve(ctx: Context, s: Socket): Promise<ServerConnection> {
  const io = new SocketIo(s);
  const conn = ctx.newConnection(io);
  const result: ServerConnection = { error: null, clientCloseNotify: false };
  try {
    await handshake(conn, io);
    const buf = new Uint8Array(4096);
    let pending = '';
    for (;;) {
      const n = await readSome(conn, io, buf);
      if (n === 0) {
        result.clientCloseNotify = true;
        await close(conn, io, 500);
        return result;
      }
      pending += Buffer.from(buf.subarray(0, n)).toString('latin1');
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.substring(0, nl);
        pending = pending.substring(nl + 1);
        if (line === 'CLOSE') {
          await drive(conn, io, () => conn.shutdown());
          result.clientCloseNotify = (await readSome(conn, io, buf)) === 0;
          await closeSocket(io, 500);
          return result;
        }
        await writeAll(conn, io, Buffer.from(line + '\n', 'latin1'));
      }
    }
  } catch {
    result.error = conn.lastError()?.name ?? 'IO_ERROR';
    await closeSocket(io, 500);
    return result;
  }
}
