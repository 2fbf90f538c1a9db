// A bounds-checked write cursor over a caller-owned Uint8Array window.
// Length prefixes are reserved with startN() and filled in with endN(), so
// nested TLS vectors are written in one pass without temporary buffers.
// A connection keeps one Writer and reset()s it for each message.
import { Alert, ErrorCode, fail } from '../errors.js';

function internal(what: string): never {
  return fail(ErrorCode.INTERNAL, Alert.internal_error, what);
}

export class Writer {
  private pos: number;
  private lim: number;

  constructor(
    readonly buf: Uint8Array,
    off = 0,
    end = buf.length,
  ) {
    this.pos = this.lim = 0;
    this.reset(off, end);
  }

  /** Moves the cursor to off (and the window end to end); nothing is cleared. */
  reset(off = 0, end = this.buf.length): void {
    if (off < 0 || off > end || end > this.buf.length) internal('Writer bounds');
    this.pos = off;
    this.lim = end;
  }

  /** Current position, as an index into buf. */
  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.lim - this.pos;
  }

  /** The bytes written since `from` (an earlier offset), as a view. */
  written(from: number): Uint8Array {
    return this.buf.subarray(from, this.pos);
  }

  private room(n: number): number {
    const p = this.pos;
    if (n > this.lim - p) fail(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error, 'need ' + n + ' bytes, ' + (this.lim - p) + ' left');
    this.pos = p + n;
    return p;
  }

  private put(p: number, v: number, n: number): void {
    const b = this.buf;
    for (let i = n - 1; i >= 0; i--) {
      b[p + i] = v & 0xff;
      v = v >>> 8;
    }
  }

  private int(v: number, n: number, max: number): void {
    if (v >>> 0 !== v || v > max) internal('value ' + v + ' out of range');
    this.put(this.room(n), v, n);
  }

  u8(v: number): void {
    this.int(v, 1, 0xff);
  }

  u16(v: number): void {
    this.int(v, 2, 0xffff);
  }

  u24(v: number): void {
    this.int(v, 3, 0xffffff);
  }

  u32(v: number): void {
    this.int(v, 4, 0xffffffff);
  }

  bytes(src: Uint8Array): void {
    this.buf.set(src, this.room(src.length));
  }

  zeros(n: number): void {
    const p = this.room(n);
    this.buf.fill(0, p, p + n);
  }

  /** opaque x<0..2^8-1>: length then bytes. */
  vec8(src: Uint8Array): void {
    this.u8(src.length);
    this.bytes(src);
  }

  vec16(src: Uint8Array): void {
    this.u16(src.length);
    this.bytes(src);
  }

  vec24(src: Uint8Array): void {
    this.u24(src.length);
    this.bytes(src);
  }

  /** Reserves a u8 length prefix; returns the mark to pass to end8(). */
  start8(): number {
    return this.room(1);
  }

  start16(): number {
    return this.room(2);
  }

  start24(): number {
    return this.room(3);
  }

  private close(mark: number, n: number, max: number): void {
    const len = this.pos - mark - n;
    if (len < 0 || len > max) internal('vector of ' + len + ' bytes exceeds ' + max);
    this.put(mark, len, n);
  }

  /** Fills the prefix reserved at mark with the length written since. */
  end8(mark: number): void {
    this.close(mark, 1, 0xff);
  }

  end16(mark: number): void {
    this.close(mark, 2, 0xffff);
  }

  end24(mark: number): void {
    this.close(mark, 3, 0xffffff);
  }
}
