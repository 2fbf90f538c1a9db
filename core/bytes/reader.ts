// A bounds-checked read cursor over a Uint8Array window. Every read checks
// what remains first, so malformed input ends in decode_error, never in a
// RangeError or a read past the window. Vectors come back as subarray views.
import { Alert, ErrorCode, decodeError, fail } from '../errors.js';

export class Reader {
  private pos: number;
  private lim: number;

  constructor(
    readonly buf: Uint8Array,
    off = 0,
    end = buf.length,
  ) {
    if (off < 0 || off > end || end > buf.length) fail(ErrorCode.INTERNAL, Alert.internal_error, 'Reader bounds');
    this.pos = off;
    this.lim = end;
  }

  /** Current position, as an index into buf. */
  get offset(): number {
    return this.pos;
  }

  /** End of the window, as an index into buf. */
  get end(): number {
    return this.lim;
  }

  get remaining(): number {
    return this.lim - this.pos;
  }

  private need(n: number, what?: string): number {
    const p = this.pos;
    if (n > this.lim - p) decodeError(what ? 'truncated ' + what : 'truncated message');
    this.pos = p + n;
    return p;
  }

  u8(what?: string): number {
    return this.buf[this.need(1, what)];
  }

  u16(what?: string): number {
    const p = this.need(2, what);
    const b = this.buf;
    return (b[p] << 8) | b[p + 1];
  }

  u24(what?: string): number {
    const p = this.need(3, what);
    const b = this.buf;
    return (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
  }

  u32(what?: string): number {
    const p = this.need(4, what);
    const b = this.buf;
    // multiply instead of << 24 so the result stays unsigned
    return b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
  }

  skip(n: number, what?: string): void {
    this.need(n, what);
  }

  /** The next n bytes as a view (no copy). */
  bytes(n: number, what?: string): Uint8Array {
    const p = this.need(n, what);
    return this.buf.subarray(p, p + n);
  }

  /** opaque x<0..2^8-1>: a view of the body. */
  vec8(what?: string): Uint8Array {
    return this.bytes(this.u8(what), what);
  }

  vec16(what?: string): Uint8Array {
    return this.bytes(this.u16(what), what);
  }

  vec24(what?: string): Uint8Array {
    return this.bytes(this.u24(what), what);
  }

  /** A Reader over a u8-length-prefixed body; this reader moves past it. */
  sub8(what?: string): Reader {
    const n = this.u8(what);
    return new Reader(this.buf, this.need(n, what), this.pos);
  }

  sub16(what?: string): Reader {
    const n = this.u16(what);
    return new Reader(this.buf, this.need(n, what), this.pos);
  }

  sub24(what?: string): Reader {
    const n = this.u24(what);
    return new Reader(this.buf, this.need(n, what), this.pos);
  }

  /** Everything left must have been consumed (no trailing bytes). */
  expectEnd(what?: string): void {
    if (this.pos !== this.lim) decodeError(what ? 'trailing bytes after ' + what : 'trailing bytes');
  }
}
