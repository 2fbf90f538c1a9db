import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writer } from '../../core/bytes/writer.js';
import { Alert, ErrorCode, TlsFailure } from '../../core/errors.js';

function failsWith(fn: () => unknown, code: number): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof TlsFailure, 'expected a TlsFailure, got ' + String(e));
    assert.equal(e.code, code);
    assert.equal(e.alert, Alert.internal_error);
    return true;
  });
}

test('integers are written big-endian (checked against DataView)', () => {
  const buf = new Uint8Array(10);
  const w = new Writer(buf);
  w.u8(0xfe);
  w.u16(0xbeef);
  w.u24(0x123456);
  w.u32(0xdeadbeef);
  assert.equal(w.offset, 10);
  const dv = new DataView(buf.buffer);
  assert.equal(dv.getUint8(0), 0xfe);
  assert.equal(dv.getUint16(1), 0xbeef);
  assert.equal(dv.getUint16(3) * 256 + dv.getUint8(5), 0x123456);
  assert.equal(dv.getUint32(6), 0xdeadbeef);
});

test('nested length prefixes are filled in', () => {
  const buf = new Uint8Array(32);
  const w = new Writer(buf, 2);
  const outer = w.start24();
  const a = w.start16();
  w.bytes(Uint8Array.of(1, 2, 3));
  w.end16(a);
  const b = w.start8();
  w.zeros(2);
  w.end8(b);
  w.vec8(Uint8Array.of(9));
  w.vec16(new Uint8Array(0));
  w.vec24(Uint8Array.of(7, 7));
  w.end24(outer);
  // outer u24 = 17; [0,3,1,2,3] [2,0,0] [1,9] [0,0] [0,0,2,7,7]
  assert.deepEqual([...w.written(2)], [0, 0, 17, 0, 3, 1, 2, 3, 2, 0, 0, 1, 9, 0, 0, 0, 0, 2, 7, 7]);
});

test('overflowing the window is BUFFER_TOO_SMALL and writes nothing', () => {
  const buf = new Uint8Array(8).fill(0xaa);
  const w = new Writer(buf, 0, 4);
  w.u16(1);
  failsWith(() => w.u24(1), ErrorCode.BUFFER_TOO_SMALL);
  failsWith(() => w.bytes(new Uint8Array(3)), ErrorCode.BUFFER_TOO_SMALL);
  failsWith(() => w.zeros(3), ErrorCode.BUFFER_TOO_SMALL);
  failsWith(() => w.start24(), ErrorCode.BUFFER_TOO_SMALL);
  assert.equal(w.offset, 2);
  assert.deepEqual([...buf.subarray(2)], [0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
  w.u16(2);
  assert.equal(w.remaining, 0);
});

test('vectors longer than their prefix allows and out-of-range values are internal errors', () => {
  const w = new Writer(new Uint8Array(70000));
  const m = w.start8();
  w.zeros(256);
  failsWith(() => w.end8(m), ErrorCode.INTERNAL);
  w.reset();
  const m16 = w.start16();
  w.zeros(65536);
  failsWith(() => w.end16(m16), ErrorCode.INTERNAL);
  w.reset();
  failsWith(() => w.u8(256), ErrorCode.INTERNAL);
  failsWith(() => w.u16(-1), ErrorCode.INTERNAL);
  failsWith(() => w.u24(0x1000000), ErrorCode.INTERNAL);
  failsWith(() => w.u32(2 ** 32), ErrorCode.INTERNAL);
  failsWith(() => w.u16(1.5), ErrorCode.INTERNAL);
  failsWith(() => w.vec8(new Uint8Array(256)), ErrorCode.INTERNAL);
  const ok = w.start8();
  w.zeros(255);
  w.end8(ok);
  assert.equal(w.written(0)[0], 255);
});

test('reset makes a Writer reusable over the same buffer', () => {
  const buf = new Uint8Array(8);
  const w = new Writer(buf);
  w.u32(0x01020304);
  w.reset(2, 6);
  assert.equal(w.offset, 2);
  assert.equal(w.remaining, 4);
  w.u16(0xaaaa);
  assert.deepEqual([...buf.subarray(0, 6)], [1, 2, 0xaa, 0xaa, 0, 0]);
  failsWith(() => w.u24(0), ErrorCode.BUFFER_TOO_SMALL);
  w.reset();
  assert.equal(w.remaining, 8);
  failsWith(() => w.reset(5, 4), ErrorCode.INTERNAL);
  failsWith(() => w.reset(0, 9), ErrorCode.INTERNAL);
});
