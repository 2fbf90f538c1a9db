// Seed book 8.01, network IO callbacks: the application hands the engine
// its own recv/send functions, so TLS runs over whatever moves bytes. Here
// that is a UART stand-in: a queue of frames of at most 32 bytes, at most 8
// frames waiting, one queue each way. Client and server run in one process;
// certificates come from byte arrays (8.02, samples/certs.ts).
//   node build/samples/io-callbacks.js
import { pathToFileURL } from 'node:url';
import { Context, Status, errorName, type Io } from '../core/index.js';
import { nodeRandom } from '../ports/node/files.js';
import { SAMPLE_CA, SAMPLE_SERVER_CERT, SAMPLE_SERVER_KEY } from './certs.js';

const FRAME = 32;
const DEPTH = 8;

/** One direction of the serial line: frames waiting to be read. */
class Uart {
  readonly frames: Uint8Array[] = [];
  sentFrames = 0;
  full = 0; // times a sender found the queue full
}

/** The application's IO callbacks over a UART pair (like wolfSSL_SetIOSend / wolfSSL_SetIORecv). */
function uartIo(tx: Uart, rx: Uart): Io {
  let headOff = 0; // bytes of rx.frames[0] already read
  return {
    send(buf, off, len) {
      if (tx.frames.length === DEPTH) {
        tx.full++;
        return Status.WANT_WRITE; // no room now: the engine keeps the bytes and we are called again
      }
      const n = Math.min(len, FRAME);
      tx.frames.push(buf.slice(off, off + n)); // a copy: the engine reuses its buffer
      tx.sentFrames++;
      return n;
    },
    recv(buf, off, len) {
      const frame = rx.frames[0];
      if (!frame) return Status.WANT_READ; // nothing on the line yet
      const n = Math.min(len, frame.length - headOff);
      buf.set(frame.subarray(headOff, headOff + n), off);
      headOff += n;
      if (headOff === frame.length) {
        rx.frames.shift();
        headOff = 0;
      }
      return n;
    },
  };
}

/**
 * One side's work as a list of non-blocking calls, done in order: a call
 * answering WANT_READ / WANT_WRITE is made again on the next turn. Returns a
 * step: WANT_READ while in progress, an error code, or 0 when all are done.
 */
function sequence(calls: (() => number)[]): () => number {
  let i = 0;
  return () => {
    while (i < calls.length) {
      const r = calls[i]();
      if (r === Status.WANT_READ || r === Status.WANT_WRITE) return Status.WANT_READ;
      if (r < 0) return r;
      i++;
    }
    return 0;
  };
}

export function main(print: (line: string) => void = console.log): { clientFrames: number; serverFrames: number } {
  const cctx = new Context({ side: 'client', random: nodeRandom, now: Date.now, serverName: 'localhost' });
  cctx.loadVerifyBuffer(SAMPLE_CA);
  const sctx = new Context({ side: 'server', random: nodeRandom, now: Date.now });
  sctx.useCertificateBuffer(SAMPLE_SERVER_CERT);
  sctx.usePrivateKeyBuffer(SAMPLE_SERVER_KEY);

  const up = new Uart(); // client -> server
  const down = new Uart(); // server -> client
  const client = cctx.newConnection(uartIo(up, down));
  const server = sctx.newConnection(uartIo(down, up));

  const text = new TextDecoder();
  const cbuf = new Uint8Array(256);
  const sbuf = new Uint8Array(256);
  const shown = (who: string, buf: Uint8Array) => (n: number): number => {
    if (n > 0) print(who + ' received: ' + text.decode(buf.subarray(0, n)));
    if (n === 0) print(who + ' received close_notify');
    return n;
  };
  const clientSide = sequence([
    () => client.connect(),
    () => (print('client connected: ' + up.sentFrames + ' frames sent, ' + down.sentFrames + ' received'), 0),
    () => client.write(new TextEncoder().encode('hello over the UART')),
    () => shown('client', cbuf)(client.read(cbuf)),
    () => client.shutdown(),
  ]);
  const serverSide = sequence([
    () => server.accept(),
    () => shown('server', sbuf)(server.read(sbuf)),
    () => server.write(new TextEncoder().encode('hello back')),
    () => shown('server', sbuf)(server.read(sbuf)),
  ]);

  // The device's main loop: give each side a turn until both are done.
  let c: number = Status.WANT_READ;
  let s: number = Status.WANT_READ;
  for (let turn = 0; c === Status.WANT_READ || s === Status.WANT_READ; turn++) {
    if (turn === 10_000) throw new Error('no progress');
    if (c === Status.WANT_READ) c = clientSide();
    if (s === Status.WANT_READ) s = serverSide();
  }
  if (c < 0) throw new Error('client failed: ' + (client.lastError()?.message ?? errorName(c)));
  if (s < 0) throw new Error('server failed: ' + (server.lastError()?.message ?? errorName(s)));
  print('UART totals: ' + up.sentFrames + ' frames up, ' + down.sentFrames + ' frames down (' + FRAME +
    ' bytes at most each); a full queue made the sender wait ' + (up.full + down.full) + ' times');
  return { clientFrames: up.sentFrames, serverFrames: down.sentFrames };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
