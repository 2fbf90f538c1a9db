// A bounded FIFO of bytes in a ring buffer: the receive side of in-memory
// and simulated transports. Fixed capacity, so a full queue is what makes a
// sender see WANT_WRITE.

export class ByteQueue {
  private readonly buf: Uint8Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  /** Bytes waiting. */
  get length(): number {
    return this.count;
  }

  /** Room left. */
  get free(): number {
    return this.capacity - this.count;
  }

  /** Appends up to len bytes of src[off..] (as many as fit); returns how many. */
  push(src: Uint8Array, off: number, len: number): number {
    const n = Math.min(len, this.free);
    const cap = this.capacity;
    let at = (this.start + this.count) % cap;
    for (let done = 0; done < n; ) {
      const run = Math.min(n - done, cap - at);
      this.buf.set(src.subarray(off + done, off + done + run), at);
      done += run;
      at = 0;
    }
    this.count += n;
    return n;
  }

  /** Moves up to len bytes into dst[off..]; returns how many. */
  shift(dst: Uint8Array, off: number, len: number): number {
    const n = Math.min(len, this.count);
    const cap = this.capacity;
    for (let done = 0; done < n; ) {
      const run = Math.min(n - done, cap - this.start);
      dst.set(this.buf.subarray(this.start, this.start + run), off + done);
      done += run;
      this.start = (this.start + run) % cap;
    }
    this.count -= n;
    return n;
  }
}
