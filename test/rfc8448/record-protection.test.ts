// Record protection (RFC 8446 5.2-5.4) beyond the RFC 8448 traces: every
// suite against node:crypto, padding, tampering, the section 5 limits and
// sequence numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCM, type DecipherGCM } from 'node:crypto';
import { aes128gcm, aes256gcm } from '../../core/crypto/aes-gcm.js';
import { chacha20poly1305 } from '../../core/crypto/chacha20-poly1305.js';
import type { Aead } from '../../core/crypto/types.js';
import { Alert, ErrorCode } from '../../core/errors.js';
import { ContentType } from '../../core/registry.js';
import { RecordProtection } from '../../core/record/protection.js';

type CipherName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
const suites: [string, Aead, CipherName][] = [
  ['AES-128-GCM', aes128gcm, 'aes-128-gcm'],
  ['AES-256-GCM', aes256gcm, 'aes-256-gcm'],
  ['ChaCha20-Poly1305', chacha20poly1305, 'chacha20-poly1305'],
];
const MAX_INNER = 16384 + 1;

/** Nonce = iv XOR seq (64-bit big-endian, right-aligned), computed independently. */
function nonceFor(iv: Uint8Array, seq: bigint): Buffer {
  const n = Buffer.from(iv);
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(seq);
  for (let i = 0; i < 8; i++) n[4 + i] ^= s[i];
  return n;
}

/** node:crypto's view of a record: the TLSInnerPlaintext it decrypts to. */
function nodeOpen(name: CipherName, key: Uint8Array, iv: Uint8Array, seq: bigint, record: Uint8Array): Buffer {
  const d = createDecipheriv(name as 'aes-128-gcm', key, nonceFor(iv, seq), { authTagLength: 16 }) as DecipherGCM;
  d.setAAD(record.subarray(0, 5));
  d.setAuthTag(record.subarray(record.length - 16));
  return Buffer.concat([d.update(record.subarray(5, record.length - 16)), d.final()]);
}

/** A record node:crypto protects around an arbitrary TLSInnerPlaintext. */
function nodeSeal(name: CipherName, key: Uint8Array, iv: Uint8Array, seq: bigint, inner: Uint8Array): Uint8Array {
  const header = Buffer.from([23, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff]);
  const c = createCipheriv(name as 'aes-128-gcm', key, nonceFor(iv, seq), { authTagLength: 16 }) as CipherGCM;
  c.setAAD(header);
  const body = Buffer.concat([c.update(inner), c.final()]);
  return new Uint8Array(Buffer.concat([header, body, c.getAuthTag()]));
}

function keyed(aead: Aead, key = randomBytes(aead.keyLen), iv = randomBytes(12)) {
  const p = new RecordProtection();
  p.setKeys(aead, key, iv);
  return { p, key, iv };
}

function sealed(p: RecordProtection, type: number, content: Uint8Array, pad = 0): Uint8Array {
  const buf = new Uint8Array(5 + content.length + 1 + pad + 16);
  buf.set(content, 5);
  return buf.subarray(0, p.seal(buf, 0, type, content.length, pad));
}

const failure = (code: number, alert: number) => ({ code, alert });

for (const [label, aead, name] of suites) {
  test(`${label}: records round-trip and agree with node:crypto both ways`, () => {
    const { p: w, key, iv } = keyed(aead);
    const r = new RecordProtection();
    r.setKeys(aead, key, iv);
    const cases: [number, number, number][] = [
      [ContentType.application_data, 0, 0],
      [ContentType.handshake, 1, 0],
      [ContentType.alert, 2, 3],
      [ContentType.application_data, 1000, 17],
      [ContentType.application_data, 16384, 0],
    ];
    let seq = 0n;
    for (const [type, len, pad] of cases) {
      const content = randomBytes(len);
      const record = sealed(w, type, content, pad);
      assert.equal(record.length, 5 + len + 1 + pad + 16);
      assert.deepEqual([...record.subarray(0, 3)], [23, 3, 3]);
      const inner = nodeOpen(name, key, iv, seq, record);
      assert.deepEqual(inner, Buffer.concat([content, Buffer.from([type]), Buffer.alloc(pad)]));
      assert.equal(r.open(record, 0, record.length - 5), type);
      assert.equal(r.lastLength, len);
      assert.deepEqual(Buffer.from(record.subarray(5, 5 + len)), content);
      seq++;
    }
    // A record node:crypto made opens here.
    const theirs = nodeSeal(name, key, iv, seq, Buffer.from([1, 2, 3, ContentType.application_data, 0, 0]));
    assert.equal(r.open(theirs, 0, theirs.length - 5), ContentType.application_data);
    assert.equal(r.lastLength, 3);
    assert.equal(r.records, Number(seq) + 1);
  });
}

test('records at an offset inside a larger buffer leave the rest untouched', () => {
  const { p: w, key, iv } = keyed(aes128gcm);
  const arena = new Uint8Array(200).fill(0xaa);
  const buf = arena.subarray(30, 150);
  buf.set([9, 8, 7, 6], 11 + 5);
  const n = w.seal(buf, 11, ContentType.application_data, 4, 2);
  assert.equal(n, 5 + 4 + 1 + 2 + 16);
  assert.ok(arena.subarray(0, 41).every((b) => b === 0xaa));
  assert.ok(arena.subarray(41 + n).every((b) => b === 0xaa));
  assert.deepEqual([...nodeOpen('aes-128-gcm', key, iv, 0n, buf.subarray(11, 11 + n))], [9, 8, 7, 6, 23, 0, 0]);
  const r = new RecordProtection();
  r.setKeys(aes128gcm, key, iv);
  assert.equal(r.open(buf, 11, n - 5), ContentType.application_data);
  assert.deepEqual([...buf.subarray(16, 16 + r.lastLength)], [9, 8, 7, 6]);
});

test('padding: any amount up to the 2^14 + 1 inner limit opens to the same content', () => {
  const { p: w, key, iv } = keyed(aes128gcm);
  const r = new RecordProtection();
  r.setKeys(aes128gcm, key, iv);
  const content = Uint8Array.of(0, 0, 5, 0); // zeros inside the content are not padding
  for (const pad of [0, 1, 255, 4096, MAX_INNER - content.length - 1]) {
    const record = sealed(w, ContentType.handshake, content, pad);
    assert.equal(r.open(record, 0, record.length - 5), ContentType.handshake);
    assert.equal(r.lastLength, content.length);
    assert.deepEqual(record.subarray(5, 9), content);
  }
  // Padding only, no content: a valid empty record of its type.
  const empty = sealed(w, ContentType.application_data, new Uint8Array(0), 40);
  assert.equal(r.open(empty, 0, empty.length - 5), ContentType.application_data);
  assert.equal(r.lastLength, 0);
});

test('an inner plaintext of zeros only has no content type: unexpected_message', () => {
  const { key, iv } = keyed(aes128gcm);
  const r = new RecordProtection();
  r.setKeys(aes128gcm, key, iv);
  const record = nodeSeal('aes-128-gcm', key, iv, 0n, new Uint8Array(10));
  assert.throws(() => r.open(record, 0, record.length - 5), failure(ErrorCode.UNEXPECTED_MESSAGE, Alert.unexpected_message));
});

test('tampering anywhere fails with bad_record_mac', () => {
  const { p: w, key, iv } = keyed(chacha20poly1305);
  const record = sealed(w, ContentType.application_data, Uint8Array.of(1, 2, 3, 4, 5));
  // Header bytes are the AAD, then ciphertext, content type and tag.
  for (const at of [0, 2, 5, 8, 10, record.length - 1]) {
    const bad = record.slice();
    bad[at] ^= 0x01;
    const r = new RecordProtection();
    r.setKeys(chacha20poly1305, key, iv);
    assert.throws(() => r.open(bad, 0, bad.length - 5), failure(ErrorCode.BAD_RECORD_MAC, Alert.bad_record_mac), 'byte ' + at);
  }
  // The right record under the wrong sequence number (a replay or reorder) fails too.
  const r = new RecordProtection();
  r.setKeys(chacha20poly1305, key, iv);
  const first = record.slice();
  r.open(first, 0, first.length - 5);
  assert.throws(() => r.open(record.slice(), 0, record.length - 5), failure(ErrorCode.BAD_RECORD_MAC, Alert.bad_record_mac));
});

test('section 5 limits on received records', () => {
  const { key, iv } = keyed(aes128gcm);
  const reader = () => {
    const r = new RecordProtection();
    r.setKeys(aes128gcm, key, iv);
    return r;
  };
  const big = new Uint8Array(5 + 16384 + 300);
  // TLSCiphertext.length over 2^14 + 256: record_overflow before any decryption.
  assert.throws(() => reader().open(big, 0, 16384 + 257), failure(ErrorCode.RECORD_OVERFLOW, Alert.record_overflow));
  // Too short to hold a tag and a content type.
  for (const len of [0, 1, 16]) {
    assert.throws(() => reader().open(big, 0, len), failure(ErrorCode.BAD_RECORD_MAC, Alert.bad_record_mac));
  }
  // An authentic record whose inner plaintext is 2^14 + 2 bytes: record_overflow.
  const inner = new Uint8Array(MAX_INNER + 1);
  inner[inner.length - 1] = ContentType.application_data;
  const over = nodeSeal('aes-128-gcm', key, iv, 0n, inner);
  assert.equal(over.length - 5, 16384 + 2 + 16); // within the ciphertext limit
  assert.throws(() => reader().open(over, 0, over.length - 5), failure(ErrorCode.RECORD_OVERFLOW, Alert.record_overflow));
  // Exactly 2^14 + 1 is fine.
  const max = nodeSeal('aes-128-gcm', key, iv, 0n, inner.subarray(1));
  const r = reader();
  assert.equal(r.open(max, 0, max.length - 5), ContentType.application_data);
  assert.equal(r.lastLength, 16384);
  // A fragment length that runs past the buffer is a caller bug, not a peer's.
  assert.throws(() => reader().open(new Uint8Array(40), 0, 36), failure(ErrorCode.INTERNAL, Alert.internal_error));
});

test('seal refuses inner plaintexts over 2^14 + 1 and buffers that are too small', () => {
  const { p: w } = keyed(aes128gcm);
  const buf = new Uint8Array(5 + 16384 + 300);
  assert.throws(() => w.seal(buf, 0, ContentType.application_data, 16384, 1), failure(ErrorCode.RECORD_OVERFLOW, Alert.internal_error));
  assert.throws(() => w.seal(buf, 0, ContentType.application_data, 16385, 0), failure(ErrorCode.RECORD_OVERFLOW, Alert.internal_error));
  assert.throws(() => w.seal(new Uint8Array(5 + 10 + 1 + 15), 0, ContentType.application_data, 10, 0), failure(ErrorCode.BUFFER_TOO_SMALL, Alert.internal_error));
  assert.equal(w.records, 0); // nothing was sealed
  assert.equal(w.seal(buf, 0, ContentType.application_data, 16384, 0), 5 + 16384 + 1 + 16);
});

test('no key installed: BAD_STATE', () => {
  const p = new RecordProtection();
  assert.equal(p.tagLen, 0);
  assert.throws(() => p.seal(new Uint8Array(64), 0, 23, 1, 0), failure(ErrorCode.BAD_STATE, Alert.internal_error));
  assert.throws(() => p.open(new Uint8Array(64), 0, 20), failure(ErrorCode.BAD_STATE, Alert.internal_error));
});

test('sequence numbers: counted, past 2^32 in the nonce, reset by setKeys, never wrapped', () => {
  const { p: w, key, iv } = keyed(aes256gcm);
  sealed(w, 23, Uint8Array.of(1));
  sealed(w, 23, Uint8Array.of(2));
  assert.equal(w.records, 2);
  // Jump ahead to exercise the high 32 bits of the 64-bit sequence number.
  const internal = w as unknown as { seq: number };
  internal.seq = 4294967296 * 3 + 7;
  const record = sealed(w, 23, Uint8Array.of(3));
  assert.deepEqual([...nodeOpen('aes-256-gcm', key, iv, 3n * 4294967296n + 7n, record)], [3, 23]);
  assert.equal(w.records, 4294967296 * 3 + 8);
  // The last number a Number holds exactly is not used; nothing wraps to 0.
  internal.seq = 9007199254740991;
  assert.throws(() => sealed(w, 23, Uint8Array.of(4)), failure(ErrorCode.SEQUENCE_OVERFLOW, Alert.internal_error));
  w.setKeys(aes256gcm, key, iv);
  assert.equal(w.records, 0);
  assert.deepEqual([...nodeOpen('aes-256-gcm', key, iv, 0n, sealed(w, 23, Uint8Array.of(5)))], [5, 23]);
});

test('setKeys creates the AEAD state once and rekeys it in place for the same AEAD', () => {
  let creates = 0;
  let rekeys = 0;
  const spy: Aead = {
    keyLen: 16,
    tagLen: 16,
    create(key) {
      creates++;
      const s = aes128gcm.create(key);
      const rekey = s.rekey.bind(s);
      s.rekey = (k) => {
        rekeys++;
        rekey(k);
      };
      return s;
    },
  };
  const p = new RecordProtection();
  const k1 = randomBytes(16);
  const k2 = randomBytes(16);
  const iv = randomBytes(12);
  p.setKeys(spy, k1, iv);
  p.setKeys(spy, k2, iv);
  assert.deepEqual([creates, rekeys], [1, 1]);
  // The rekeyed state encrypts under the new key.
  assert.deepEqual([...nodeOpen('aes-128-gcm', k2, iv, 0n, sealed(p, 22, Uint8Array.of(7)))], [7, 22]);
  // Another AEAD gets its own state.
  p.setKeys(chacha20poly1305, randomBytes(32), iv);
  assert.deepEqual([creates, rekeys], [1, 1]);
  assert.throws(() => p.setKeys(aes128gcm, randomBytes(32), iv), failure(ErrorCode.INTERNAL, Alert.internal_error));
  assert.throws(() => p.setKeys(aes128gcm, k1, randomBytes(8)), failure(ErrorCode.INTERNAL, Alert.internal_error));
});
