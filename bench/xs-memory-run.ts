// The XS side of bench/xs-memory.ts (no imports: the bundle arrives as an
// argument). One role at a time: a client or server connection replays the
// peer's recorded flights (recorded on Node with the same seeded randomness,
// so the bytes match), so its heap holds one connection and nothing of the
// peer. Each phase ends with `print('@ label')` then gc(), after which the
// report build prints the live size and the phase's peak. Also: a live
// pair moving application records, for the no-growth check.
import type * as Microtls from '../core/index.js';

type Lib = typeof Microtls;
type Connection = Microtls.Connection;
type ContextOptions = Microtls.ContextOptions;

export type Role = 'client' | 'server';

/** What both engines need to build the same contexts. */
export interface MemoryJob {
  now: number;
  /** Options for both sides (suites, groups, maxFragmentLength). */
  options: Partial<ContextOptions>;
  /** External PSK for both sides (hex key), instead of certificates on the client's side. */
  pskHex?: string;
  records?: number;
  recordSize?: number;
}

/** One flight: bytes sent by the client ('c') or the server ('s'), as hex. */
export interface Step {
  from: 'c' | 's';
  hex: string;
}

function seeded(seed: number): (dst: Uint8Array) => void {
  let x = seed >>> 0 || 1;
  return (dst) => {
    for (let i = 0; i < dst.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      dst[i] = x >>> 24;
    }
  };
}

function fromHex(hex: string): Uint8Array {
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.substr(2 * i, 2), 16);
  return b;
}

function toHex(b: Uint8Array, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

/** The context of one side: seeded random (client 1, server 2), fixed clock, certificates or PSK. */
export function makeContext(lib: Lib, pki: Record<string, string>, role: Role, job: MemoryJob): Microtls.Context {
  const o: ContextOptions = Object.assign({ side: role, random: seeded(role === 'client' ? 1 : 2), now: () => job.now }, job.options);
  if (job.pskHex) {
    const psk = { identity: new Uint8Array([100, 101, 118, 49]), key: fromHex(job.pskHex) };
    if (role === 'client') Object.assign(o, { pskClient: () => psk, verify: 'none' });
    else o.pskServer = () => psk;
  } else if (role === 'client') {
    o.serverName = 'localhost';
  }
  const ctx = new lib.Context(o);
  if (job.pskHex) return ctx;
  if (role === 'client') ctx.loadVerifyBuffer(pki['ca.crt']);
  else {
    ctx.useCertificateBuffer(pki['server-ecdsa-chain.crt']);
    ctx.usePrivateKeyBuffer(pki['server-ecdsa.key']);
  }
  return ctx;
}

const step = (c: Connection): number => (c.settings.side === 'client' ? c.connect() : c.accept());

/** Moves a's pending output into b. */
function move(a: Connection, b: Connection, buf: Uint8Array): void {
  for (let n; (n = a.takeOutput(buf)) > 0; ) for (let off = 0; off < n; ) off += b.receive(buf, off, n - off);
}

/** Runs a live pair's handshake to the end (both sides in this process). */
function handshakePair(c: Connection, s: Connection, buf: Uint8Array): void {
  let cs = -2;
  let ss = -2;
  for (let i = 0; i < 20 && (cs !== 0 || ss !== 0); i++) {
    cs = c.connect();
    move(c, s, buf);
    ss = s.accept();
    move(s, c, buf);
  }
  if (cs !== 0 || ss !== 0) throw new Error('handshake failed: ' + cs + ' ' + ss);
}

/** On Node: two handshakes in a row between the same two contexts, flight by flight. */
export function record(lib: Lib, pki: Record<string, string>, job: MemoryJob): Step[][] {
  const client = makeContext(lib, pki, 'client', job);
  const server = makeContext(lib, pki, 'server', job);
  const buf = new Uint8Array(64 * 1024);
  const runs: Step[][] = [];
  for (let run = 0; run < 2; run++) {
    const c = client.newConnection();
    const s = server.newConnection();
    const steps: Step[] = [];
    let cs = -2;
    let ss = -2;
    for (let i = 0; i < 50 && (cs !== 0 || ss !== 0); i++) {
      for (const [from, to, who] of [[c, s, 'c'], [s, c, 's']] as const) {
        const st = step(from);
        if (who === 'c') cs = st;
        else ss = st;
        if (st < -100) throw new Error(who + ' failed: ' + JSON.stringify(from.lastError()));
        let hex = '';
        for (let n; (n = from.takeOutput(buf)) > 0; ) hex += toHex(buf, n);
        if (hex) {
          steps.push({ from: who, hex });
          const bytes = fromHex(hex);
          for (let off = 0; off < bytes.length; ) off += to.receive(bytes, off);
        }
      }
    }
    if (cs !== 0 || ss !== 0) throw new Error('handshake did not finish: ' + cs + ' ' + ss);
    runs.push(steps);
  }
  return runs;
}

/**
 * On XS: one side alone through both recorded handshakes. Phases: context,
 * then per handshake: connection created, handshake done (peak = largest
 * live size during it, with stress on), connection dropped.
 */
export function measureRole(lib: Lib, pki: Record<string, string>, job: MemoryJob, role: Role, runs: Step[][],
  print: (s: string) => void, gc: (stress?: boolean) => void): void {
  const flights = runs.map((steps) => steps.map((s) => ({ from: s.from, bytes: fromHex(s.hex) })));
  const out = new Uint8Array(64 * 1024);
  const me = role === 'client' ? 'c' : 's';
  print('@ loaded');
  gc();
  const ctx = makeContext(lib, pki, role, job);
  print('@ context');
  gc();
  for (let run = 0; run < flights.length; run++) {
    let conn: Connection | null = ctx.newConnection();
    print('@ created ' + run);
    gc(true);
    for (const f of flights[run]) {
      if (f.from === me) {
        step(conn);
        let n = 0;
        for (let k; (k = conn.takeOutput(out, n)) > 0; ) n += k;
        let same = n === f.bytes.length;
        for (let i = 0; same && i < n; i++) same = out[i] === f.bytes[i];
        if (!same) {
          print('@ mismatch ' + run);
          return;
        }
      } else {
        for (let off = 0; off < f.bytes.length; ) off += conn.receive(f.bytes, off);
      }
    }
    const st = step(conn);
    print('@ handshake ' + run + ' ' + st + ' ' + conn.arenaBytes);
    gc(false);
    conn = null;
    print('@ dropped ' + run);
    gc();
  }
  print('@ end');
}

/** On XS: a live pair, then `records` application records each way in ten rounds, a gc() after each. */
export function measureRecords(lib: Lib, pki: Record<string, string>, job: MemoryJob, print: (s: string) => void, gc: () => void): void {
  const c = makeContext(lib, pki, 'client', job).newConnection();
  const s = makeContext(lib, pki, 'server', job).newConnection();
  const size = job.recordSize ?? 64;
  const total = job.records ?? 10000;
  const buf = new Uint8Array(32 * 1024);
  const data = new Uint8Array(size);
  const got = new Uint8Array(size);
  handshakePair(c, s, buf);
  const oneWay = (a: Connection, b: Connection, r: number): void => {
    data[0] = r & 0xff;
    if (a.write(data) !== size) throw new Error('write failed');
    move(a, b, buf);
    for (let have = 0; have < size; ) {
      const n = b.read(got, have);
      if (n <= 0) throw new Error('read ' + n);
      have += n;
    }
    move(b, a, buf);
  };
  oneWay(s, c, 0); // the client takes the tickets before counting starts
  print('@ records 0');
  gc();
  const round = total / 10;
  for (let r = 1; r <= total; r++) {
    oneWay(c, s, r);
    oneWay(s, c, r);
    if (r % round === 0) {
      print('@ records ' + r);
      gc();
    }
  }
  print('@ end');
}

/** On both engines: milliseconds per full handshake (median of `count`, after one warm-up). */
export function handshakeTime(lib: Lib, pki: Record<string, string>, job: MemoryJob, count: number, now: () => number): number {
  const client = makeContext(lib, pki, 'client', job);
  const server = makeContext(lib, pki, 'server', job);
  const buf = new Uint8Array(64 * 1024);
  const times: number[] = [];
  for (let i = 0; i <= count; i++) {
    const c = client.newConnection();
    const s = server.newConnection();
    const t = now();
    handshakePair(c, s, buf);
    if (i > 0) times.push(now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}
