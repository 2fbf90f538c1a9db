// How the CLI reports a failure: one line "ERROR: what (err code, NAME)" on
// standard error and exit code 1, with the engine's error codes also for
// the CLI's own failures (bad flags are BAD_CONFIG, sockets IO_ERROR).
import { ErrorCode, TlsFailure, errorName } from '../../../core/errors.js';
import { MicrotlsError } from '../socket-io.js';
import { hintFor, type HintContext } from './hints.js';
import { err } from './output.js';

/** A CLI failure with an engine error code. */
export function cliError(code: number, what: string): MicrotlsError {
  return new MicrotlsError(code, errorName(code), what);
}

/** Wraps any thrown value as a MicrotlsError whose message starts with `what`; `code` for foreign errors. */
export function explain(what: string, e: unknown, code: number = ErrorCode.INTERNAL): MicrotlsError {
  if (e instanceof MicrotlsError) return new MicrotlsError(e.code, e.name, what + ': ' + e.message, e.alertSent, e.alertReceived);
  if (e instanceof TlsFailure) return new MicrotlsError(e.code, e.name, what + ': ' + e.message);
  return cliError(code, what + ': ' + (e instanceof Error ? e.message : String(e)));
}

/** Prints the ERROR line for a failure, and what to try when the hints know (by side and flags); returns the exit code 1. */
export function report(e: unknown, hint?: HintContext): number {
  const x = e instanceof MicrotlsError ? e : explain('failed', e);
  err('ERROR: ' + x.message + ' (err ' + x.code + ', ' + x.name + ')');
  const h = hint && hintFor(x, hint);
  if (h) err('hint: ' + h);
  return 1;
}

/** Runs a setup step (reading a file, loading a key), turning its errors into BAD_CONFIG errors saying `what`. */
export function load(what: string, step: () => void): void {
  try {
    step();
  } catch (e) {
    throw explain(what, e, ErrorCode.BAD_CONFIG);
  }
}
