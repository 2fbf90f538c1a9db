// Byte moves of the record path (core/bytes/copy.ts): moveToFront is
// overlap-safe; RangeCopier copies exactly the range asked for at every size
// (loop or native set), and keeps one view per range so a repeated range
// makes no new one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RangeCopier, moveToFront } from '../../core/bytes/copy.js';

const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

test('moveToFront moves an overlapping tail to the front and leaves the rest', () => {
  for (const [len, from] of [[10, 3], [5000, 1], [5000, 4000], [64, 0]]) {
    const buf = pattern(len);
    const want = buf.slice(from);
    moveToFront(buf, from, len);
    assert.deepEqual(buf.subarray(0, len - from), want, `${len} from ${from}`);
    assert.deepEqual(buf.subarray(len - from), pattern(len).subarray(len - from), 'bytes past the moved range untouched');
  }
});

test('RangeCopier copies exactly src[from, from+n) to dst[at..] for small, medium and large ranges', () => {
  const c = new RangeCopier();
  const src = pattern(40000);
  for (const [from, n, at] of [[0, 0, 0], [5, 10, 3], [100, 63, 1], [7, 64, 0], [1, 2047, 9], [3, 2048, 0], [0, 40000, 5], [123, 16384, 17]]) {
    for (let repeat = 0; repeat < 2; repeat++) {
      const dst = new Uint8Array(40010).fill(0xee);
      c.copy(dst, at, src, from, n);
      assert.deepEqual(dst.subarray(at, at + n), src.subarray(from, from + n), `from ${from} n ${n} at ${at}`);
      assert.ok(dst.subarray(0, at).every((b) => b === 0xee) && dst.subarray(at + n).every((b) => b === 0xee), 'nothing outside the range');
    }
  }
});

test('RangeCopier keeps the view of a repeated range and makes a new one when the range moves', () => {
  const c = new RangeCopier();
  const src = pattern(9000);
  const v = c.range(src, 10, 4000);
  assert.equal(c.range(src, 10, 4000), v, 'same range: the kept view');
  assert.deepEqual(v, src.subarray(10, 4010));
  const w = c.range(src, 11, 4000);
  assert.notEqual(w, v);
  assert.deepEqual(w, src.subarray(11, 4011));
  assert.notEqual(c.range(src.slice(), 11, 4000), w, 'another buffer: a new view');
  assert.equal(c.range(src, 0, src.length), src, 'the whole buffer is its own view');
});
