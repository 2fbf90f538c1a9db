// One client's sessions for the XS heap-budget checks (budget.test.ts): a
// full handshake, `bytes` of application data each way, close_notify both
// ways, `runs` times in a row. Recorded on Node against a microtls server
// (both sides with seeded randomness), then replayed on XS by the client
// alone, so the XS heap holds exactly one client and nothing of the server.
// The replay checks every return value and every output byte against the
// recording. The XS side receives the bundle as an argument.
import type * as Microtls from '../../core/index.js';
import { makeContext, toHex } from '../../bench/xs-memory-run.js';

type Lib = Pick<typeof Microtls, 'Context'>;
type Connection = Microtls.Connection;

export interface BudgetJob {
  /** Client options beyond side/random/now (suites, groups, maxFragmentLength, PSK modes). */
  options: Record<string, unknown>;
  /** External PSK (hex) instead of certificates. */
  pskHex?: string;
  now: number;
  runs: number;
  bytes: number;
}

/** A client call with its return value and the bytes it output, or bytes handed to the client. */
export type BudgetEvent = { op: string; ret: number; out: string } | { recv: string };

/**
 * The memory bench's context for one side, with the job's options on the client only (the
 * server takes defaults, and the PSK modes and suites when the job has a PSK).
 */
export function budgetContext(lib: Lib, pki: Record<string, string>, role: 'client' | 'server', job: BudgetJob): Microtls.Context {
  const o = job.options as Partial<Microtls.ContextOptions>;
  const options = role === 'client' ? o : job.pskHex ? { pskModes: o.pskModes, cipherSuites: o.cipherSuites } : {};
  return makeContext(lib as Parameters<typeof makeContext>[0], pki, role, { now: job.now, pskHex: job.pskHex, options });
}

/**
 * The client's side of one session; `after(op, ret)` runs after every call
 * (recording: move bytes to and from the server; replay: check and feed).
 * `phase(name)` marks the end of the handshake and of the data exchange.
 */
function clientSession(c: Connection, bytes: number, after: (op: string, ret: number) => void, phase: (name: string) => void): void {
  for (let i = 0; ; i++) {
    const st = c.connect();
    after('connect', st);
    if (st === 0) break;
    if (st !== -2 || i > 50) throw new Error('connect ' + st);
  }
  phase('handshake');
  // 1 KB at a time both ways, as a device app streams: the pattern byte i is (i * 7 + 3) & 0xff.
  const piece = new Uint8Array(1024);
  for (let off = 0, i = 0; off < bytes; i++) {
    const len = Math.min(piece.length, bytes - off);
    for (let k = 0; k < len; k++) piece[k] = ((off + k) * 7 + 3) & 0xff;
    const n = c.write(piece, 0, len);
    after('write', n);
    if (n > 0) off += n;
    else if (n !== -3 || i > 200) throw new Error('write ' + n);
  }
  for (let got = 0, i = 0; got < bytes; i++) {
    const n = c.read(piece, 0, Math.min(piece.length, bytes - got));
    after('read', n);
    if (n > 0) {
      for (let k = 0; k < n; k++) if (piece[k] !== (((got + k) * 7 + 3) & 0xff)) throw new Error('echo differs at ' + (got + k));
      got += n;
    } else if (n !== -2 || i > 200) throw new Error('read ' + n);
  }
  phase('data');
  const st = c.shutdown();
  after('shutdown', st);
  for (let i = 0; ; i++) {
    const n = c.read(piece);
    after('read', n);
    if (n === 0) break;
    if (n !== -2 || i > 50) throw new Error('read after close ' + n);
  }
  phase('closed');
}

/** On Node: `runs` sessions against a microtls server echoing the data; the client's events per session. */
export function recordSessions(client: Lib, server: Lib, pki: Record<string, string>, job: BudgetJob): BudgetEvent[][] {
  const cctx = budgetContext(client, pki, 'client', job);
  const sctx = budgetContext(server, pki, 'server', job);
  const buf = new Uint8Array(64 * 1024);
  const sessions: BudgetEvent[][] = [];
  for (let run = 0; run < job.runs; run++) {
    const c = cctx.newConnection();
    const s = sctx.newConnection();
    const log: BudgetEvent[] = [];
    let toServer: Uint8Array = new Uint8Array(0);
    let toClient: Uint8Array = new Uint8Array(0);
    const echo = new Uint8Array(job.bytes);
    let echoed = 0;
    let closed = false;
    const push = (a: Uint8Array, b: Uint8Array, n: number): Uint8Array => {
      const r = new Uint8Array(a.length + n);
      r.set(a);
      r.set(b.subarray(0, n), a.length);
      return r;
    };
    const serverTurn = (): void => {
      for (let k = 0; k < 20; k++) {
        const took = toServer.length > 0 ? s.receive(toServer) : 0;
        toServer = toServer.subarray(took);
        if (s.accept() === 0 && !closed) {
          for (let n; (n = s.read(echo, echoed)) > 0; ) {
            if (s.write(echo, echoed, n) !== n) throw new Error('server write');
            echoed += n;
          }
          if (s.read(echo) === 0) {
            closed = true;
            s.shutdown();
          }
        }
        for (let n; (n = s.takeOutput(buf)) > 0; ) toClient = push(toClient, buf, n);
        if (took === 0) break;
      }
    };
    clientSession(c, job.bytes, (op, ret) => {
      let out = '';
      for (let n; (n = c.takeOutput(buf)) > 0; ) {
        out += toHex(buf, n);
        toServer = push(toServer, buf, n);
      }
      log.push({ op, ret, out });
      serverTurn();
      if (toClient.length > 0) {
        const took = c.receive(toClient);
        if (took > 0) log.push({ recv: toHex(toClient, took) });
        toClient = toClient.subarray(took);
      }
    }, () => undefined);
    sessions.push(log);
  }
  return sessions;
}

/**
 * On XS: the client alone through the recorded sessions. Prints "@ label"
 * then calls gc() at each phase (the report build prints the live heap and
 * the phase's peak); "@ mismatch ..." when a call differs from the recording.
 * With the report build's stackPeak, "@stack label N" before each phase: the
 * deepest the stack went during it, in slots from the stack's top.
 */
export function replaySessions(lib: Lib, pki: Record<string, string>, job: BudgetJob, sessions: BudgetEvent[][],
  print: (s: string) => void, gc: () => void, stackPeak?: (restart?: boolean) => number): void {
  const mark = (label: string): void => {
    if (stackPeak) {
      print('@stack ' + label + ' ' + stackPeak());
      stackPeak(true);
    }
    print('@ ' + label);
    gc();
  };
  const ctx = budgetContext(lib, pki, 'client', job);
  mark('context');
  const buf = new Uint8Array(1024); // like the Moddable port's read buffer
  for (let run = 0; run < sessions.length; run++) {
    replayOne(ctx.newConnection(), run, sessions[run], job.bytes, buf, mark);
    mark('dropped ' + run); // the connection is unreachable now
  }
  mark('end');
}

/**
 * On XS (memory-report build): fixes the heap (fixHeap, scripts/xsnap.mjs)
 * so that exactly the budget is free above what is live now. The heap first
 * grows past the budget, then stops growing, then filler objects (slots)
 * and a filler buffer (chunks) take what is free beyond it. Returns the
 * fillers, to be held for the rest of the run, and the free space left
 * (chunk bytes, slots, the stack slots of XS's intrinsics).
 */
export function fitHeap(budget: { chunk: number; slots: number; stack: number },
  fixHeap: (stack?: number) => number[]): { fillers: unknown[]; free: number[] } {
  let grow: unknown[] | null = [new ArrayBuffer(budget.chunk + 4096)];
  for (let i = 0; i < budget.slots + 256; i++) grow.push({});
  grow = null;
  // The stack: the budget's slots below the intrinsic prototypes that XS keeps at the top of a machine
  // made from scratch (xsnap); a Moddable app's machine is cloned from the prepared one, whose intrinsics
  // stay in flash, so all of its stack is the app's (fixHeap(), scripts/xsnap.mjs).
  let free = fixHeap();
  free = fixHeap(budget.stack + free[2]);
  const objects: unknown[] = [];
  for (let i = free[1] - budget.slots; i > 0; i--) objects.push({});
  objects.length = objects.length; // no spare capacity
  free = fixHeap();
  const fillers: unknown[] = [objects];
  // A buffer costs its bytes plus a little bookkeeping: aim, then correct.
  let size = free[0] - budget.chunk;
  for (let i = 0; i < 4 && size > 0; i++) {
    if (fillers.length > 1) fillers.pop();
    fillers.push(new ArrayBuffer(size));
    free = fixHeap();
    if (free[0] >= budget.chunk) break;
    size -= budget.chunk - free[0];
  }
  if (free[1] < budget.slots) {
    objects.length = Math.max(0, objects.length - (budget.slots - free[1]));
    free = fixHeap();
  }
  return { fillers, free: fixHeap() };
}

function replayOne(c: Connection, run: number, events: BudgetEvent[], bytes: number, buf: Uint8Array,
  mark: (label: string) => void): void {
  let next = 0;
  mark('created ' + run);
  // A tail call: XS drops this frame, so the client is called about as deep
  // below the module as a device app's socket callbacks call it.
  return clientSession(c, bytes, (op, ret) => {
    const e = events[next++];
    let out = '';
    for (let k; (k = c.takeOutput(buf)) > 0; ) out += toHex(buf, k);
    if (!e || !('op' in e) || e.op !== op || e.ret !== ret || e.out !== out) {
      throw new Error('mismatch in session ' + run + ' at event ' + (next - 1) + ': ' + op + ' ' + ret);
    }
    while (next < events.length && 'recv' in events[next]) {
      // In pieces of at most buf's size, as a socket hands them over.
      const hex = (events[next++] as { recv: string }).recv;
      for (let at = 0; at < hex.length; at += 2 * buf.length) {
        const n = Math.min(buf.length, (hex.length - at) / 2);
        for (let i = 0; i < n; i++) buf[i] = parseInt(hex.substr(at + 2 * i, 2), 16);
        if (c.receive(buf, 0, n) !== n) throw new Error('client did not take recorded bytes');
      }
    }
  }, (name) => mark(name + ' ' + run));
}
