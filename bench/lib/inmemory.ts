// Handshakes in memory (sans-IO, no sockets): the engine's own CPU time per
// side, each connect()/accept() call timed with performance.now(), and the
// handshake's bytes on the wire, read from the record headers.
import { performance } from 'node:perf_hooks';
import type { Connection } from '../../core/engine/connection.js';
import { Status, type Context } from '../../core/index.js';
import type { Mode, ModeState } from './configs.js';

/** Handshake bytes one side sent: in plaintext records (ClientHello, ServerHello) and inside encrypted records. */
export interface Flight {
  plainHandshake: number;
  /** Inner plaintext of encrypted records (content and the content type byte), without the AEAD tags. */
  encrypted: number;
  encryptedRecords: number;
}

export interface Wire {
  client: Flight;
  server: Flight;
}

const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
const TAG = 16;

const scratch = new Uint8Array(64 * 1024);

/** Moves a's output to b, adding its records to `flight` (each takeOutput ends on a record boundary here). */
function move(a: Connection, b: Connection, flight: Flight | null): void {
  for (let n; (n = a.takeOutput(scratch)) > 0; ) {
    if (flight) {
      for (let at = 0; at + 5 <= n; ) {
        const len = (scratch[at + 3] << 8) | scratch[at + 4];
        if (scratch[at] === CONTENT_HANDSHAKE) flight.plainHandshake += len;
        if (scratch[at] === CONTENT_APPLICATION_DATA) {
          flight.encrypted += len - TAG;
          flight.encryptedRecords++;
        }
        at += 5 + len;
      }
    }
    for (let off = 0; off < n; ) {
      const took = b.receive(scratch, off, n - off);
      if (took === 0) throw new Error('receiver full');
      off += took;
    }
  }
}

const early = new Uint8Array(16384);

/** A server handshake step that takes any 0-RTT data (and drops it). */
function acceptDroppingEarlyData(server: Connection): number {
  let r = server.accept();
  while (r === Status.EARLY_DATA) {
    while (server.readEarlyData(early) > 0);
    r = server.accept();
  }
  return r;
}

/** Runs one engine call of one side (connection creation, connect(), accept()) and accounts for it; returns the call's result. */
export type Meter = <T>(side: 'client' | 'server', call: () => T) => T;

/** A Meter adding up each side's time in ms (performance.now() around each call). */
export function timer(): { meter: Meter; ms: { client: number; server: number } } {
  const ms = { client: 0, server: 0 };
  const meter: Meter = <T>(side: 'client' | 'server', call: () => T): T => {
    const t = performance.now();
    const r = call();
    ms[side] += performance.now() - t;
    return r;
  };
  return { meter, ms };
}

/** One handshake between new connections of the two contexts, each side's calls through the meter; throws with both errors when it fails. */
export function handshakeOnce(cctx: Context, sctx: Context, mode: Mode, state: ModeState, meter: Meter, wire: Wire | null = null): { client: Connection; server: Connection } {
  const cc = meter('client', () => {
    const conn = cctx.newConnection();
    mode.microBefore?.(conn, state);
    return conn;
  });
  const sc = meter('server', () => sctx.newConnection());
  let c = -2;
  let s = -2;
  for (let i = 0; i < 20 && (c !== 0 || s !== 0); i++) {
    if (c !== 0) c = meter('client', () => cc.connect());
    move(cc, sc, wire?.client ?? null);
    if (s !== 0) s = meter('server', () => acceptDroppingEarlyData(sc));
    move(sc, cc, wire?.server ?? null);
    if (c < -100 || s < -100) break;
  }
  if (c !== 0 || s !== 0) {
    throw new Error(`handshake failed: client ${c} ${cc.lastError()?.message ?? ''}, server ${s} ${sc.lastError()?.message ?? ''}`);
  }
  // What the server sent after its handshake (tickets) is processed before the mode's hook.
  meter('client', () => {
    const r = cc.read(scratch, 0, 1);
    if (r !== Status.WANT_READ) throw new Error('unexpected data or error after the handshake: ' + r);
    mode.microAfter?.(cc, state);
  });
  return { client: cc, server: sc };
}

export interface EngineTimes {
  client: number[];
  server: number[];
  /** process.cpuUsage() (user + system) of the whole loop per handshake, both sides together (ms). */
  processCpuMs: number;
  wire: Wire;
}

/** `warmup` (at least one) unmeasured handshakes, the last of them counting the wire bytes, then n measured ones. */
export function engineTimes(cctx: Context, sctx: Context, mode: Mode, n: number, warmup: number): EngineTimes {
  const state: ModeState = {};
  const emptyFlight = (): Flight => ({ plainHandshake: 0, encrypted: 0, encryptedRecords: 0 });
  const wire: Wire = { client: emptyFlight(), server: emptyFlight() };
  for (let i = 1; i < warmup; i++) handshakeOnce(cctx, sctx, mode, state, timer().meter);
  handshakeOnce(cctx, sctx, mode, state, timer().meter, wire);
  const client: number[] = [];
  const server: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = timer();
    const { client: conn } = handshakeOnce(cctx, sctx, mode, state, t.meter);
    const got = conn.negotiated()!.mode;
    if (got !== mode.negotiated) throw new Error(`${got} handshake in mode ${mode.name}`);
    if (mode.earlyData && conn.earlyDataStatus() !== 'accepted') throw new Error('0-RTT data ' + conn.earlyDataStatus());
    client.push(t.ms.client);
    server.push(t.ms.server);
  }
  const cpu = process.cpuUsage(cpu0);
  return { client, server, processCpuMs: (cpu.user + cpu.system) / 1000 / n, wire };
}
