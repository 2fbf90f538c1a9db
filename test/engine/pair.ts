// In-memory client/server pairs for engine tests: sans-IO pumping, and an
// Io pair over queues for the IO-callback mode.
import assert from 'node:assert/strict';
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
/** Bytes a receiver could not take yet (its record buffer was full), delivered first next time. */
const backlog = new WeakMap<Connection, Uint8Array>();

/** Copies src into b as far as it takes; returns what is left over. */
function deliver(b: Connection, src: Uint8Array, off: number, end: number): number {
  while (off < end) {
    const took = b.receive(src, off, end - off);
    if (took === 0) break;
    off += took;
  }
  return off;
}

/**
 * Moves pending output from a to b (sans-IO) like a transport would: what b
 * cannot take yet (its buffer holds one record) waits for the next call.
 * Returns bytes moved out of a. Allocates nothing unless b falls behind.
 */
export function transfer(a: Connection, b: Connection, chunk = scratch.length): number {
  const waiting = backlog.get(b);
  if (waiting) {
    const off = deliver(b, waiting, 0, waiting.length);
    if (off < waiting.length) {
      backlog.set(b, waiting.subarray(off));
      return 0;
    }
    backlog.delete(b);
  }
  let moved = 0;
  for (;;) {
    const n = a.takeOutput(scratch, 0, Math.min(chunk, scratch.length));
    if (n === 0) return moved;
    moved += n;
    const off = deliver(b, scratch, 0, n);
    if (off < n) {
      // Keep the rest, and everything a still has, for later.
      const rest = new Uint8Array(n - off + a.outputLength());
      rest.set(scratch.subarray(off, n));
      moved += a.takeOutput(rest, n - off);
      backlog.set(b, rest);
      return moved;
    }
  }
}

/** Sends text from one side and returns what the other reads, moving bytes until it arrives. */
export function exchange(from: Connection, to: Connection, text: string): string {
  const data = new TextEncoder().encode(text);
  if (from.write(data) !== data.length) throw new Error('write: ' + from.lastError()?.message);
  const buf = new Uint8Array(data.length + 16);
  for (let round = 0; round < 20; round++) {
    transfer(from, to);
    const n = to.read(buf);
    if (n > 0) return new TextDecoder().decode(buf.subarray(0, n));
    if (n !== Status.WANT_READ) throw new Error('read: ' + n + ' ' + to.lastError()?.message);
  }
  throw new Error('no data arrived');
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

/**
 * Post-handshake client authentication on a connected pair: the server asks,
 * the client answers with its certificate, and the server then holds one
 * peer certificate. Neither side has application data to read meanwhile.
 */
export function postHandshakeAuth(server: Connection, client: Connection): void {
  assert.equal(server.requestClientCertificate(), 0);
  transfer(server, client);
  assert.equal(client.read(new Uint8Array(8)), Status.WANT_READ);
  transfer(client, server);
  assert.equal(server.read(new Uint8Array(8)), Status.WANT_READ);
  assert.equal(server.negotiated()!.peerCertificates.length, 1);
}
