// P-256 on typed arrays (core/crypto/p256.ts): RFC 6979 A.2.5 signatures,
// the RFC 5903 ECDH vector, edge cases written from SEC 1 (r or s = 0 or n,
// points off the curve or with coordinates >= p), and random cross-checks
// against noble (an independent implementation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { p256 as noble } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '../../core/crypto/hash.js';
import { P256, secp256r1FixedGroup } from '../../core/crypto/p256.js';
import type { Hash } from '../../core/crypto/types.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const random = (d: Uint8Array): void => { randomFillSync(d); };
const digest = (h: Hash, msg: string): Uint8Array => {
  const out = new Uint8Array(h.outputLen);
  h.create().update(new TextEncoder().encode(msg)).digestInto(out);
  return out;
};
const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P = BigInt('0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff');
const be = (x: bigint): Uint8Array => hex(x.toString(16).padStart(64, '0'));
const curve = new P256();

// RFC 6979 A.2.5: the key pair, and [hash, message, r, s] (deterministic nonces, no additional data).
const D = hex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
const Q = hex('04' + '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6' +
  '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299');
const RFC6979: [Hash, string, string, string][] = [
  [sha256, 'sample', 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
    'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8'],
  [sha384, 'sample', '0eafea039b20e9b42309fb1d89e213057cbf973dc0cfc8f129edddc800ef7719',
    '4861f0491e6998b9455193e34e7b0d284ddd7149a74b95b9261f13abde940954'],
  [sha512, 'sample', '8496a60b5e9b47c825488827e0495b0e3fa109ec4568fd3f8d1097678eb97f00',
    '2362ab1adbe2b8adf9cb9edab740ea6049c028114f2460f96554f61fae3302fe'],
  [sha256, 'test', 'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367',
    '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083'],
];

test('RFC 6979 A.2.5: public key, deterministic signatures, and their verification', () => {
  const pub = new Uint8Array(65);
  curve.publicKey(pub, D);
  assert.equal(toHex(pub), toHex(Q));
  for (const [h, msg, r, s] of RFC6979) {
    const e = digest(h, msg);
    const rs = new Uint8Array(64);
    assert.ok(curve.sign(rs, e, D, h, null));
    assert.equal(toHex(rs), r + s, h.name + ' ' + msg);
    assert.ok(curve.verify(rs, e, Q));
    const tampered = e.slice();
    tampered[31] ^= 1;
    assert.equal(curve.verify(rs, tampered, Q), false);
  }
});

test('RFC 5903 8.1: ECDH on the 256-bit random ECP group', () => {
  const i = hex('c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433');
  const r = hex('c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53');
  const gi = '04dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c37725811805271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3';
  const gr = '04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf6356fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab';
  const girx = 'd6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de';
  const pub = new Uint8Array(65);
  curve.publicKey(pub, i);
  assert.equal(toHex(pub), gi);
  curve.publicKey(pub, r);
  assert.equal(toHex(pub), gr);
  assert.equal(toHex(secp256r1FixedGroup.shared(i, hex(gr)) as Uint8Array), girx);
  assert.equal(toHex(secp256r1FixedGroup.shared(r, hex(gi)) as Uint8Array), girx);
});

test('signatures with r or s outside [1, n-1], or of the wrong length, do not verify', () => {
  const e = digest(sha256, 'sample');
  const [, , r, s] = RFC6979[0];
  const rb = BigInt('0x' + r);
  const sb = BigInt('0x' + s);
  const sig = (x: bigint, y: bigint): Uint8Array => Uint8Array.of(...be(x), ...be(y));
  assert.ok(curve.verify(sig(rb, sb), e, Q));
  for (const [name, x, y] of [
    ['r = 0', 0n, sb], ['s = 0', rb, 0n], ['r = n', N, sb], ['s = n', rb, N],
    ['r + n', rb + N < 1n << 256n ? rb + N : N + 1n, sb], ['s = n + 1', rb, N + 1n], ['r = 2^256 - 1', (1n << 256n) - 1n, sb],
  ] as [string, bigint, bigint][]) {
    assert.equal(curve.verify(sig(x, y), e, Q), false, name);
  }
  assert.equal(curve.verify(sig(rb, sb).subarray(0, 63), e, Q), false, 'short');
  assert.equal(curve.verify(new Uint8Array(0), e, Q), false, 'empty');
  // -s verifies too (high and low S are both valid ECDSA).
  assert.ok(curve.verify(sig(rb, N - sb), e, Q));
});

test('public points: off the curve, coordinates >= p, wrong form or length are refused', () => {
  const e = digest(sha256, 'sample');
  const rs = hex(RFC6979[0][2] + RFC6979[0][3]);
  const x = BigInt('0x' + toHex(Q.subarray(1, 33)));
  const y = BigInt('0x' + toHex(Q.subarray(33)));
  const point = (px: bigint, py: bigint): Uint8Array => Uint8Array.of(4, ...be(px), ...be(py));
  const off = Q.slice();
  off[64] ^= 1;
  const bad: [string, Uint8Array][] = [
    ['off the curve', off],
    ['y + p (>= p, same value mod p)', (y + P) < 1n << 256n ? point(x, y + P) : point(x, P)],
    ['x = p', point(P, y)],
    ['all zero', point(0n, 0n)],
    ['compressed', Uint8Array.of(2 + Number(y & 1n), ...be(x))],
    ['prefix 6', Uint8Array.of(6, ...Q.subarray(1))],
    ['infinity', Uint8Array.of(0)],
    ['truncated', Q.subarray(0, 64)],
    ['trailing byte', Uint8Array.of(...Q, 0)],
  ];
  const out = new Uint8Array(32);
  for (const [name, pub] of bad) {
    assert.equal(curve.verify(rs, e, pub), false, name);
    assert.equal(curve.sharedSecret(out, D, pub), false, name);
    assert.equal(secp256r1FixedGroup.shared(D, pub), null, name);
  }
  // The negated point (x, p - y) is on the curve, but the signature is not for it.
  assert.equal(curve.verify(rs, e, point(x, P - y)), false);
});

test('private scalars outside [1, n-1] are refused; edge scalars agree with noble', () => {
  const rs = new Uint8Array(64);
  const e = digest(sha256, 'x');
  for (const d of [0n, N, N + 1n, (1n << 256n) - 1n]) assert.equal(curve.sign(rs, e, be(d), sha256, null), false);
  assert.equal(curve.sign(rs, e, new Uint8Array(31), sha256, null), false);
  const pub = new Uint8Array(65);
  for (const d of [1n, 2n, 3n, 15n, 16n, 17n, N - 1n, N - 2n, N / 2n, (1n << 255n) + 1n, 1n << 128n, N - (1n << 64n)]) {
    curve.publicKey(pub, be(d));
    assert.equal(toHex(pub), toHex(noble.getPublicKey(be(d), false)), d.toString(16));
  }
});

test('key generation: d = (48 random bytes mod (n - 1)) + 1 (FIPS 186-4 B.4.1), so every source gives a valid key', () => {
  for (const fill of [0x00, 0xff, 0x5a]) {
    const seed = new Uint8Array(48).fill(fill);
    const d = (BigInt('0x' + toHex(seed)) % (N - 1n)) + 1n;
    const k = secp256r1FixedGroup.generate((dst) => dst.set(seed.subarray(0, dst.length)));
    assert.equal(toHex(k.priv), toHex(be(d)));
    assert.equal(toHex(k.pub), toHex(noble.getPublicKey(be(d), false)));
  }
});

test('random keys agree with noble: public keys, shared secrets, signatures both ways', () => {
  for (let i = 0; i < 24; i++) {
    const a = secp256r1FixedGroup.generate(random);
    const b = noble.utils.randomSecretKey();
    assert.equal(toHex(a.pub), toHex(noble.getPublicKey(a.priv, false)));
    const bPub = noble.getPublicKey(b, false);
    assert.equal(toHex(secp256r1FixedGroup.shared(a.priv, bPub) as Uint8Array), toHex(noble.getSharedSecret(b, a.pub).subarray(1)));
    const e = new Uint8Array(i % 3 === 0 ? 48 : 32); // SHA-384 digests are cut to their leftmost 256 bits
    random(e);
    if (i === 1) e.fill(0xff); // above n: reduced mod n
    const entropy = new Uint8Array(32);
    random(entropy);
    const rs = new Uint8Array(64);
    assert.ok(curve.sign(rs, e, a.priv, e.length === 48 ? sha384 : sha256, entropy));
    assert.ok(noble.verify(rs, e, a.pub, { prehash: false, lowS: false }), 'ours -> noble');
    const theirs = noble.sign(e, b, { prehash: false, lowS: false });
    assert.ok(curve.verify(theirs, e, bPub), 'noble -> ours');
    theirs[i % 64] ^= 1 << (i % 8);
    assert.equal(curve.verify(theirs, e, bPub), false, 'tampered');
    assert.equal(curve.verify(rs, e, bPub), false, 'wrong key');
  }
  // With the same additional data, RFC 6979 3.6 gives noble's nonce, so the same signature.
  const e = digest(sha256, 'hedged');
  const entropy = new Uint8Array(32).fill(7);
  const rs = new Uint8Array(64);
  curve.sign(rs, e, D, sha256, entropy);
  assert.equal(toHex(rs), toHex(noble.sign(e, D, { prehash: false, lowS: false, extraEntropy: entropy })));
});
