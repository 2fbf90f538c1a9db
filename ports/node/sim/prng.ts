// A small seedable PRNG (SplitMix32) for simulations: link segmentation,
// loss and start times, and the engines' own randomness, so one seed
// reproduces a whole run byte for byte. Not for real keys.

export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** An independent stream for one purpose (a device, a link), derived from this seed and `n`. */
  static derive(seed: number, n: number): Prng {
    const p = new Prng(seed ^ Math.imul(n + 1, 0x85ebca6b));
    p.next();
    return new Prng(p.next() ^ n);
  }

  /** The next 32-bit unsigned value. */
  next(): number {
    let z = (this.state = (this.state + 0x9e3779b9) | 0);
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Fills dst with random bytes (a ContextOptions.random for simulated engines). */
  fill(dst: Uint8Array): void {
    for (let i = 0; i < dst.length; i += 4) {
      const v = this.next();
      for (let j = 0; j < 4 && i + j < dst.length; j++) dst[i + j] = (v >>> (8 * j)) & 0xff;
    }
  }
}
