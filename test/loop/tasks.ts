// Loop tasks for tests: a TLS client that sends messages and checks their
// echoes, and an echo server, each over any Transport, plus a manual loop
// host (ticks driven by the test, a settable clock).
import type { Connection } from '../../core/engine/connection.js';
import { Status } from '../../core/errors.js';
import { DONE, Loop, WAIT, type LoopHost, type LoopOptions, type Task } from '../../core/loop/scheduler.js';
import type { Transport } from '../../core/loop/transport.js';

/** A loop whose ticks the test runs; `clock` is its time, `requests` the delays it asked for. */
export function manualLoop(options?: LoopOptions): { loop: Loop; host: LoopHost & { clock: number; requests: number[] } } {
  const host = {
    clock: 0,
    requests: [] as number[],
    now(): number {
      return host.clock;
    },
    schedule(delayMs: number): void {
      host.requests.push(delayMs);
    },
  };
  return { loop: new Loop(host, options), host };
}

/** Ticks until no task is left; throws after maxTicks. Returns the ticks run. */
export function runToEnd(loop: Loop, maxTicks: number): number {
  let n = 0;
  while (loop.size > 0) {
    if (++n > maxTicks) throw new Error('loop still has ' + loop.size + ' tasks after ' + maxTicks + ' ticks');
    loop.tick();
  }
  return n;
}

export interface Outcome {
  done: boolean;
  error: number | null;
  /** Statuses the engine returned, counted: WANT_READ / WANT_WRITE seen. */
  wantRead: number;
  wantWrite: number;
  /** Echoed bytes the client got back (equal to what it sent when all went well). */
  received: Uint8Array;
  /** Most ticks the task waited between being woken and running. */
  maxWaitTicks: number;
}

function outcome(): Outcome {
  return { done: false, error: null, wantRead: 0, wantWrite: 0, received: new Uint8Array(0), maxWaitTicks: 0 };
}

/** Common bookkeeping: counts WANT_*, ends on an error. Returns the step result or null to go on. */
function waitFor(r: number, out: Outcome, transport: Transport): number | null {
  if (r === Status.WANT_READ) out.wantRead++;
  else if (r === Status.WANT_WRITE) out.wantWrite++;
  else if (r < 0) {
    out.error = r;
    transport.close();
    return DONE;
  } else return null;
  return WAIT;
}

/** Adds a task and records how many ticks it waited after each wake-up. */
function addTracked(loop: Loop, transport: Transport, out: Outcome, step: () => number): Task {
  let wokenAt = -1;
  const task = loop.add(() => {
    if (wokenAt >= 0) out.maxWaitTicks = Math.max(out.maxWaitTicks, loop.ticks - wokenAt);
    wokenAt = -1;
    return step();
  });
  transport.onReady = () => {
    if (wokenAt < 0) wokenAt = loop.ticks;
    task.wake();
  };
  return task;
}

/** Client: handshake, send each message and read its echo, close_notify, close. */
export function clientTask(loop: Loop, conn: Connection, transport: Transport, messages: Uint8Array[]): Outcome {
  const out = outcome();
  const total = messages.reduce((n, m) => n + m.length, 0);
  const got = new Uint8Array(total);
  let phase = 0; // 0 handshake, 1 write, 2 read, 3 shutdown
  let msg = 0;
  let off = 0;
  let have = 0; // echoed bytes received
  let base = 0; // echoed bytes of the messages before the current one
  addTracked(loop, transport, out, () => {
    for (;;) {
      let r: number;
      switch (phase) {
        case 0:
          r = conn.connect();
          if (r === 0) phase = 1;
          break;
        case 1:
          if (msg === messages.length) {
            phase = 3;
            continue;
          }
          r = conn.write(messages[msg], off);
          if (r > 0) off += r;
          if (off === messages[msg].length) {
            off = 0;
            phase = 2;
          }
          break;
        case 2: {
          const want = base + messages[msg].length;
          r = conn.read(got, have, want - have);
          if (r === 0) r = -999; // the server closed early
          if (r > 0) have += r;
          if (have === want) {
            base = want;
            msg++;
            phase = 1;
          }
          break;
        }
        default:
          r = conn.shutdown();
          if (r === 0) {
            transport.close();
            out.done = true;
            out.received = got.subarray(0, have);
            return DONE;
          }
      }
      const w = waitFor(r, out, transport);
      if (w !== null) return w;
    }
  });
  return out;
}

/** Server: handshake, echo what it reads until close_notify, answer it, close. */
export function echoTask(loop: Loop, conn: Connection, transport: Transport): Outcome {
  const out = outcome();
  const buf = new Uint8Array(4096);
  let handshaking = true;
  let off = 0;
  let len = 0;
  addTracked(loop, transport, out, () => {
    for (;;) {
      let r: number;
      if (handshaking) {
        r = conn.accept();
        if (r === 0) handshaking = false;
      } else if (len > 0) {
        r = conn.write(buf, off, len);
        if (r > 0) {
          off += r;
          len -= r;
        }
      } else {
        r = conn.read(buf, 0, buf.length);
        if (r > 0) {
          off = 0;
          len = r;
        } else if (r === 0) {
          r = conn.shutdown();
          if (r === 0) {
            transport.close();
            out.done = true;
            return DONE;
          }
        }
      }
      const w = waitFor(r, out, transport);
      if (w !== null) return w;
    }
  });
  return out;
}

/** Test messages: n messages of the given sizes with distinct contents. */
export function messages(sizes: number[]): Uint8Array[] {
  return sizes.map((n, i) => {
    const m = new Uint8Array(n);
    for (let j = 0; j < n; j++) m[j] = (i * 31 + j * 7) & 0xff;
    return m;
  });
}

/** All messages concatenated: what the client should get back. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
