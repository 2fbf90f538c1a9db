// --timeout: every wait of the CLI on its peer (a handshake, a reply) ends
// after a bound with a message, instead of hanging until killed.
import { ErrorCode, errorName } from '../../../core/errors.js';
import { MicrotlsError, type SocketIo } from '../socket-io.js';

/** Seconds a CLI waits for its peer by default. */
export const DEFAULT_TIMEOUT_S = 5;

/**
 * Runs wait(); when it has not settled after ms (0: no bound), destroys the
 * socket (which ends the wait) and throws an IO_ERROR saying what did not
 * come in time.
 */
export async function withDeadline<T>(io: SocketIo, ms: number, what: string, wait: () => Promise<T>): Promise<T> {
  if (ms === 0) return wait();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    io.socket.destroy();
  }, ms);
  try {
    return await wait();
  } catch (e) {
    if (!expired) throw e;
    throw new MicrotlsError(ErrorCode.IO_ERROR, errorName(ErrorCode.IO_ERROR),
      'no ' + what + ' within ' + ms / 1000 + ' s (--timeout): the peer may never send it; raise --timeout to wait longer');
  } finally {
    clearTimeout(timer);
  }
}
