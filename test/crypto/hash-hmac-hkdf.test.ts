import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { sha256, sha384, sha512 } from '../../core/crypto/hash.js';
import { Hmac, hmac } from '../../core/crypto/hmac.js';
import { Hkdf, hkdfExpand, hkdfExtract } from '../../core/crypto/hkdf.js';
import { TlsFailure } from '../../core/errors.js';
import type { Hash } from '../../core/crypto/types.js';
import { rfc4231, rfc5869 } from '../helpers/vectors.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const hashes: Hash[] = [sha256, sha384, sha512];

test('SHA-2 matches node:crypto, incrementally and across clone()', () => {
  for (const h of hashes) {
    assert.equal(h.outputLen, createHash(h.name).digest().length);
    for (const n of [0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000]) {
      const msg = randomBytes(n);
      const st = h.create().update(msg.subarray(0, n >> 1));
      const snap = st.clone();
      st.update(msg.subarray(n >> 1));
      const out = new Uint8Array(h.outputLen);
      st.digestInto(out);
      assert.equal(hex(out), createHash(h.name).update(msg).digest('hex'), h.name + ' ' + n);
      // The snapshot is independent of what the original absorbed afterwards.
      snap.digestInto(out);
      assert.equal(hex(out), createHash(h.name).update(msg.subarray(0, n >> 1)).digest('hex'));
    }
  }
});

test('HMAC: RFC 4231 test cases 1-7 for SHA-256/384/512', () => {
  rfc4231.forEach(([key, data, ...expected], i) => {
    hashes.forEach((h, j) => {
      const mac = hex(hmac(h, key, data));
      assert.equal(mac.slice(0, expected[j].length), expected[j], 'case ' + (i + 1) + ' ' + h.name);
    });
  });
});

test('HMAC: incremental, reused for several messages, output buffer, vs node:crypto', () => {
  for (const h of hashes) {
    for (const keyLen of [0, 1, 32, h.blockLen - 1, h.blockLen, h.blockLen + 1, 300]) {
      const key = randomBytes(keyLen);
      const mac = new Hmac(h, key);
      for (const n of [0, 5, 64, 200]) {
        const msg = randomBytes(n);
        const out = new Uint8Array(h.outputLen + 3);
        mac.update(msg.subarray(0, 3)).update(msg.subarray(3));
        mac.digestInto(out.subarray(3));
        const want = createHmac(h.name, key).update(msg).digest('hex');
        assert.equal(hex(out.subarray(3)), want, h.name + ' key ' + keyLen + ' msg ' + n);
        assert.equal(hex(hmac(h, key, msg)), want);
      }
    }
  }
});

test('HMAC and HKDF moved from key to key (setKey, one Hkdf for many steps) give what fresh ones give, vs node:crypto', () => {
  for (const h of hashes) {
    const mac = new Hmac(h, randomBytes(10));
    const hkdf = new Hkdf(h);
    for (const keyLen of [0, 32, h.blockLen + 1, 7, h.outputLen]) {
      const key = randomBytes(keyLen);
      mac.setKey(key);
      for (const n of [0, 100]) {
        const msg = randomBytes(n);
        const out = new Uint8Array(h.outputLen);
        mac.update(msg).digestInto(out);
        assert.equal(hex(out), createHmac(h.name, key).update(msg).digest('hex'), h.name + ' key ' + keyLen);
      }
      const info = randomBytes(keyLen % 20);
      for (const L of [12, h.outputLen, h.outputLen + 5]) {
        const want = Buffer.from(hkdfSync(h.name, key, new Uint8Array(0), info, L)).toString('hex');
        const prk = hkdf.extract(new Uint8Array(0), key);
        assert.equal(hex(prk), hex(hkdfExtract(h, new Uint8Array(0), key)));
        assert.equal(hex(hkdf.expand(prk, info, L)), want, h.name + ' L ' + L);
        assert.equal(hex(hkdfExpand(h, prk, info, L)), want);
      }
    }
  }
});

test('HMAC keyed again: the same key (same or another array) goes on under it; a key changed in place or in one byte is a new key', () => {
  for (const h of hashes) {
    const a = randomBytes(h.outputLen);
    const mac = new Hmac(h, a);
    const check = (key: Uint8Array, what: string): void => {
      const msg = randomBytes(40);
      const out = new Uint8Array(h.outputLen);
      mac.update(msg).digestInto(out);
      assert.equal(hex(out), createHmac(h.name, key).update(msg).digest('hex'), h.name + ': ' + what);
    };
    mac.update(randomBytes(9)); // a message begun under the key is dropped by setKey
    mac.setKey(a);
    check(a, 'same array');
    mac.setKey(Uint8Array.from(a));
    check(a, 'same bytes, another array');
    a[a.length - 1] ^= 1;
    mac.setKey(a);
    check(a, 'changed in place');
    const b = Uint8Array.from(a);
    b[0] ^= 0x80;
    mac.setKey(b);
    check(b, 'one byte differs');
    mac.setKey(b.subarray(0, h.outputLen - 1));
    check(b.subarray(0, h.outputLen - 1), 'one byte shorter');
  }
});

test('HKDF: RFC 5869 test cases 1-3', () => {
  rfc5869.forEach((v, i) => {
    const prk = hkdfExtract(sha256, v.salt, v.ikm);
    assert.equal(hex(prk), v.prk, 'PRK case ' + (i + 1));
    assert.equal(hex(hkdfExpand(sha256, prk, v.info, v.L)), v.okm, 'OKM case ' + (i + 1));
    // Into a caller buffer: a longer one gets a view of exactly L bytes.
    const out = new Uint8Array(v.L + 7);
    const okm = hkdfExpand(sha256, prk, v.info, v.L, out);
    assert.equal(okm.length, v.L);
    assert.equal(okm.buffer, out.buffer);
    assert.equal(hex(out.subarray(0, v.L)), v.okm);
    // An empty salt means HashLen zero bytes.
    if (v.salt.length === 0) assert.equal(hex(hkdfExtract(sha256, new Uint8Array(32), v.ikm)), v.prk);
  });
});

test('HKDF: SHA-384/512 and edge lengths vs node:crypto hkdfSync', () => {
  for (const h of hashes) {
    const ikm = randomBytes(48);
    const salt = randomBytes(h.outputLen);
    const info = randomBytes(17);
    const prk = hkdfExtract(h, salt, ikm);
    for (const L of [0, 1, h.outputLen - 1, h.outputLen, h.outputLen + 1, 3 * h.outputLen + 5, 255 * h.outputLen]) {
      const want = Buffer.from(hkdfSync(h.name, ikm, salt, info, L)).toString('hex');
      assert.equal(hex(hkdfExpand(h, prk, info, L)), want, h.name + ' L=' + L);
    }
    // The output may alias the PRK (derive a secret in place).
    const buf = new Uint8Array(prk);
    hkdfExpand(h, buf, info, h.outputLen, buf);
    assert.equal(hex(buf), Buffer.from(hkdfSync(h.name, ikm, salt, info, h.outputLen)).toString('hex'));
    assert.throws(() => hkdfExpand(h, prk, info, 255 * h.outputLen + 1), TlsFailure);
    assert.throws(() => hkdfExpand(h, prk, info, 10, new Uint8Array(9)), TlsFailure);
  }
});
