// In-memory client/server pairs for engine tests: sans-IO pumping, and an
// Io pair over queues for the IO-callback mode.
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Context } from '../../core/index.js';
import type { Connection } from '../../core/engine/connection.js';
import type { ContextOptions, Io } from '../../core/engine/types.js';
import { Status } from '../../core/errors.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const pkiDir = join(root, 'build', 'pki');
export const pki = (name: string): Buffer => readFileSync(join(pkiDir, name));

export const random = (dst: Uint8Array): void => {
  randomFillSync(dst);
};

type Partial<T> = { [K in keyof T]?: T[K] };

/** A client context trusting the test CA, verifying "localhost". */
export function clientContext(opts: Partial<ContextOptions> = {}, certName?: string): Context {
  const ctx = new Context({ side: 'client', random, now: Date.now, serverName: 'localhost', ...opts });
  ctx.loadVerifyBuffer(pki('ca.crt'));
  if (certName) {
    ctx.useCertificateBuffer(pki(certName + '.crt'));
    ctx.usePrivateKeyBuffer(pki(certName + '.key'));
  }
  return ctx;
}

/** A server context with one of the test PKI's server certificates (chain file when there is one). */
export function serverContext(opts: Partial<ContextOptions> = {}, certName = 'server-ecdsa'): Context {
  const ctx = new Context({ side: 'server', random, now: Date.now, ...opts });
  let chain: Buffer;
  try {
    chain = pki(certName + '-chain.crt');
  } catch {
    chain = pki(certName + '.crt');
  }
  ctx.useCertificateBuffer(chain);
  ctx.usePrivateKeyBuffer(pki(certName + '.key'));
  ctx.loadVerifyBuffer(pki('ca.crt'));
  return ctx;
}

const scratch = new Uint8Array(64 * 1024);

/** Moves pending output from a to b (sans-IO); returns bytes moved. */
export function transfer(a: Connection, b: Connection, chunk = scratch.length): number {
  let moved = 0;
  for (;;) {
    const n = a.takeOutput(scratch, 0, Math.min(chunk, scratch.length));
    if (n === 0) return moved;
    let off = 0;
    while (off < n) {
      const took = b.receive(scratch, off, n - off);
      if (took === 0) throw new Error('receiver full');
      off += took;
    }
    moved += n;
  }
}

/** Runs both handshakes to completion; returns [clientStatus, serverStatus] (0 = done). */
export function handshake(client: Connection, server: Connection, maxRounds = 50): [number, number] {
  let c = Status.WANT_READ as number;
  let s = Status.WANT_READ as number;
  for (let i = 0; i < maxRounds; i++) {
    if (c !== 0 && c > -100) c = client.connect();
    transfer(client, server);
    if (s !== 0 && s > -100) s = server.accept();
    transfer(server, client);
    if ((c === 0 || c < -100) && (s === 0 || s < -100)) {
      // Let the side that finished first see a late alert from the other.
      if (c === 0 && s < -100) c = client.read(scratch, 0, 1) < -100 ? client.lastError()!.code : 0;
      break;
    }
  }
  return [c, s];
}

/** An Io pair over in-memory queues, with an optional per-call byte limit (to exercise partial IO). */
export function ioPair(limit = Infinity): [Io, Io] {
  const ab: number[] = [];
  const ba: number[] = [];
  const make = (inbox: number[], outbox: number[]): Io => ({
    recv(buf, off, len) {
      if (inbox.length === 0) return Status.WANT_READ;
      const n = Math.min(len, inbox.length, limit);
      for (let i = 0; i < n; i++) buf[off + i] = inbox.shift()!;
      return n;
    },
    send(buf, off, len) {
      const n = Math.min(len, limit);
      for (let i = 0; i < n; i++) outbox.push(buf[off + i]);
      return n;
    },
  });
  return [make(ba, ab), make(ab, ba)];
}
