import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader } from '../../core/bytes/reader.js';
import { Alert, ErrorCode, TlsFailure } from '../../core/errors.js';

function decodeFailure(fn: () => unknown): TlsFailure {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TlsFailure, 'expected a TlsFailure, got ' + String(e));
    assert.equal(e.code, ErrorCode.DECODE_ERROR);
    assert.equal(e.alert, Alert.decode_error);
    return e;
  }
  return assert.fail('did not throw');
}

test('integers are big-endian and u32 stays unsigned', () => {
  const r = new Reader(Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xff, 0xff, 0xff, 0xff, 0x80));
  assert.equal(r.u8(), 0x01);
  assert.equal(r.u16(), 0x0203);
  assert.equal(r.u24(), 0x040506);
  assert.equal(r.u32(), 0xffffffff);
  assert.equal(r.remaining, 1);
  assert.equal(r.u8(), 0x80);
  r.expectEnd();
  // cross-check against DataView on random input
  const buf = new Uint8Array(64);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 181 + 7) & 0xff;
  const dv = new DataView(buf.buffer);
  const q = new Reader(buf);
  for (let off = 0; off + 4 <= buf.length; off += 4) assert.equal(q.u32(), dv.getUint32(off));
});

test('vectors and bytes are views into the input, not copies', () => {
  const buf = Uint8Array.of(0xaa, 2, 0x10, 0x11, 0, 3, 0x20, 0x21, 0x22, 0, 0, 1, 0x30, 0x99);
  const r = new Reader(buf, 1, 13);
  const a = r.vec8();
  const b = r.vec16();
  const c = r.vec24();
  assert.deepEqual([...a], [0x10, 0x11]);
  assert.deepEqual([...b], [0x20, 0x21, 0x22]);
  assert.deepEqual([...c], [0x30]);
  assert.equal(a.buffer, buf.buffer);
  assert.equal(a.byteOffset, 2);
  assert.equal(c.byteOffset, 12);
  buf[2] = 0x55;
  assert.equal(a[0], 0x55);
  assert.equal(r.offset, 13);
  r.expectEnd();
});

test('sub-readers are bounded by their length prefix and advance the parent', () => {
  const buf = Uint8Array.of(0, 3, 1, 2, 3, 9);
  const r = new Reader(buf);
  const s = r.sub16();
  assert.equal(s.offset, 2);
  assert.equal(s.end, 5);
  assert.equal(s.remaining, 3);
  assert.equal(r.offset, 5);
  assert.equal(s.u16(), 0x0102);
  decodeFailure(() => s.u16()); // only one byte left inside, although the parent has more
  assert.equal(r.u8(), 9);
  const t = new Reader(Uint8Array.of(2, 7, 8)).sub8();
  assert.equal(t.u16(), 0x0708);
  const u = new Reader(Uint8Array.of(0, 0, 1, 4)).sub24();
  assert.equal(u.u8(), 4);
});

test('every over-read is decode_error naming the field', () => {
  const e = decodeFailure(() => new Reader(Uint8Array.of(0, 5, 1, 2)).vec16('cookie'));
  assert.match(e.detail, /cookie/);
  decodeFailure(() => new Reader(new Uint8Array(0)).u8());
  decodeFailure(() => new Reader(Uint8Array.of(1)).u16());
  decodeFailure(() => new Reader(Uint8Array.of(1, 2)).u24());
  decodeFailure(() => new Reader(Uint8Array.of(1, 2, 3)).u32());
  decodeFailure(() => new Reader(Uint8Array.of(1, 2, 3)).bytes(4));
  decodeFailure(() => new Reader(Uint8Array.of(1, 2, 3)).skip(4));
  decodeFailure(() => new Reader(Uint8Array.of(3, 1, 2)).sub8());
  decodeFailure(() => new Reader(Uint8Array.of(0, 0, 3, 1, 2)).sub24());
  decodeFailure(() => new Reader(Uint8Array.of(0, 0, 3, 1, 2)).vec24());
  // the window end is respected even when the buffer continues
  decodeFailure(() => new Reader(Uint8Array.of(0, 1, 2, 3), 0, 2).u24());
  // a failed read does not move the cursor
  const r = new Reader(Uint8Array.of(7));
  decodeFailure(() => r.u16());
  assert.equal(r.u8(), 7);
});

test('expectEnd rejects trailing bytes', () => {
  const r = new Reader(Uint8Array.of(1, 2));
  r.u8();
  const e = decodeFailure(() => r.expectEnd('KeyUpdate'));
  assert.match(e.detail, /trailing bytes after KeyUpdate/);
});

test('bad window bounds are an internal error', () => {
  assert.throws(() => new Reader(new Uint8Array(4), 3, 2), (e) => e instanceof TlsFailure && e.code === ErrorCode.INTERNAL);
  assert.throws(() => new Reader(new Uint8Array(4), 0, 5), (e) => e instanceof TlsFailure && e.code === ErrorCode.INTERNAL);
});
