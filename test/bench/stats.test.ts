// Summaries of repeated measurements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ratio, summarize } from '../../ports/node/stats.js';

test('summarize: median and interpolated p10/p90 of unsorted values', () => {
  const s = summarize([9, 1, 5, 3, 7, 0, 2, 4, 6, 8, 10]);
  assert.equal(s.n, 11);
  assert.equal(s.median, 5);
  assert.equal(s.p10, 1);
  assert.equal(s.p90, 9);
  assert.equal(s.min, 0);
  assert.equal(s.max, 10);
  assert.equal(s.mean, 5);
  assert.equal(summarize([1, 2]).median, 1.5);
  assert.throws(() => summarize([]));
});

test('ratio: null when a side is missing or the divisor is 0', () => {
  assert.equal(ratio(6, 3), 2);
  assert.equal(ratio(null, 3), null);
  assert.equal(ratio(1, 0), null);
});
