// Handshakes in one process over an in-memory duplex pair (stream.duplexPair):
// node:tls (TLSSocket on each end) and microtls (SocketIo and the drive
// helpers of the Node port on each end) over the same transport, so the
// process CPU time per handshake compares the implementations and nothing
// else: no sockets, no second process, no scheduler between them.
import type { Socket } from 'node:net';
import { duplexPair, type Duplex } from 'node:stream';
import tls from 'node:tls';
import type { Context, CryptoProvider } from '../../core/index.js';
import { SocketIo, handshake, readSome, writeAll } from '../../ports/node/socket-io.js';
import { microContextFor, modeOf, nodeClientOptions, nodeServerOptions, type Config, type ModeState } from './configs.js';
import { processCpuMs } from './machine.js';

export const NODE_TLS = 'node:tls';
const HELLO = new Uint8Array([0x21]);

/** Both ends of a pair, each looking like the socket the adapters expect (no Nagle to turn off in memory). */
function socketPair(): [Socket, Socket] {
  const [a, b] = duplexPair();
  const asSocket = (d: Duplex): Socket => Object.assign(d, { setNoDelay: () => d }) as unknown as Socket;
  return [asSocket(a), asSocket(b)];
}

/**
 * One implementation in one configuration, made once (contexts, like an
 * SSL_CTX); handshake() runs a client and a server to the server's first
 * application byte read by the client (so session tickets sent before it are
 * processed), then drops both ends.
 */
export interface DuplexRunner {
  readonly name: string;
  handshake(): Promise<void>;
}

function nodeRunner(c: Config): DuplexRunner {
  const mode = modeOf(c.mode);
  const client = nodeClientOptions(c);
  const clientContext = tls.createSecureContext(client);
  const server = nodeServerOptions(c);
  const serverContext = tls.createSecureContext(server);
  const state: ModeState = {};
  return {
    name: NODE_TLS,
    handshake: () => new Promise<void>((resolve, reject) => {
      const [a, b] = socketPair();
      const s = new tls.TLSSocket(b, { ...server, isServer: true, secureContext: serverContext });
      s.once('secure', () => s.write(HELLO));
      s.on('error', reject);
      const cs = tls.connect({ ...client, socket: a, secureContext: clientContext, ...mode.nodeBefore?.(state) });
      mode.nodeSocket?.(cs, state);
      cs.on('error', reject);
      cs.once('data', () => {
        cs.destroy();
        s.destroy();
        resolve();
      });
    }),
  };
}

function microRunner(c: Config, providerName: string, provider: CryptoProvider): DuplexRunner {
  const mode = modeOf(c.mode);
  const cctx: Context = microContextFor('client', c, provider);
  const sctx: Context = microContextFor('server', c, provider);
  const state: ModeState = {};
  const buf = new Uint8Array(16);
  return {
    name: 'microtls/' + providerName,
    async handshake() {
      const [a, b] = socketPair();
      const cio = new SocketIo(a);
      const sio = new SocketIo(b);
      const cc = cctx.newConnection(cio);
      const sc = sctx.newConnection(sio);
      mode.microBefore?.(cc, state);
      const served = handshake(sc, sio, () => undefined).then(() => writeAll(sc, sio, HELLO));
      await handshake(cc, cio);
      if ((await readSome(cc, cio, buf)) !== 1) throw new Error('microtls over a duplex pair: no first byte');
      await served;
      mode.microAfter?.(cc, state);
      a.destroy();
      b.destroy();
    },
  };
}

/** The runners of a configuration: node:tls when it runs the mode, then microtls with each provider. */
export function duplexRunners(c: Config, providers: Map<string, CryptoProvider>): DuplexRunner[] {
  const list: DuplexRunner[] = modeOf(c.mode).node(c) ? [nodeRunner(c)] : [];
  for (const [name, p] of providers) list.push(microRunner(c, name, p));
  return list;
}

/** Process CPU time (ms) per handshake over k handshakes one after the other. */
export async function cpuPerHandshake(r: DuplexRunner, k: number): Promise<number> {
  const t = processCpuMs();
  for (let i = 0; i < k; i++) await r.handshake();
  return (processCpuMs() - t) / k;
}
