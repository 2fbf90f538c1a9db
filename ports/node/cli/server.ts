// `microtls server`: the seed book's TLS server (chapter 6.1), TLS 1.3 and 1.2. Serves
// one client at a time with the seed protocol; --once exits after the first.
import type { Server } from 'node:net';
import { ErrorCode } from '../../../core/errors.js';
import { SocketIo, closeSocket, handshake, writeAll } from '../socket-io.js';
import { flagCommand, type Values } from './command.js';
import { serverContext, type PskUse } from './contexts.js';
import { explain, report } from './errors.js';
import { SERVER_HELP } from './help.js';
import { withDeadline } from './deadline.js';
import { certificateWarning } from './hints.js';
import { COMMON, PEER, endpointOf, timeoutOf } from './options.js';
import { err, out } from './output.js';
import { REPLY, chomp, describeNegotiated, serveConnection, versionLabel } from './seed-protocol.js';
import { acceptQueue, listen } from './tcp.js';

const FLAGS = {
  ...COMMON, ...PEER,
  cert: { type: 'string' }, key: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' },
  ca: { type: 'string' }, crl: { type: 'string' }, 'verify-client': { type: 'boolean' }, 'require-client-cert': { type: 'boolean' },
  once: { type: 'boolean' }, tickets: { type: 'string' }, 'max-early-data': { type: 'string' }, ocsp: { type: 'string' },
} as const;

async function runServer(v: Values): Promise<number> {
  const debug = v.verbose ? err : undefined;
  const pskUse: PskUse = { identity: null };
  const ctx = serverContext(v, debug, pskUse);
  const warning = certificateWarning(ctx, typeof v.cert === 'string' ? v.cert : 'the demo certificate', Date.now());
  if (warning) err(warning);
  const ms = timeoutOf(v);
  const { host, port } = endpointOf(v);
  let server: Server;
  try {
    server = await listen(host, port);
  } catch (e) {
    throw explain('cannot listen on ' + host + ':' + port, e, ErrorCode.IO_ERROR);
  }
  const next = acceptQueue(server);
  try {
    for (;;) {
      out('Waiting for a connection...');
      const socket = await next();
      const io = new SocketIo(socket);
      const conn = ctx.newConnection(io);
      let ok = true;
      let connected = false;
      pskUse.identity = null;
      try {
        const early: Uint8Array[] = [];
        await withDeadline(io, ms, 'handshake from the client', () => handshake(conn, io, (d) => early.push(d)));
        connected = true;
        const n = conn.negotiated()!;
        if (n.mode === 'psk' && pskUse.identity !== null) out('Identity: ' + pskUse.identity);
        if (early.length > 0) out('Early Data Client message: ' + chomp(Buffer.concat(early).toString('utf8')));
        out('Client connected successfully');
        out('Protocol: ' + versionLabel(n));
        if (v.alpn !== undefined) out(n.alpn ? 'ALPN protocol: ' + n.alpn : 'No ALPN negotiated');
        if (debug) debug('negotiated: ' + describeNegotiated(n));
        // 0-RTT data is the client's first message: it gets the answer every message gets.
        if (early.length > 0) await writeAll(conn, io, Buffer.from(REPLY));
        await serveConnection(conn, io, out);
      } catch (e) {
        ok = false;
        await closeSocket(io);
        report(explain(connected ? 'connection failed' : 'handshake failed', e), { side: 'server', flags: v });
      }
      if (v.once) return ok ? 0 : 1;
    }
  } finally {
    server.close();
  }
}

export const serverCommand = flagCommand({
  name: 'server', summary: 'TLS 1.3/1.2 sample server (seed book chapter 6.1)', help: SERVER_HELP, flags: FLAGS, run: runServer, hints: 'server',
});
