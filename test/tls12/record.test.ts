// TLS 1.2 record protection (RFC 5246 6.2.3.3, RFC 5288, RFC 6655, RFC 7905)
// against the construction written out from the RFCs with node:crypto as
// the AEAD: nonce, additional data and the explicit nonce on the wire.
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { test } from 'node:test';
import { aes128gcm, aes256gcm } from '../../core/crypto/aes-gcm.js';
import { aes128ccm8 } from '../../core/crypto/aes-ccm.js';
import { chacha20poly1305 } from '../../core/crypto/chacha20-poly1305.js';
import type { Aead } from '../../core/crypto/types.js';
import { ErrorCode, TlsFailure } from '../../core/errors.js';
import { RecordLayer } from '../../core/record/layer.js';
import { Tls12Protection } from '../../core/record/tls12-protection.js';

const unhex = (s: string): Buffer => Buffer.from(s, 'hex');

/** seq as 8 big-endian bytes. */
function seq64(seq: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(Math.floor(seq / 2 ** 32), 0);
  b.writeUInt32BE(seq % 2 ** 32, 4);
  return b;
}

/** The record a TLS 1.2 peer sends, built from the RFCs with node:crypto. */
function reference(alg: string, tagLen: number, key: Buffer, fixedIv: Buffer, seq: number, type: number, pt: Buffer): Buffer {
  const explicit = fixedIv.length === 4 ? seq64(seq) : Buffer.alloc(0);
  let nonce: Buffer;
  if (fixedIv.length === 4) nonce = Buffer.concat([fixedIv, explicit]);
  else {
    nonce = Buffer.from(fixedIv);
    const s = seq64(seq);
    for (let i = 0; i < 8; i++) nonce[4 + i] ^= s[i];
  }
  const aad = Buffer.concat([seq64(seq), Buffer.from([type, 3, 3, pt.length >> 8, pt.length & 0xff])]);
  const c = createCipheriv(alg as 'aes-128-ccm', key, nonce, { authTagLength: tagLen });
  c.setAAD(aad, { plaintextLength: pt.length });
  const ct = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
  const frag = Buffer.concat([explicit, ct]);
  return Buffer.concat([Buffer.from([type, 3, 3, frag.length >> 8, frag.length & 0xff]), frag]);
}

const suites: [string, Aead, string, number, number][] = [
  ['AES-128-GCM', aes128gcm, 'aes-128-gcm', 16, 4],
  ['AES-256-GCM', aes256gcm, 'aes-256-gcm', 16, 4],
  ['AES-128-CCM_8', aes128ccm8, 'aes-128-ccm', 8, 4],
  ['ChaCha20-Poly1305', chacha20poly1305, 'chacha20-poly1305', 16, 12],
];

for (const [name, aead, alg, tagLen, ivLen] of suites) {
  test(`${name}: sealed records are the RFC construction, and open again`, () => {
    const key = unhex('0f'.repeat(aead.keyLen));
    const iv = unhex('a1b2c3d4e5f60718293a4b5c'.slice(0, 2 * ivLen));
    const w = new Tls12Protection(aead, key, iv);
    const r = new Tls12Protection(aead, key, iv);
    assert.equal(w.prefix, ivLen === 4 ? 8 : 0);
    for (let seq = 0; seq < 3; seq++) {
      const pt = Buffer.from('record ' + seq + ' ' + 'x'.repeat(seq * 7));
      const type = seq === 0 ? 22 : 23;
      const buf: Uint8Array = new Uint8Array(5 + w.prefix + pt.length + tagLen);
      buf.set(pt, 5 + w.prefix);
      const n = w.seal(buf, 0, type, pt.length);
      assert.equal(n, buf.length);
      assert.equal(Buffer.from(buf).toString('hex'), reference(alg, tagLen, key, iv, seq, type, pt).toString('hex'));
      assert.equal(r.open(buf, 0, n - 5), type);
      assert.equal(Buffer.from(buf.subarray(5 + r.prefix, 5 + r.prefix + r.lastLength)).toString(), pt.toString());
    }
  });
}

test('AES-GCM: a peer\'s explicit nonce is taken from the record, whatever it is (RFC 5288 3)', () => {
  const key = unhex('22'.repeat(16));
  const salt = unhex('01020304');
  // The peer uses an explicit nonce of its own (here, sequence number 7 for our record 0).
  const rec = reference('aes-128-gcm', 16, key, salt, 7, 23, Buffer.from('hello'));
  // The AAD carries the receiver's sequence number: rebuild it for seq 0.
  const aadFix = reference('aes-128-gcm', 16, key, salt, 0, 23, Buffer.from('hello'));
  const r = new Tls12Protection(aes128gcm, key, salt);
  // A record whose explicit nonce (7) differs from the sequence number (0) used in the AAD fails...
  assert.throws(() => r.open(new Uint8Array(rec), 0, rec.length - 5), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_RECORD_MAC);
  // ... and the one with nonce = seq opens.
  assert.equal(r.open(new Uint8Array(aadFix), 0, aadFix.length - 5), 23);
});

test('a tampered TLS 1.2 record, or one shorter than nonce and tag, is bad_record_mac', () => {
  const key = unhex('22'.repeat(16));
  const salt = unhex('01020304');
  const rec = new Uint8Array(reference('aes-128-gcm', 16, key, salt, 0, 23, Buffer.from('hello')));
  rec[rec.length - 1] ^= 1;
  const r = new Tls12Protection(aes128gcm, key, salt);
  assert.throws(() => r.open(rec, 0, rec.length - 5), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_RECORD_MAC);
  const short = new Uint8Array([23, 3, 3, 0, 20, ...new Uint8Array(20)]);
  assert.throws(() => r.open(short, 0, 20), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_RECORD_MAC);
});

test('the record layer puts TLS 1.2 plaintext after the explicit nonce, and every record type is protected', () => {
  const key = unhex('33'.repeat(16));
  const salt = unhex('0a0b0c0d');
  const a = new RecordLayer(new Uint8Array(16384 + 300), new Uint8Array(16384 + 300));
  const b = new RecordLayer(new Uint8Array(16384 + 300), new Uint8Array(16384 + 300));
  a.useWriteProtection(new Tls12Protection(aes128gcm, key, salt));
  b.useReadProtection(new Tls12Protection(aes128gcm, key, salt));
  assert.equal(a.writable(), 16384);
  a.writeRecord(22, Buffer.from('finished'), 0, 8);
  a.writeAppRecord(Buffer.from('data!'), 0, 5);
  a.writeRecord(21, Uint8Array.of(1, 0), 0, 2);
  const wire = new Uint8Array(a.outLength);
  a.takeOutput(wire, 0, wire.length);
  assert.deepEqual([wire[0], wire[3] * 256 + wire[4]], [22, 8 + 8 + 16]);
  b.inBuf.set(wire, b.inWriteOffset);
  b.received(wire.length);
  const got: [number, string][] = [];
  while (b.nextRecord()) got.push([b.contentType, Buffer.from(b.inBuf.subarray(b.payloadOff, b.payloadOff + b.payloadLen)).toString('hex')]);
  assert.deepEqual(got, [[22, Buffer.from('finished').toString('hex')], [23, Buffer.from('data!').toString('hex')], [21, '0100']]);
});
