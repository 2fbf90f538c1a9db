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
import { gcmVectors, rfc8439 } from '../helpers/vectors.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

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

test('AES-GCM: McGrew-Viega test cases 1-4 and 13-16', () => {
  gcmVectors.forEach((v, i) => {
    const k = unhex(v.k), iv = unhex(v.iv), a = unhex(v.a), p = unhex(v.p);
    const aead = v.alg === 'aes-128-gcm' ? aes128gcm : aes256gcm;
    const sealed = seal(aead, k, iv, a, p, 3);
    assert.equal(hex(sealed), v.c + v.t, 'vector ' + i);
    assert.equal(hex(open(aead, k, iv, a, sealed)!), v.p);
  });
});

test('ChaCha20-Poly1305: RFC 8439 section 2.8.2', () => {
  const { key, nonce, aad, pt, ct, tag } = rfc8439;
  const sealed = seal(chacha20poly1305, key, nonce, aad, pt, 1);
  assert.equal(hex(sealed), ct + tag);
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

// Without concurrent recompilation the warm-up ends with the path optimized: a
// background job finishing inside the measured loop (CI, 2 busy cores) once
// showed as 16 B per operation.
function allocation(file: string, name: string, mode: 'aead' | 'control'): { growth: number; gcs: number } {
  const url = new URL('../../core/crypto/' + file, import.meta.url).href;
  const r = spawnSync(process.execPath, ['--expose-gc', '--no-concurrent-recompilation', '--input-type=module', '-e', childScript, url, name, mode], { encoding: 'utf8' });
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
