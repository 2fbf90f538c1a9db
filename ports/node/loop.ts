// The Node port hook of the superloop: ticks on setImmediate (tasks ready)
// or setTimeout (the nearest timer), performance.now() as clock and CPU
// clock. When the loop is idle with no timers, nothing is scheduled: socket
// events wake tasks, or the process may exit.
import { performance } from 'node:perf_hooks';
import { Loop, type LoopHost, type LoopOptions } from '../../core/loop/scheduler.js';

export class NodeLoop extends Loop {
  private immediate: ReturnType<typeof setImmediate> | null = null;
  private timeout: ReturnType<typeof setTimeout> | null = null;
  private drained: (() => void)[] = [];

  constructor(options?: LoopOptions) {
    let self: NodeLoop | null = null;
    const host: LoopHost = {
      now: () => performance.now(),
      cpu: () => performance.now(),
      schedule: (delayMs) => self?.scheduleTick(delayMs),
    };
    super(host, options);
    self = this;
  }

  /** Resolves once every task has finished. */
  finished(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private scheduleTick(delayMs: number): void {
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timeout) clearTimeout(this.timeout);
    this.immediate = this.timeout = null;
    if (delayMs === Infinity) {
      if (this.size === 0) this.resolveDrained();
      return;
    }
    const run = () => {
      this.immediate = this.timeout = null;
      this.tick();
    };
    if (delayMs <= 0) this.immediate = setImmediate(run);
    else this.timeout = setTimeout(run, Math.ceil(delayMs));
  }

  private resolveDrained(): void {
    const d = this.drained;
    this.drained = [];
    for (const f of d) f();
  }
}
