// noble builds a table of precomputed multiples of a curve's base point
// (window 6: 1,408 points for a 256-bit curve, ~100-250 KB on XS) the first
// time the base point is multiplied, and keeps it for the process's life. Here
// every curve we use starts without tables (noble's table-free fixed-window and
// wNAF paths), so nothing a peer sends (a ClientHello naming secp521r1) builds
// one on demand; a Context may build them when it is created (precomputeTables).

interface BasePoint {
  precompute(windowSize: number, isLazy?: boolean): unknown;
}

/**
 * Base points whose tables are built, so that each Context asking for them
 * does not rebuild them (tens of ms each). Only a shortcut: in a preloaded
 * Moddable module the set is read-only, and tables are then rebuilt as asked.
 */
const built = new WeakSet<BasePoint>();

/** Table-free multiplication for this base point (window 1: noble's "no table" setting); modules call it as they load. */
export function withoutTables(base: BasePoint): void {
  base.precompute(1);
  built.delete(base);
}

/** Builds the window-6 table for this base point now (no lazy build later), unless it is built. */
export function buildTables(base: BasePoint): void {
  if (built.has(base)) return;
  base.precompute(6, false);
  try {
    built.add(base);
  } catch {
    // read-only (preloaded): rebuilt when asked again
  }
}
