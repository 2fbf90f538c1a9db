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

/**
 * What one side did, in order: a step (connect() or accept()) and the bytes
 * it output, or bytes it received. Replaying a side's events with the same
 * randomness repeats its behaviour exactly, without the peer.
 */
export type Event = { step: string } | { recv: string };

/** Both sides' events for one handshake. */
export interface Transcript {
  client: Event[];
  server: Event[];
}

export function seeded(seed: number): (dst: Uint8Array) => void {
  let x = seed >>> 0 || 1;
  return (dst) => {
    for (let i = 0; i < dst.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      dst[i] = x >>> 24;
    }
  };
}

export function fromHex(hex: string): Uint8Array {
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.substr(2 * i, 2), 16);
  return b;
}

export function toHex(b: Uint8Array, n: number): string {
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

/** Hands bytes to a connection; throws when it cannot take them (a stuck exchange). */
function feed(c: Connection, bytes: Uint8Array, n = bytes.length): void {
  for (let off = 0; off < n; ) {
    const took = c.receive(bytes, off, n - off);
    if (took === 0) throw new Error('input full');
    off += took;
  }
}

/** Moves a's pending output into b. */
function move(a: Connection, b: Connection, buf: Uint8Array): void {
  for (let n; (n = a.takeOutput(buf)) > 0; ) feed(b, buf, n);
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

/**
 * On Node: two handshakes in a row between the same two contexts. Bytes move
 * as far as the receiver takes them (with max_fragment_length its input
 * buffer holds less than a flight), and every call is logged per side.
 */
export function record(lib: Lib, pki: Record<string, string>, job: MemoryJob): Transcript[] {
  const client = makeContext(lib, pki, 'client', job);
  const server = makeContext(lib, pki, 'server', job);
  const buf = new Uint8Array(64 * 1024);
  const runs: Transcript[] = [];
  for (let run = 0; run < 2; run++) {
    const sides = [
      { conn: client.newConnection(), log: [] as Event[], queue: '', status: -2 },
      { conn: server.newConnection(), log: [] as Event[], queue: '', status: -2 },
    ];
    for (let i = 0; i < 200 && !sides.every((x) => x.status === 0 && x.queue === ''); i++) {
      for (const [me, peer] of [[sides[0], sides[1]], [sides[1], sides[0]]]) {
        me.status = step(me.conn);
        if (me.status < -100) throw new Error(JSON.stringify(me.conn.lastError()));
        let out = '';
        for (let n; (n = me.conn.takeOutput(buf)) > 0; ) out += toHex(buf, n);
        me.log.push({ step: out });
        me.queue += out;
        if (me.queue === '') continue;
        const bytes = fromHex(me.queue);
        const took = peer.conn.receive(bytes);
        if (took > 0) peer.log.push({ recv: me.queue.slice(0, 2 * took) });
        me.queue = me.queue.slice(2 * took);
      }
    }
    if (!sides.every((x) => x.status === 0)) throw new Error('handshake did not finish');
    runs.push({ client: sides[0].log, server: sides[1].log });
  }
  return runs;
}

/**
 * On XS: one side alone through both recorded handshakes. Phases: context,
 * then per handshake: connection created, handshake done (peak = largest
 * live size during it, with stress on), connection dropped.
 */
export function measureRole(lib: Lib, pki: Record<string, string>, job: MemoryJob, role: Role, runs: Transcript[],
  print: (s: string) => void, gc: (stress?: boolean) => void): void {
  const events = runs.map((t) => t[role].map((e) => ('step' in e ? { step: true, bytes: fromHex(e.step) } : { step: false, bytes: fromHex(e.recv) })));
  const out = new Uint8Array(64 * 1024);
  print('@ loaded');
  gc();
  const ctx = makeContext(lib, pki, role, job);
  print('@ context');
  gc();
  for (let run = 0; run < events.length; run++) {
    let conn: Connection | null = ctx.newConnection();
    print('@ created ' + run);
    gc(true);
    for (const e of events[run]) {
      let same: boolean;
      if (e.step) {
        step(conn);
        let n = 0;
        for (let k; (k = conn.takeOutput(out, n)) > 0; ) n += k;
        same = n === e.bytes.length;
        for (let i = 0; same && i < n; i++) same = out[i] === e.bytes[i];
      } else {
        same = conn.receive(e.bytes) === e.bytes.length;
      }
      if (!same) {
        print('@ mismatch ' + run);
        return;
      }
    }
    print('@ handshake ' + run + ' ' + step(conn) + ' ' + conn.arenaBytes);
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
