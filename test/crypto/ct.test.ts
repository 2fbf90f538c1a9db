import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantTimeEqual } from '../../core/crypto/ct.js';

test('constantTimeEqual: whole arrays', () => {
  const a = Uint8Array.of(1, 2, 3, 4, 5);
  assert.equal(constantTimeEqual(a, Uint8Array.of(1, 2, 3, 4, 5)), true);
  assert.equal(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)), true);
  // A difference anywhere, including the first and last byte and the top bit.
  for (let i = 0; i < a.length; i++) {
    for (const bit of [0x01, 0x80]) {
      const b = Uint8Array.from(a);
      b[i] ^= bit;
      assert.equal(constantTimeEqual(a, b), false, 'byte ' + i + ' bit ' + bit);
    }
  }
  // Different lengths never compare equal, even when one is a prefix.
  assert.equal(constantTimeEqual(a, a.subarray(0, 4)), false);
  assert.equal(constantTimeEqual(a.subarray(0, 4), a), false);
});

test('constantTimeEqual: offsets and explicit length', () => {
  const a = Uint8Array.of(9, 9, 1, 2, 3);
  const b = Uint8Array.of(1, 2, 3, 7);
  assert.equal(constantTimeEqual(a, b, 2, 0, 3), true);
  assert.equal(constantTimeEqual(a, b, 2, 0, 4), false); // out of range for a
  assert.equal(constantTimeEqual(a, b, 1, 0, 3), false);
  assert.equal(constantTimeEqual(a, b, 2, 1, 2), false);
  assert.equal(constantTimeEqual(a, b, 0, 0, 0), true);
  // Without a length: the rest of a against the rest of b.
  assert.equal(constantTimeEqual(a, b.subarray(0, 3), 2), true);
  assert.equal(constantTimeEqual(a, b, 2), false);
  assert.equal(constantTimeEqual(a, b, 2, 1, -1), false);
  assert.equal(constantTimeEqual(a, b, -1, 0, 2), false);
});
