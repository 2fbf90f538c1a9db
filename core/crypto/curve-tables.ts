// noble builds a table of precomputed multiples of a curve's base point
// (window 6: 1,408 points for a 256-bit curve, ~100-250 KB on XS) the first
// time the base point is multiplied, and keeps it for the process's life. Here
// every curve we use starts without tables (noble's table-free fixed-window and
// wNAF paths), so nothing a peer sends (a ClientHello naming secp521r1) builds
// one on demand; a Context may build them when it is created (precomputeTables).

interface BasePoint {
  precompute(windowSize: number, isLazy?: boolean): unknown;
}

/** Table-free multiplication for this base point (window 1: noble's "no table" setting). */
export function withoutTables(base: BasePoint): void {
  base.precompute(1);
}

/** Builds the window-6 table for this base point now (no lazy build later). */
export function buildTables(base: BasePoint): void {
  base.precompute(6, false);
}
