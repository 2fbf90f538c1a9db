import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { sha256, sha384, sha512 } from '../../core/crypto/hash.js';
import { Hmac, hmac } from '../../core/crypto/hmac.js';
import { Hkdf, hkdfExpand, hkdfExtract } from '../../core/crypto/hkdf.js';
import { TlsFailure } from '../../core/errors.js';
import type { Hash } from '../../core/crypto/types.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);
const range = (from: number, to: number): Uint8Array => {
  const r = new Uint8Array(to - from + 1);
  for (let i = 0; i < r.length; i++) r[i] = from + i;
  return r;
};
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

// RFC 4231 section 4: [key, data, SHA-256, SHA-384, SHA-512]; case 5 is truncated to 128 bits.
const rfc4231: [Uint8Array, Uint8Array, string, string, string][] = [
  [fill(20, 0x0b), ascii('Hi There'),
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
    '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854'],
  [ascii('Jefe'), ascii('what do ya want for nothing?'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737'],
  [fill(20, 0xaa), fill(50, 0xdd),
    '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    '88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27',
    'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb'],
  [range(1, 25), fill(50, 0xcd),
    '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    '3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb',
    'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd'],
  [fill(20, 0x0c), ascii('Test With Truncation'),
    'a3b6167473100ee06e0c796c2955552b',
    '3abf34c3503b2a23a46efc619baef897',
    '415fad6271580a531d4179bc891d87a6'],
  [fill(131, 0xaa), ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
    '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598'],
  [fill(131, 0xaa), ascii('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    '6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e',
    'e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58'],
];

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

// RFC 5869 appendix A.1-A.3 (SHA-256).
const rfc5869 = [
  { ikm: fill(22, 0x0b), salt: range(0x00, 0x0c), info: range(0xf0, 0xf9), L: 42,
    prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865' },
  { ikm: range(0x00, 0x4f), salt: range(0x60, 0xaf), info: range(0xb0, 0xff), L: 82,
    prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    okm: 'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87' },
  { ikm: fill(22, 0x0b), salt: new Uint8Array(0), info: new Uint8Array(0), L: 42,
    prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8' },
];

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
