// Handshakes in memory (sans-IO, no sockets): the engine's own CPU time per
// side, each connect()/accept() call timed with performance.now(), and the
// handshake's bytes on the wire, read from the record headers. Platform
// neutral (it also runs on XS, with the library from a dist bundle): only
// type imports and the Status constants.
import type { Connection } from '../../core/engine/connection.js';
import { Status } from '../../core/errors.js';
import type { Context } from '../../core/index.js';
import type { Mode, ModeState } from './mode.js';

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

/**
 * Bytes on their way from one connection to the other. A receiver may take
 * only part of them (a small record buffer with max_fragment_length): the
 * rest waits until it has processed what it took.
 */
class Pipe {
  private readonly buf = new Uint8Array(128 * 1024);
  private start = 0;
  private end = 0;

  get empty(): boolean {
    return this.start === this.end;
  }

  /** Takes all of a's output (whole records), adding them to `flight`. */
  take(a: Connection, flight: Flight | null): void {
    if (this.start === this.end) this.start = this.end = 0;
    for (let n; (n = a.takeOutput(this.buf, this.end)) > 0; ) {
      for (let at = this.end; flight && at + 5 <= this.end + n; ) {
        const len = (this.buf[at + 3] << 8) | this.buf[at + 4];
        if (this.buf[at] === CONTENT_HANDSHAKE) flight.plainHandshake += len;
        if (this.buf[at] === CONTENT_APPLICATION_DATA) {
          flight.encrypted += len - TAG;
          flight.encryptedRecords++;
        }
        at += 5 + len;
      }
      this.end += n;
    }
  }

  /** Hands b as much as it takes now. */
  deliver(b: Connection): void {
    this.start += b.receive(this.buf, this.start, this.end - this.start);
  }
}

const toServer = new Pipe();
const toClient = new Pipe();

/** Where early data and stray bytes go. */
const sink = new Uint8Array(16384);

/** A server handshake step that takes any 0-RTT data (and drops it). */
function acceptDroppingEarlyData(server: Connection): number {
  let r = server.accept();
  while (r === Status.EARLY_DATA) {
    while (server.readEarlyData(sink) > 0);
    r = server.accept();
  }
  return r;
}

/** Runs one engine call of one side (connection creation, connect(), accept()) and accounts for it; returns the call's result. */
export type Meter = <T>(side: 'client' | 'server', call: () => T) => T;

/** A clock in ms: wall time (performance.now()) or, where the platform tells it, the process's CPU time. */
export type Clock = () => number;

const wallClock: Clock = () => performance.now();

/** A Meter adding up each side's time in ms on `clock` (read around each call). */
export function timer(clock: Clock = wallClock): { meter: Meter; ms: { client: number; server: number } } {
  const ms = { client: 0, server: 0 };
  const meter: Meter = <T>(side: 'client' | 'server', call: () => T): T => {
    const t = clock();
    const r = call();
    ms[side] += clock() - t;
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
  for (let i = 0; i < 100 && (c !== 0 || s !== 0 || !toServer.empty); i++) {
    if (c !== 0) c = meter('client', () => cc.connect());
    toServer.take(cc, wire?.client ?? null);
    toServer.deliver(sc);
    if (s !== 0 || !toServer.empty) s = meter('server', () => acceptDroppingEarlyData(sc));
    toClient.take(sc, wire?.server ?? null);
    toClient.deliver(cc);
    if (c < -100 || s < -100) break;
  }
  if (c !== 0 || s !== 0) {
    throw new Error(`handshake failed: client ${c} ${cc.lastError()?.message ?? ''}, server ${s} ${sc.lastError()?.message ?? ''}`);
  }
  // What the server sent after its handshake (tickets) is processed before the mode's hook.
  meter('client', () => {
    for (;;) {
      const r = cc.read(sink, 0, 1);
      if (r !== Status.WANT_READ) throw new Error('unexpected data or error after the handshake: ' + r);
      if (toClient.empty) break;
      toClient.deliver(cc);
    }
    mode.microAfter?.(cc, state);
  });
  return { client: cc, server: sc };
}

export interface EngineTimes {
  client: number[];
  server: number[];
  wire: Wire;
}

/**
 * `warmup` unmeasured handshakes (the last of them counts the wire bytes;
 * with none, the wire stays at zero), then n measured ones, each side's calls
 * timed on `clock`. `state` carries a mode's session from call to call.
 */
export function engineTimes(
  cctx: Context, sctx: Context, mode: Mode, n: number, warmup: number, clock: Clock = wallClock, state: ModeState = {},
): EngineTimes {
  const emptyFlight = (): Flight => ({ plainHandshake: 0, encrypted: 0, encryptedRecords: 0 });
  const wire: Wire = { client: emptyFlight(), server: emptyFlight() };
  for (let i = 0; i < warmup; i++) handshakeOnce(cctx, sctx, mode, state, timer().meter, i === warmup - 1 ? wire : null);
  const client: number[] = [];
  const server: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = timer(clock);
    const { client: conn } = handshakeOnce(cctx, sctx, mode, state, t.meter);
    const got = conn.negotiated()!.mode;
    if (got !== mode.negotiated) throw new Error(`${got} handshake in mode ${mode.name}`);
    if (mode.earlyData && conn.earlyDataStatus() !== 'accepted') throw new Error('0-RTT data ' + conn.earlyDataStatus());
    client.push(t.ms.client);
    server.push(t.ms.server);
  }
  return { client, server, wire };
}
