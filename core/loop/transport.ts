// The IO-callback interface every transport offers (in-memory pipes, TCP,
// simulated links, a UART): the engine's Io plus a readiness signal, so a
// task waiting after WANT_READ / WANT_WRITE is woken instead of polling.
import type { Io } from '../config.js';
import type { Task } from './scheduler.js';

export interface Transport extends Io {
  /**
   * Set by the owner (usually to a task's wake): called when the transport
   * may have become readable, writable or closed. May be called from inside
   * send()/recv(); the loop then runs the task again at the next tick.
   */
  onReady: (() => void) | null;
  /** Ends our sending side: once the peer has read everything, its recv() returns 0. */
  close(): void;
}

/** Wakes task whenever transport becomes ready. */
export function wakeOnReady(transport: Transport, task: Task): void {
  transport.onReady = () => task.wake();
}
