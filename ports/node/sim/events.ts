// The discrete-event queue of a simulation: a virtual clock that jumps from
// one event to the next (deliveries, timers, loop ticks), so simulated time
// does not depend on how fast the host runs. Events at the same time run in
// the order they were added, which keeps runs deterministic.
import { Loop, type LoopHost, type LoopOptions } from '../../../core/loop/scheduler.js';

export interface SimEvent {
  time: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

export class EventQueue {
  /** Virtual time, ms. */
  now = 0;
  /** Events run so far. */
  processed = 0;
  private heap: SimEvent[] = [];
  private seq = 0;

  /** Runs fn at virtual time `time` (not before now). */
  at(time: number, fn: () => void): SimEvent {
    const e: SimEvent = { time: Math.max(time, this.now), seq: this.seq++, run: fn, cancelled: false };
    const h = this.heap;
    h.push(e);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
    return e;
  }

  after(delayMs: number, fn: () => void): SimEvent {
    return this.at(this.now + delayMs, fn);
  }

  /** Runs the next event, advancing the clock; false when there is none. */
  step(): boolean {
    for (;;) {
      const e = this.pop();
      if (!e) return false;
      if (e.cancelled) continue;
      this.now = e.time;
      this.processed++;
      e.run();
      return true;
    }
  }

  private pop(): SimEvent | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** A Loop ticking on the queue's virtual clock; with `cpu` (a real clock) it measures each step's CPU time. */
export function simLoop(queue: EventQueue, options?: LoopOptions, cpu?: () => number): Loop {
  let pending: SimEvent | null = null;
  const host: LoopHost = {
    now: () => queue.now,
    schedule: (delayMs) => {
      if (pending) pending.cancelled = true;
      pending = delayMs === Infinity ? null : queue.after(delayMs, () => {
        pending = null;
        loop.tick();
      });
    },
  };
  if (cpu) host.cpu = cpu;
  const loop = new Loop(host, options);
  return loop;
}
