import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes, randomInt } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 as nobleChaCha } from '@noble/ciphers/chacha.js';
import { aes128gcm, aes256gcm } from '../../core/crypto/aes-gcm.js';
import { chacha20poly1305 } from '../../core/crypto/chacha20-poly1305.js';
import { aes128ccm, aes128ccm8 } from '../../core/crypto/aes-ccm.js';
import { ErrorCode, TlsFailure } from '../../core/errors.js';
import type { Aead } from '../../core/crypto/types.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

const all: [string, Aead, string][] = [
  ['AES-128-GCM', aes128gcm, 'aes-128-gcm'],
  ['AES-256-GCM', aes256gcm, 'aes-256-gcm'],
  ['ChaCha20-Poly1305', chacha20poly1305, 'chacha20-poly1305'],
  ['AES-128-CCM', aes128ccm, 'aes-128-ccm'],
  ['AES-128-CCM-8', aes128ccm8, 'aes-128-ccm'],
];

/** node:crypto as the independent reference: ciphertext || tag. */
function nodeSeal(alg: string, tagLen: number, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): string {
  const c = createCipheriv(alg as 'aes-128-ccm', key, nonce, { authTagLength: tagLen });
  c.setAAD(aad, { plaintextLength: pt.length });
  // A copy: OpenSSL's CCM mistakes the empty Buffer of randomBytes(0) for a tag call.
  const ct = Buffer.concat([c.update(Uint8Array.from(pt)), c.final()]);
  return ct.toString('hex') + c.getAuthTag().toString('hex');
}

/** Seals a copy of pt placed at buf[off] and returns ciphertext || tag. */
function seal(aead: Aead, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array, off = 0): Uint8Array {
  const buf = new Uint8Array(off + pt.length + aead.tagLen + 5);
  buf.set(pt, off);
  aead.create(key).seal(nonce, aad, buf, off, pt.length);
  return buf.subarray(off, off + pt.length + aead.tagLen);
}

/** Opens ciphertext || tag in a fresh buffer; the plaintext or null. */
function open(aead: Aead, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  const buf = Uint8Array.from(sealed);
  const len = sealed.length - aead.tagLen;
  return aead.create(key).open(nonce, aad, buf, 0, len) ? buf.subarray(0, len) : null;
}

// The Galois/Counter Mode spec (McGrew, Viega), appendix B: cases 1-4 (AES-128) and 13-16 (AES-256).
const gcmK3 = 'feffe9928665731c6d6a8f9467308308';
const gcmP3 = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const gcmP4 = gcmP3.slice(0, 120);
const gcmA4 = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
const gcmIV = 'cafebabefacedbaddecaf888';
const gcmVectors = [
  { aead: aes128gcm, k: '00'.repeat(16), iv: '00'.repeat(12), p: '', a: '', c: '', t: '58e2fccefa7e3061367f1d57a4e7455a' },
  { aead: aes128gcm, k: '00'.repeat(16), iv: '00'.repeat(12), p: '00'.repeat(16), a: '', c: '0388dace60b6a392f328c2b971b2fe78', t: 'ab6e47d42cec13bdf53a67b21257bddf' },
  { aead: aes128gcm, k: gcmK3, iv: gcmIV, p: gcmP3, a: '',
    c: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985',
    t: '4d5c2af327cd64a62cf35abd2ba6fab4' },
  { aead: aes128gcm, k: gcmK3, iv: gcmIV, p: gcmP4, a: gcmA4,
    c: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    t: '5bc94fbc3221a5db94fae95ae7121a47' },
  { aead: aes256gcm, k: '00'.repeat(32), iv: '00'.repeat(12), p: '', a: '', c: '', t: '530f8afbc74536b9a963b4f1c4cb738b' },
  { aead: aes256gcm, k: '00'.repeat(32), iv: '00'.repeat(12), p: '00'.repeat(16), a: '', c: 'cea7403d4d606b6e074ec5d3baf39d18', t: 'd0d1c8a799996bf0265b98b5d48ab919' },
  { aead: aes256gcm, k: gcmK3 + gcmK3, iv: gcmIV, p: gcmP3, a: '',
    c: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad',
    t: 'b094dac5d93471bdec1a502270e3cc6c' },
  { aead: aes256gcm, k: gcmK3 + gcmK3, iv: gcmIV, p: gcmP4, a: gcmA4,
    c: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    t: '76fc6ece0f4e1768cddf8853bb2d551b' },
];

test('AES-GCM: McGrew-Viega test cases 1-4 and 13-16', () => {
  gcmVectors.forEach((v, i) => {
    const k = unhex(v.k), iv = unhex(v.iv), a = unhex(v.a), p = unhex(v.p);
    const sealed = seal(v.aead, k, iv, a, p, 3);
    assert.equal(hex(sealed), v.c + v.t, 'vector ' + i);
    assert.equal(hex(open(v.aead, k, iv, a, sealed)!), v.p);
  });
});

test('ChaCha20-Poly1305: RFC 8439 section 2.8.2', () => {
  const key = unhex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
  const nonce = unhex('070000004041424344454647');
  const aad = unhex('50515253c0c1c2c3c4c5c6c7');
  const pt = ascii("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
  const ct = `d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b
    1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de
    576d26586cec64b6116`;
  const tag = '1ae10b594f09e26a7e902ecbd0600691';
  const sealed = seal(chacha20poly1305, key, nonce, aad, pt, 1);
  assert.equal(hex(sealed), ct.replace(/\s+/g, '') + tag);
  assert.equal(hex(open(chacha20poly1305, key, nonce, aad, sealed)!), hex(pt));
});

test('AES-CCM-8: NIST SP 800-38C example 3 (12-byte nonce, 8-byte tag)', () => {
  const key = unhex('404142434445464748494a4b4c4d4e4f');
  const nonce = unhex('101112131415161718191a1b');
  const aad = unhex('000102030405060708090a0b0c0d0e0f10111213');
  const pt = unhex('202122232425262728292a2b2c2d2e2f3031323334353637');
  const sealed = seal(aes128ccm8, key, nonce, aad, pt, 2);
  assert.equal(hex(sealed), 'e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5' + '484392fbc1b09951');
  assert.equal(hex(open(aes128ccm8, key, nonce, aad, sealed)!), hex(pt));
});

test('all AEADs: lengths 0..300 at unaligned offsets vs node:crypto (and noble for GCM/ChaCha)', () => {
  for (const [name, aead, alg] of all) {
    const key = randomBytes(aead.keyLen);
    const state = aead.create(key); // one state for every record, as the record layer uses it
    for (let len = 0; len <= 300; len++) {
      const nonce = randomBytes(12);
      const aad = randomBytes(len % 3 === 0 ? 5 : len % 41);
      const pt = randomBytes(len);
      const off = randomInt(8);
      const buf = new Uint8Array(off + len + aead.tagLen + randomInt(4));
      buf.set(pt, off);
      state.seal(nonce, aad, buf, off, len);
      const sealed = hex(buf.subarray(off, off + len + aead.tagLen));
      assert.equal(sealed, nodeSeal(alg, aead.tagLen, key, nonce, aad, pt), name + ' len ' + len);
      if (alg.endsWith('gcm')) assert.equal(sealed, hex(gcm(key, nonce, aad).encrypt(pt)));
      if (alg === 'chacha20-poly1305') assert.equal(sealed, hex(nobleChaCha(key, nonce, aad).encrypt(pt)));
      assert.equal(state.open(nonce, aad, buf, off, len), true, name + ' open len ' + len);
      assert.equal(hex(buf.subarray(off, off + len)), hex(pt));
    }
  }
});

test('all AEADs: rekey in place switches keys', () => {
  for (const [name, aead, alg] of all) {
    const k1 = randomBytes(aead.keyLen);
    const k2 = randomBytes(aead.keyLen);
    const state = aead.create(k1);
    const nonce = randomBytes(12);
    const aad = randomBytes(5);
    const pt = randomBytes(100);
    for (const key of [k2, k1, k2]) {
      state.rekey(key);
      const buf = new Uint8Array(pt.length + aead.tagLen);
      buf.set(pt);
      state.seal(nonce, aad, buf, 0, pt.length);
      assert.equal(hex(buf), nodeSeal(alg, aead.tagLen, key, nonce, aad, pt), name);
      assert.equal(state.open(nonce, aad, buf, 0, pt.length), true);
    }
    // A record sealed under the old key no longer opens.
    const buf = Uint8Array.from(seal(aead, k1, nonce, aad, pt));
    assert.equal(state.open(nonce, aad, buf, 0, pt.length), false, name);
  }
});

test('AES-CCM: AAD of 2^16 - 2^8 bytes and more uses the 6-byte length encoding', () => {
  for (const aead of [aes128ccm, aes128ccm8]) {
    for (const aadLen of [0xfeff, 0xff00, 70000]) {
      const key = randomBytes(16), nonce = randomBytes(12), aad = randomBytes(aadLen), pt = randomBytes(33);
      const sealed = seal(aead, key, nonce, aad, pt);
      assert.equal(hex(sealed), nodeSeal('aes-128-ccm', aead.tagLen, key, nonce, aad, pt), 'aad ' + aadLen);
      assert.equal(hex(open(aead, key, nonce, aad, sealed)!), hex(pt));
    }
  }
});

test('all AEADs: a tampered tag, ciphertext, AAD or nonce is rejected and the ciphertext left as is', () => {
  for (const [name, aead] of all) {
    const key = randomBytes(aead.keyLen), nonce = randomBytes(12), aad = randomBytes(13);
    for (const len of [0, 1, 16, 77]) {
      const sealed = seal(aead, key, nonce, aad, randomBytes(len));
      const state = aead.create(key);
      const positions = [...Array(sealed.length).keys()];
      for (const pos of positions) {
        const buf = Uint8Array.from(sealed);
        buf[pos] ^= 1 << (pos & 7);
        const tampered = hex(buf);
        assert.equal(state.open(nonce, aad, buf, 0, len), false, name + ' len ' + len + ' byte ' + pos);
        assert.equal(hex(buf), tampered, 'buffer unchanged after a failed open');
      }
      const badAad = Uint8Array.from(aad);
      badAad[12] ^= 0x80;
      const badNonce = Uint8Array.from(nonce);
      badNonce[0] ^= 1;
      for (const [a, n] of [[badAad, nonce], [aad, badNonce], [aad.subarray(1), nonce]]) {
        const buf = Uint8Array.from(sealed);
        assert.equal(state.open(n, a, buf, 0, len), false, name);
        assert.equal(hex(buf), hex(sealed));
      }
      // The untampered record still opens on the same state.
      assert.equal(state.open(nonce, aad, Uint8Array.from(sealed), 0, len), true, name);
    }
  }
});

test('all AEADs: wrong key length or buffer range fails with a TlsFailure', () => {
  for (const [, aead] of all) {
    const isCode = (code: number) => (e: unknown) => e instanceof TlsFailure && e.code === code;
    assert.throws(() => aead.create(new Uint8Array(aead.keyLen + 8)), isCode(ErrorCode.BAD_KEY));
    const state = aead.create(new Uint8Array(aead.keyLen));
    assert.throws(() => state.rekey(new Uint8Array(aead.keyLen - 1)), isCode(ErrorCode.BAD_KEY));
    const nonce = new Uint8Array(12);
    const buf = new Uint8Array(20 + aead.tagLen);
    const tooSmall = isCode(ErrorCode.BUFFER_TOO_SMALL);
    assert.throws(() => state.seal(nonce, nonce, buf, 1, 20), tooSmall);
    assert.throws(() => state.open(nonce, nonce, buf, 0, 21), tooSmall);
    assert.throws(() => state.seal(nonce, nonce, buf, -1, 4), tooSmall);
    assert.throws(() => state.seal(new Uint8Array(8), nonce, buf, 0, 4), tooSmall);
    state.seal(nonce, nonce, buf, 0, 20);
    assert.equal(state.open(nonce, nonce, buf, 0, 20), true);
  }
});

// Measured in a fresh node process per AEAD: in this one, earlier tests leave
// garbage whose collection deoptimises shared code, and unoptimised V8 code
// boxes large numbers on the heap (a V8 artefact that XS does not have).
// The child warms up, runs a full GC, warms up again (so V8 optimises once
// more), then records the heapUsed delta and any 'gc' performance entry
// during 10,000 seal+open pairs; `sink` keeps the control's allocation live.
const childScript = `
import { PerformanceObserver } from 'node:perf_hooks';
const [url, name, mode] = process.argv.slice(1);
const aead = (await import(url))[name];
const state = aead.create(new Uint8Array(aead.keyLen).fill(7));
const nonce = new Uint8Array(12).fill(1), aad = new Uint8Array(5), len = 1000;
const buf = new Uint8Array(len + aead.tagLen + 3);
let sink = null;
const run = mode === 'control'
  ? () => { state.seal(nonce, aad, buf, 3, len); sink = new Uint8Array(16); }
  : () => { state.seal(nonce, aad, buf, 3, len); if (!state.open(nonce, aad, buf, 3, len)) throw new Error('open'); };
// One loop function for warm-up and measurement, so no JIT compile (code
// objects count as heap) happens inside the measured window.
const loop = (n) => { for (let i = 0; i < n; i++) run(); };
for (let i = 0; i < 30; i++) loop(1000);
globalThis.gc();
for (let i = 0; i < 30; i++) loop(1000);
const times = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) times.push(e.startTime); }).observe({ entryTypes: ['gc'] });
await new Promise((r) => setImmediate(r));
const t0 = performance.now();
const before = process.memoryUsage().heapUsed;
loop(10000);
const growth = process.memoryUsage().heapUsed - before;
const t1 = performance.now();
await new Promise((r) => setTimeout(r, 50));
console.log(JSON.stringify({ growth, gcs: times.filter((t) => t >= t0 && t <= t1).length, sink: sink !== null }));
`;

function allocation(file: string, name: string, mode: 'aead' | 'control'): { growth: number; gcs: number } {
  const url = new URL('../../core/crypto/' + file, import.meta.url).href;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', childScript, url, name, mode], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { growth: number; gcs: number };
}

test('all AEADs: seal + open 10,000 times on one state allocates nothing', () => {
  const LIMIT = 64 * 1024;
  // Calibrate the method: one 16-byte typed array per call must show.
  const control = allocation('aes-gcm.js', 'aes128gcm', 'control');
  assert.ok(control.gcs > 0 || control.growth > LIMIT, 'a 16-byte allocation per call is seen: ' + JSON.stringify(control));
  const modules: [string, string][] = [
    ['aes-gcm.js', 'aes128gcm'], ['aes-gcm.js', 'aes256gcm'], ['chacha20-poly1305.js', 'chacha20poly1305'],
    ['aes-ccm.js', 'aes128ccm'], ['aes-ccm.js', 'aes128ccm8'],
  ];
  for (const [file, name] of modules) {
    const r = allocation(file, name, 'aead');
    assert.equal(r.gcs, 0, name + ': a GC ran while sealing and opening ' + JSON.stringify(r));
    assert.ok(r.growth < LIMIT, name + ': heap grew ' + r.growth + ' bytes');
  }
});
