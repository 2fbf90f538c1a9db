// The peer for Espruino PSK tests: a device identity and key, and a
// microtls server on 127.0.0.1 (node, in the test process) that knows them,
// answers one line and reports whether the device closed with close_notify.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { Context } from '../../core/index.js';
import { CipherSuite } from '../../core/registry.js';
import { nodeRandom } from '../../ports/node/files.js';
import { SocketIo, close, handshake, readSome, writeAll } from '../../ports/node/socket-io.js';
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

export interface PskServer {
  port: number;
  /**
   * What the first connection's peer did after our reply: 0 when it sent
   * close_notify; an engine error code (negative) when the connection failed.
   */
  closed: Promise<number>;
}

/** Listens on 127.0.0.1; the first connection gets "microtls heard: LINE" for the line it sends. */
export async function listenPsk(): Promise<PskServer> {
  const ctx = pskServerContext();
  let settle: (p: Promise<number>) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (settle = resolve));
  const server = createServer((s: Socket) => {
    s.on('error', () => undefined); // reported through the engine
    const io = new SocketIo(s);
    const conn = ctx.newConnection(io);
    settle((async () => {
      await handshake(conn, io);
      const buf = new Uint8Array(4096);
      let text = '';
      while (text.indexOf('\n') < 0) text += Buffer.from(buf.subarray(0, await readSome(conn, io, buf))).toString('latin1');
      await writeAll(conn, io, Buffer.from('microtls heard: ' + text));
      const n = await readSome(conn, io, buf);
      await close(conn, io, 500);
      return n;
    })().catch((e: { code?: number }) => (typeof e.code === 'number' ? e.code : -1)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  register({ stop: () => new Promise<void>((r) => server.close(() => r())) });
  return { port: (server.address() as { port: number }).port, closed };
}
