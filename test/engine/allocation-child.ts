// Child process of allocation.test.ts: one case's measurement, printed as JSON.
// It runs with HEAP_FLAGS (bench/lib/heap.ts): without concurrent
// recompilation, tier-up happens on the main thread at fixed call counts, so
// the warm-up ends with the record path optimized however busy the machine
// is. (With background compilation on 2 loaded cores, the optimized code once
// arrived only after three measurements, each showing 24 B per record from
// the baseline tier.)
//
// Method: warm up, force a full GC, sum the used size of every heap space but
// compiled code (v8.getHeapSpaceStatistics), run the records, sum again.
// Without a GC in between, the difference is what was allocated; a GCProfiler
// around the loop proves no GC happened (a scavenge would hide allocations).
import { GCProfiler, getHeapSpaceStatistics } from 'node:v8';
import { CipherSuite, TLS12 } from '../../core/registry.js';
import type { ContextOptions, Io } from '../../core/engine/types.js';
import type { Connection } from '../../core/engine/connection.js';
import { clientContext, handshake, serverContext, transfer } from './pair.js';

declare const gc: () => void;

export const RECORDS = 10_000;

/** TLS 1.2 records: an explicit nonce and the sequence number in the additional data (GCM), or no explicit nonce (ChaCha20). */
const TLS12_ONLY = { minVersion: TLS12, maxVersion: TLS12 };
/** Sans-IO pairs by suite. */
export const SUITES: Record<string, [number, Partial<ContextOptions>]> = {
  'AES-128-GCM': [CipherSuite.TLS_AES_128_GCM_SHA256, {}],
  'AES-256-GCM': [CipherSuite.TLS_AES_256_GCM_SHA384, {}],
  'ChaCha20-Poly1305': [CipherSuite.TLS_CHACHA20_POLY1305_SHA256, {}],
  'AES-128-CCM': [CipherSuite.TLS_AES_128_CCM_SHA256, {}],
  'AES-128-CCM_8': [CipherSuite.TLS_AES_128_CCM_8_SHA256, {}],
  'TLS 1.2 ECDHE_ECDSA AES-128-GCM': [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS12_ONLY],
  'TLS 1.2 ECDHE_ECDSA AES-256-GCM': [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS12_ONLY],
  'TLS 1.2 ECDHE_ECDSA ChaCha20-Poly1305': [CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TLS12_ONLY],
  'TLS 1.2 ECDHE_ECDSA AES-128-CCM': [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM, TLS12_ONLY],
};

/** Used bytes of every heap space but compiled code. */
function objectHeapUsed(): number {
  let sum = 0;
  for (const s of getHeapSpaceStatistics()) if (!s.space_name.startsWith('code')) sum += s.space_used_size;
  return sum;
}

/** Allocation over RECORDS iterations of `run` after warm-up; the least of three (a one-off lands in one, a per-record allocation in all). */
function measure(run: (n: number) => void): { bytes: number; gcs: number } {
  run(5_000);
  let best = { bytes: Infinity, gcs: Infinity };
  for (let attempt = 0; attempt < 3; attempt++) {
    gc();
    const profiler = new GCProfiler();
    profiler.start();
    const before = objectHeapUsed();
    run(RECORDS);
    const after = objectHeapUsed();
    const gcs = profiler.stop()?.statistics.length ?? 0;
    if (gcs < best.gcs || (gcs === best.gcs && after - before < best.bytes)) best = { bytes: after - before, gcs };
  }
  return best;
}

/** The measurement, the negotiated version, and whether the control's arrays were made. */
export type Result = { bytes: number; gcs: number; version?: number; allocated?: boolean };

function sansIo(suite: number, versions: Partial<ContextOptions>, control: boolean): Result {
  const client = clientContext({ cipherSuites: [suite], ...versions }).newConnection();
  const server = serverContext({ cipherSuites: [suite] }).newConnection();
  const status = handshake(client, server);
  if (status[0] !== 0 || status[1] !== 0) throw new Error('handshake failed: ' + status.join(','));
  const msg = new Uint8Array(1024).fill(0x61);
  const buf = new Uint8Array(2048);
  let sink: Uint8Array | null = null;
  const oneWay = (from: Connection, to: Connection): void => {
    if (from.write(msg) !== msg.length) throw new Error('write failed');
    transfer(from, to);
    if (to.read(buf) !== msg.length) throw new Error('read failed');
    // The control case: one 16-byte array per record must show.
    if (control) sink = new Uint8Array(16);
  };
  const result = measure((n) => {
    for (let i = 0; i < n; i++) {
      oneWay(client, server);
      oneWay(server, client);
    }
  });
  return { ...result, version: client.negotiated()?.version, allocated: sink !== null };
}

/** The IO-callback mode over fixed ring buffers, so the transport itself allocates nothing either. */
function ioCallbacks(): Result {
  const ring = () => ({ buf: new Uint8Array(64 * 1024), start: 0, end: 0 });
  const ab = ring();
  const ba = ring();
  const io = (inbox: ReturnType<typeof ring>, outbox: ReturnType<typeof ring>): Io => ({
    recv(b: Uint8Array, off: number, len: number): number {
      const n = Math.min(len, inbox.end - inbox.start);
      if (n === 0) return -2;
      for (let i = 0; i < n; i++) b[off + i] = inbox.buf[inbox.start + i];
      inbox.start += n;
      if (inbox.start === inbox.end) inbox.start = inbox.end = 0;
      return n;
    },
    send(b: Uint8Array, off: number, len: number): number {
      const n = Math.min(len, outbox.buf.length - outbox.end);
      if (n === 0) return -3;
      for (let i = 0; i < n; i++) outbox.buf[outbox.end + i] = b[off + i];
      outbox.end += n;
      return n;
    },
  });
  const client = clientContext().newConnection(io(ba, ab));
  const server = serverContext().newConnection(io(ab, ba));
  let c = -2;
  let s = -2;
  for (let i = 0; i < 20 && (c !== 0 || s !== 0); i++) {
    if (c !== 0) c = client.connect();
    if (s !== 0) s = server.accept();
  }
  if (c !== 0 || s !== 0) throw new Error('handshake failed: ' + c + ',' + s);
  const msg = new Uint8Array(1024).fill(0x62);
  const buf = new Uint8Array(2048);
  return measure((n) => {
    for (let i = 0; i < n; i++) {
      if (client.write(msg) !== msg.length || server.read(buf) !== msg.length) throw new Error('c->s');
      if (server.write(msg) !== msg.length || client.read(buf) !== msg.length) throw new Error('s->c');
    }
  });
}

const which = process.argv[2];
if (which !== undefined) {
  const result = which === 'io' ? ioCallbacks()
    : which === 'control' ? sansIo(CipherSuite.TLS_AES_128_GCM_SHA256, {}, true)
    : sansIo(SUITES[which][0], SUITES[which][1], false);
  process.stdout.write(JSON.stringify(result));
}
