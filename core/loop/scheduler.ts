// The superloop scheduler: cooperative tasks on one thread, no promises.
// A task is a step function; each call does a little work and returns what
// it waits for next (nothing, a wake() from its transport, a timer, or
// both). A tick runs the ready tasks within a time budget, each at most once,
// so one busy task cannot starve the others. The loop has no clock or timer
// of its own: a small port hook gives it now() and turns "tick again in N ms"
// into setImmediate/setTimeout (Node), a Timer (XS) or setTimeout (Espruino);
// a simulator gives it a virtual clock. Written for Espruino's subset of JS
// (no Map/Set, destructuring, spread or default parameters).
//
// Port hooks, for example (ports/node/loop.ts is Node's):
//   XS:       schedule(ms) { if (t) Timer.clear(t); t = ms === Infinity ? null : Timer.set(() => loop.tick(), ms); }
//   Espruino: the same with setTimeout / clearTimeout; now: () => getTime() * 1000

/** Step result: the task is finished and leaves the loop. */
export const DONE = -1;
/** Step result: run again at the next tick. */
export const YIELD = 0;
/** Step result: run again when woken (by wake(), typically from the task's transport). */
export const WAIT = Infinity;
// Any other positive result n: run again when woken or after n ms, whichever comes first.

export type StepFn = (task: Task) => number;

/** What a port provides. */
export interface LoopHost {
  /** Milliseconds on a monotonic clock: timers and the tick budget use it. */
  now(): number;
  /**
   * Asks for loop.tick() to be called after delayMs (0: as soon as possible),
   * replacing any earlier request. Infinity means no tick is needed: the loop
   * is idle until a task is woken from outside (an IO event).
   */
  schedule(delayMs: number): void;
  /** Optional clock to measure each step's CPU time (ms); on a device, the same as now(). */
  cpu?(): number;
}

export interface LoopOptions {
  /** Stop starting steps in a tick once this many ms have passed (default 10). A step itself is never interrupted. */
  budgetMs?: number;
  /** At most this many steps per tick (default: no limit). */
  maxSteps?: number;
  /** Called when a step throws; the task has ended. Without it the error is rethrown from tick(). */
  onError?: (task: Task, error: unknown) => void;
}

export class Task {
  /** CPU time spent in this task's steps (ms), when the host has a cpu() clock. */
  cpuMs = 0;
  /** Longest single step (ms): how long this task held the loop at once. */
  maxStepMs = 0;
  /** Steps run so far. */
  steps = 0;
  /** True once the task returned DONE, threw, or was cancelled. */
  done = false;
  /** The error the step threw, if it did. */
  error: unknown = null;
  /** When the task's timer fires (loop clock, ms), or Infinity. */
  deadline = Infinity;
  // Loop bookkeeping: in the ready queue, inside its step, woken during its step.
  queued = false;
  running = false;
  woken = false;

  constructor(readonly loop: Loop, readonly step: StepFn, readonly name: string) {}

  /** Makes the task ready: it runs at the next tick (never inside the current step). */
  wake(): void {
    this.loop.wake(this);
  }

  /** Ends the task; its step is not called again. */
  cancel(): void {
    this.loop.cancel(this);
  }
}

export class Loop {
  /** Ticks run so far. */
  ticks = 0;
  private readonly budget: number;
  private readonly maxSteps: number;
  private readonly onError: ((task: Task, error: unknown) => void) | null;
  private readonly tasks: Task[] = [];
  // Ready tasks in FIFO order from `head`; a tick runs those queued before it started.
  private readonly queue: Task[] = [];
  private head = 0;
  private timed = 0; // tasks with a finite deadline
  private inTick = false;

  constructor(readonly host: LoopHost, options?: LoopOptions) {
    const o = options || {};
    this.budget = o.budgetMs === undefined ? 10 : o.budgetMs;
    this.maxSteps = o.maxSteps === undefined ? Infinity : o.maxSteps;
    this.onError = o.onError || null;
  }

  /** Adds a task; it runs at the next tick. */
  add(step: StepFn, name?: string): Task {
    const t = new Task(this, step, name || 'task' + this.tasks.length);
    this.tasks.push(t);
    this.wake(t);
    return t;
  }

  /** Tasks not yet done. */
  get size(): number {
    return this.tasks.length;
  }

  /** True when no task is ready to run (tasks may still wait on IO or timers). */
  get idle(): boolean {
    return this.head === this.queue.length;
  }

  wake(t: Task): void {
    if (t.done) return;
    if (t.running) {
      t.woken = true;
      return;
    }
    if (t.queued) return;
    this.clearTimer(t);
    this.enqueue(t);
    if (!this.inTick && this.queue.length - this.head === 1) this.host.schedule(0);
  }

  cancel(t: Task): void {
    if (t.done) return;
    this.clearTimer(t);
    this.finish(t);
  }

  /**
   * Runs due timers and the tasks that were ready when the tick began, until
   * the budget or the step limit is reached; the rest run first next tick.
   * Returns the number of steps run, and asks the host for the next tick.
   */
  tick(): number {
    if (this.inTick) return 0;
    this.inTick = true;
    this.ticks++;
    const host = this.host;
    const start = host.now();
    if (this.timed > 0) this.fireTimers(start);
    const end = this.queue.length;
    let steps = 0;
    try {
      while (this.head < end) {
        if (steps >= this.maxSteps || (steps > 0 && host.now() - start >= this.budget)) break;
        const t = this.queue[this.head++];
        if (t.done) continue; // cancelled while queued
        steps++;
        this.run(t);
      }
    } finally {
      if (this.head > 0) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.inTick = false;
      host.schedule(this.nextDelay());
    }
    return steps;
  }

  /** Ms until the next tick is needed: 0 when tasks are ready, the nearest timer, or Infinity when idle. */
  nextDelay(): number {
    if (this.head < this.queue.length) return 0;
    if (this.timed === 0) return Infinity;
    const now = this.host.now();
    let next = Infinity;
    for (let i = 0; i < this.tasks.length; i++) {
      const d = this.tasks[i].deadline;
      if (d < next) next = d;
    }
    return next <= now ? 0 : next - now;
  }

  private run(t: Task): void {
    t.queued = false;
    t.woken = false;
    t.running = true;
    const cpu = this.host.cpu;
    const t0 = cpu ? cpu.call(this.host) : 0;
    let r: number;
    let error: unknown = null;
    try {
      r = t.step(t);
    } catch (e) {
      r = DONE;
      error = e;
    }
    t.running = false;
    t.steps++;
    if (cpu) {
      const dt = cpu.call(this.host) - t0;
      t.cpuMs += dt;
      if (dt > t.maxStepMs) t.maxStepMs = dt;
    }
    if (t.done) return; // cancelled during its own step
    if (error !== null || r < 0) {
      t.error = error;
      this.finish(t);
      if (error !== null) {
        if (this.onError) this.onError(t, error);
        else throw error;
      }
    } else if (r === YIELD || t.woken) {
      this.enqueue(t);
    } else if (r !== WAIT) {
      t.deadline = this.host.now() + r;
      this.timed++;
    }
  }

  private fireTimers(now: number): void {
    for (let i = 0; i < this.tasks.length; i++) {
      const t = this.tasks[i];
      if (t.deadline <= now) {
        this.clearTimer(t);
        this.enqueue(t);
      }
    }
  }

  private enqueue(t: Task): void {
    t.queued = true;
    this.queue.push(t);
  }

  private clearTimer(t: Task): void {
    if (t.deadline !== Infinity) {
      t.deadline = Infinity;
      this.timed--;
    }
  }

  private finish(t: Task): void {
    t.done = true;
    const i = this.tasks.indexOf(t);
    if (i >= 0) this.tasks.splice(i, 1);
    // A queued task stays in the queue and is skipped when its turn comes.
  }
}
