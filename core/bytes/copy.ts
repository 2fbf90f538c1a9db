// Byte moves for the record path. A native move (TypedArray.prototype.set)
// is ~100x faster than a JS loop on Node and more on the interpreters, and
// every engine here has set() and subarray() (Espruino has no copyWithin, and
// its Uint8Array.slice() returns a plain Array: neither is used). set() takes
// a whole array as its source, so moving a range needs a view of it; small
// moves, and moves that would need a new view but are not worth one, stay
// loops.

/** Copies below this size go through a loop: a native call costs more than it saves. */
const SMALL = 64;
/**
 * A copy whose range has no view kept goes through a loop below this size
 * too, so that it allocates nothing: on Node a 2 KB loop costs a few µs,
 * about what the view's garbage costs later.
 */
const VIEW_WORTH = 2048;

/** Moves buf[from, end) to the front of buf (overlap-safe: set() copies as if through a temporary). */
export function moveToFront(buf: Uint8Array, from: number, end: number): void {
  if (end - from < VIEW_WORTH) {
    for (let i = 0, j = from; j < end; i++, j++) buf[i] = buf[j];
  } else {
    buf.set(buf.subarray(from, end), 0);
  }
}

/** Moves buf[from, from+n) up to buf[to, to+n), to >= from (overlap-safe: the last byte moves first). */
export function moveUp(buf: Uint8Array, from: number, to: number, n: number): void {
  if (n < VIEW_WORTH) {
    for (let i = n - 1; i >= 0; i--) buf[to + i] = buf[from + i];
  } else {
    buf.set(buf.subarray(from, from + n), to);
  }
}

/**
 * Copies ranges between two buffers with TypedArray.prototype.set. set()
 * takes a whole array as its source, so a range needs a view of it; the last
 * view is kept and used again while the range stays the same (the source
 * buffer, offset and length), which is the steady state of a record stream
 * (records of one size at the same place in the record buffer): then no
 * copy allocates. For a range that moved, a copy under VIEW_WORTH bytes
 * takes a loop and allocates nothing; a larger one makes the new view
 * (about 100 bytes on Node) rather than loop over kilobytes. One instance
 * per call site.
 */
export class RangeCopier {
  private src: Uint8Array | null = null;
  private from = 0;
  private view: Uint8Array | null = null;

  /** Copies src[from, from+n) to dst[at, at+n); both ranges must lie inside their buffers. */
  copy(dst: Uint8Array, at: number, src: Uint8Array, from: number, n: number): void {
    if (n < SMALL || (n < VIEW_WORTH && !this.kept(src, from, n))) {
      for (let i = 0; i < n; i++) dst[at + i] = src[from + i];
      return;
    }
    dst.set(this.range(src, from, n), at);
  }

  /** src[from, from+n) as a view: src itself when that is the whole of it, else the kept view, made anew when the range moved. */
  range(src: Uint8Array, from: number, n: number): Uint8Array {
    if (this.kept(src, from, n)) return from === 0 && n === src.length ? src : this.view!;
    this.view = src.subarray(from, from + n);
    this.src = src;
    this.from = from;
    return this.view;
  }

  /** Whether src[from, from+n) needs no new view. */
  private kept(src: Uint8Array, from: number, n: number): boolean {
    if (from === 0 && n === src.length) return true;
    const v = this.view;
    return v !== null && this.src === src && this.from === from && v.length === n;
  }
}

/** A copy of bytes that stays valid when the buffer it came from is reused. */
export function copyBytes(src: Uint8Array): Uint8Array {
  return new Uint8Array(src);
}
