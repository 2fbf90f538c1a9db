// Seed book 8.03, non-blocking networking: connect(), write() and read()
// return at once. WANT_READ means "nothing to read yet: call again when the
// socket has data", WANT_WRITE "the socket's send buffer is full: call again
// when it drains". The client below handles both explicitly, as one task of
// the superloop, woken by its TCP transport. An 8 MB message is more than
// the kernel's socket buffers take at once, so writing it meets WANT_WRITE.
// The server is the plain async one from ports/node.
//   node build/samples/nonblocking.js
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Context, Status, errorName } from '../core/index.js';
import { DONE, WAIT } from '../core/loop/scheduler.js';
import { wakeOnReady } from '../core/loop/transport.js';
import { nodeRandom } from '../ports/node/files.js';
import { NodeLoop } from '../ports/node/loop.js';
import { SocketIo, close, handshake, readSome, writeAll } from '../ports/node/socket-io.js';
import { TcpTransport } from '../ports/node/transports/tcp.js';
import { SAMPLE_CA, SAMPLE_SERVER_CERT, SAMPLE_SERVER_KEY } from './certs.js';

export interface Counts {
  wantRead: number;
  wantWrite: number;
  reply: string;
}

export async function main(print: (line: string) => void = console.log, size = 8 << 20): Promise<Counts> {
  // The server: reads `size` bytes, answers how many it got, closes.
  const sctx = new Context({ side: 'server', random: nodeRandom, now: Date.now });
  sctx.useCertificateBuffer(SAMPLE_SERVER_CERT);
  sctx.usePrivateKeyBuffer(SAMPLE_SERVER_KEY);
  const server = createServer(async (socket) => {
    const io = new SocketIo(socket);
    const conn = sctx.newConnection(io);
    try {
      await handshake(conn, io);
      const buf = new Uint8Array(16384);
      let got = 0;
      while (got < size) got += await readSome(conn, io, buf);
      await writeAll(conn, io, new TextEncoder().encode('received ' + got + ' bytes'));
      await close(conn, io);
    } catch (e) {
      print('server: ' + String(e));
      socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  // The client: one task; each call returns at once and says what to wait for.
  const cctx = new Context({ side: 'client', random: nodeRandom, now: Date.now, serverName: 'localhost' });
  cctx.loadVerifyBuffer(SAMPLE_CA);
  const transport = TcpTransport.connect('127.0.0.1', port);
  const conn = cctx.newConnection(transport);
  const data = new Uint8Array(size).fill(0x61);
  const reply = new Uint8Array(256);
  const counts: Counts = { wantRead: 0, wantWrite: 0, reply: '' };
  let phase: 'connect' | 'write' | 'read' | 'shutdown' = 'connect';
  let sent = 0;
  const loop = new NodeLoop();
  const task = loop.add(() => {
    for (;;) {
      let r: number;
      if (phase === 'connect') r = conn.connect();
      else if (phase === 'write') r = conn.write(data, sent);
      else if (phase === 'read') r = conn.read(reply);
      else r = conn.shutdown();

      if (r === Status.WANT_READ) {
        counts.wantRead++;
        return WAIT; // the transport wakes us when data arrives
      }
      if (r === Status.WANT_WRITE) {
        counts.wantWrite++;
        return WAIT; // ... or when the send buffer has drained
      }
      if (r < 0) {
        print(phase + ' failed: ' + (conn.lastError()?.message ?? errorName(r)));
        transport.destroy();
        return DONE;
      }
      if (phase === 'connect') {
        print('connected, sending ' + size + ' bytes');
        phase = 'write';
      } else if (phase === 'write') {
        sent += r;
        if (sent === size) phase = 'read';
      } else if (phase === 'read') {
        counts.reply = new TextDecoder().decode(reply.subarray(0, r));
        print('server says: ' + counts.reply);
        phase = 'shutdown';
      } else {
        transport.close();
        return DONE;
      }
    }
  }, 'client');
  wakeOnReady(transport, task);
  await loop.finished();
  server.close();
  print('WANT_READ ' + counts.wantRead + ' times, WANT_WRITE ' + counts.wantWrite + ' times');
  return counts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
