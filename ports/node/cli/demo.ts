// `microtls demo`: a server and a client in one process over 127.0.0.1, one
// handshake and one exchange of the seed protocol, the parameters printed.
import { performance } from 'node:perf_hooks';
import { SocketIo, close, closeSocket, handshake } from '../socket-io.js';
import { flagCommand, type Values } from './command.js';
import { clientContext, serverContext } from './contexts.js';
import { explain } from './errors.js';
import { DEMO_HELP } from './help.js';
import { COMMON } from './options.js';
import { err, out, type Print } from './output.js';
import { clientSession, describeNegotiated, serveConnection } from './seed-protocol.js';
import { acceptQueue, connectTcp, listen } from './tcp.js';

/**
 * Waits for both sides; when one fails, runs onFail (closing the sockets
 * wakes the other side) and rethrows the first failure once both settled.
 */
async function together(sides: Promise<unknown>[], onFail: () => Promise<unknown>): Promise<void> {
  let failure: { e: unknown } | null = null;
  await Promise.all(sides.map((p) => p.catch(async (e: unknown) => {
    if (failure) return;
    failure = { e };
    await onFail();
  })));
  if (failure) throw (failure as { e: unknown }).e;
}

async function runDemo(v: Values): Promise<number> {
  const verbose = v.verbose === true;
  const sctx = serverContext(v, verbose ? (l) => err('[server] ' + l) : undefined);
  const cctx = clientContext(v, 'localhost', verbose ? (l) => err('[client] ' + l) : undefined);
  const server = await listen('127.0.0.1', 0);
  const port = (server.address() as { port: number }).port;
  const next = acceptQueue(server);
  const sout: Print = (l) => out('[server] ' + l);
  const cout: Print = (l) => out('[client] ' + l);
  try {
    sout('Waiting for a connection...');
    cout('Send to localhost(127.0.0.1)');
    const t0 = performance.now();
    const csock = await connectTcp('127.0.0.1', port);
    const cio = new SocketIo(csock);
    const cconn = cctx.newConnection(cio);
    const ssock = await next();
    const sio = new SocketIo(ssock);
    const sconn = sctx.newConnection(sio);
    const closeBoth = () => Promise.all([closeSocket(cio), closeSocket(sio)]);
    try {
      await together([
        handshake(sconn, sio).then(() => sout('Client connected successfully')),
        handshake(cconn, cio),
      ], closeBoth);
    } catch (e) {
      throw explain('handshake failed', e);
    }
    const ms = performance.now() - t0;
    const neg = cconn.negotiated();
    if (neg) out('Negotiated: ' + describeNegotiated(neg));
    out('Handshake time: ' + ms.toFixed(1) + ' ms');
    try {
      await together([
        serveConnection(sconn, sio, sout),
        clientSession(cconn, cio, ['hello microtls', 'break'], cout, () => undefined).then(() => close(cconn, cio)),
      ], closeBoth);
    } catch (e) {
      throw explain('connection failed', e);
    }
    cout('End of TLS Client');
    return 0;
  } finally {
    server.close();
  }
}

export const demoCommand = flagCommand({
  name: 'demo', summary: 'server and client in one process', help: DEMO_HELP, flags: COMMON, run: runDemo,
});
