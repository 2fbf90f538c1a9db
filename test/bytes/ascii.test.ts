import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiBytes, asciiEquals, asciiString } from '../../core/bytes/ascii.js';
import { ErrorCode, TlsFailure } from '../../core/errors.js';

test('ASCII encoding matches node Buffer latin1/ascii', () => {
  const s = 'example.test:h2/http/1.1~\x00\x7f';
  assert.deepEqual(asciiBytes(s), new Uint8Array(Buffer.from(s, 'ascii')));
  const all = new Uint8Array(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  assert.equal(asciiString(all), Buffer.from(all).toString('latin1'));
});

test('asciiEquals compares without decoding', () => {
  const b = asciiBytes('http/1.1');
  assert.equal(asciiEquals(b, 'http/1.1'), true);
  assert.equal(asciiEquals(b, 'http/1.0'), false);
  assert.equal(asciiEquals(b, 'http/1.'), false);
  assert.equal(asciiEquals(new Uint8Array(0), ''), true);
});

test('non-ASCII input is a configuration error', () => {
  assert.throws(() => asciiBytes('bücher.example'), (e) => e instanceof TlsFailure && e.code === ErrorCode.BAD_CONFIG);
});
