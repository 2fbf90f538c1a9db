// noble builds a table of precomputed multiples of a curve's base point
// (window 6: 1,408 points for a 256-bit curve, ~100-250 KB on XS) the first
// time the base point is multiplied, and keeps it for the process's life. Here
// every curve we use starts without tables (noble's table-free fixed-window and
// wNAF paths), so nothing a peer sends (a ClientHello naming secp521r1) builds
// one on demand; a Context may build them when it is created (curveTables).

interface BasePoint {
  precompute(windowSize: number, isLazy?: boolean): unknown;
}

/** Table-free multiplication for this base point (window 1: noble's "no table" setting); modules call it as they load. */
export function withoutTables(base: BasePoint): void {
  base.precompute(1);
}

/**
 * Builds the window-6 table for this base point now (no lazy build later),
 * unless it is in `built` (one Context's list: its groups and its signing key
 * may share a curve; an array: Espruino has no Set); the tables themselves are noble's, for the process.
 * False when the point can have no table: noble keys its tables by the point
 * in a WeakMap, and XS refuses a preloaded module's objects (kept in flash) as
 * WeakMap keys ("key: read-only"), so in a preloaded Moddable bundle no table
 * can be built; nothing changed then (the window is set before the table).
 */
export function buildTables(base: BasePoint, built: object[]): boolean {
  if (built.indexOf(base) >= 0) return true;
  try {
    base.precompute(6, false);
  } catch {
    return false;
  }
  built.push(base);
  return true;
}
