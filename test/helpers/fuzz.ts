// Reproducible fuzzing helpers shared by the parsers' tests.

/** xorshift32 from a seed: r(n) is an integer in [0, n). Print the seed on failure to replay a case. */
export function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

/** A copy of src with 1-4 edits: bit flips, random or length-like bytes, truncation, insertion, deletion, moved runs. */
export function mutate(src: Uint8Array, r: (n: number) => number): Uint8Array {
  let b = src.slice();
  const edits = 1 + r(4);
  for (let k = 0; k < edits; k++) {
    const at = r(b.length || 1);
    switch (r(7)) {
      case 0: b[at] ^= 1 << r(8); break;
      case 1: b[at] = r(256); break;
      case 2: b = b.slice(0, at); break; // truncate
      case 3: { const c = new Uint8Array(b.length + 1); c.set(b.subarray(0, at)); c[at] = r(256); c.set(b.subarray(at), at + 1); b = c; break; }
      case 4: b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]); break; // delete
      case 5: b[at] = [0x80, 0x81, 0x82, 0x83, 0x84, 0xff, 0x00, 0x7f][r(8)]; break; // length-like bytes
      default: { const from = r(b.length || 1); b.copyWithin(at, from, from + 1 + r(8)); } // shuffle a run
    }
  }
  return b;
}
