// The crypto toolkit's primitives on both providers (core's code and
// node:crypto): published vectors (the ones core's tests use), the same
// results from both, and failures that say nothing about why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes as nodeRandomBytes, randomFillSync } from 'node:crypto';
import { bigIntToBytes } from '../../core/crypto/rsa.js';
import { ErrorCode, TlsFailure } from '../../core/errors.js';
import {
  aeadOpen, aeadSeal, cbcDecrypt, cbcEncrypt, createHash, createHmac, deriveSharedSecret, digest, encodePrivateKey, encodePublicKey,
  generateKey, hkdf, hmac, importPrivateKey, importPublicKey, nobleToolkit, privateKeyPem, publicKeyOf, publicKeyPem, randomBytes,
  rsaDecrypt, rsaEncrypt, sign, verify, type ToolkitProvider,
} from '../../core/profiles/crypto.js';
import { nodeToolkit } from '../../ports/node/node-toolkit.js';
import { cbcVectors, gcmVectors, rfc4231, rfc5869, rfc8439, sha2Abc } from '../helpers/vectors.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const random = (d: Uint8Array): void => { randomFillSync(d); };
const providers: [string, ToolkitProvider][] = [['noble', nobleToolkit], ['node', nodeToolkit]];

for (const [name, p] of providers) {
  test(`${name}: SHA-256/384/512 of "abc" (FIPS 180), one-shot and incremental`, () => {
    const abc = new Uint8Array(Buffer.from('abc'));
    for (const h of ['sha256', 'sha384', 'sha512'] as const) {
      assert.equal(hex(digest(h, abc, p)), sha2Abc[h]);
      assert.equal(hex(createHash(h, p).update(abc.subarray(0, 1)).update(abc.subarray(1)).digest()), sha2Abc[h]);
    }
    const d = createHash('sha256', p);
    d.digest();
    assert.throws(() => d.digest(), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_STATE);
  });

  test(`${name}: HMAC RFC 4231 cases 1-7, HKDF RFC 5869 cases 1-3`, () => {
    for (const [key, data, s256, s384, s512] of rfc4231) {
      const cut = (s: string, h: Uint8Array) => hex(h).slice(0, s.length);
      assert.equal(cut(s256, hmac('sha256', key, data, p)), s256);
      assert.equal(cut(s384, hmac('sha384', key, data, p)), s384);
      assert.equal(cut(s512, createHmac('sha512', key, p).update(data.subarray(0, 3)).update(data.subarray(3)).digest()), s512);
    }
    for (const v of rfc5869) assert.equal(hex(hkdf('sha256', v.ikm, v.salt, v.info, v.L, p)), v.okm);
  });

  test(`${name}: AES-CBC NIST SP 800-38A vectors, PKCS#7 padding, bad padding is one null`, () => {
    for (const v of cbcVectors) {
      assert.equal(hex(p.cbc.encrypt(unhex(v.key), unhex(v.iv), unhex(v.p))), v.c);
      assert.equal(hex(p.cbc.decrypt(unhex(v.key), unhex(v.iv), unhex(v.c))), v.p);
      // Padded: the four whole blocks, then one block of 16 x 0x10.
      const ct = cbcEncrypt(unhex(v.key), unhex(v.iv), unhex(v.p), p);
      assert.equal(hex(ct).slice(0, v.c.length), v.c);
      assert.equal(ct.length, 80);
      assert.equal(hex(cbcDecrypt(unhex(v.key), unhex(v.iv), ct, p)!), v.p);
    }
    const key = nodeRandomBytes(16);
    const iv = nodeRandomBytes(16);
    for (let n = 0; n < 40; n++) {
      const pt = nodeRandomBytes(n);
      const ct = cbcEncrypt(key, iv, pt, p);
      assert.equal(ct.length, (n & ~15) + 16);
      assert.equal(hex(cbcDecrypt(key, iv, ct, p)!), hex(pt));
    }
    // Blocks whose decryption ends in bad padding: 0x00, 0x11, and 0x03 0x03 0x02.
    for (const tail of [[0x00], [0x11], [0x02, 0x03, 0x03].reverse()]) {
      const block = new Uint8Array(16).fill(0x41);
      block.set(tail, 16 - tail.length);
      const ct = p.cbc.encrypt(key, iv, block);
      assert.equal(cbcDecrypt(key, iv, ct, p), null, 'tail ' + tail);
    }
    assert.equal(cbcDecrypt(key, iv, new Uint8Array(17), p), null);
    assert.throws(() => cbcEncrypt(new Uint8Array(15), iv, new Uint8Array(1), p), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_KEY);
  });

  test(`${name}: AES-GCM (McGrew-Viega) and ChaCha20-Poly1305 (RFC 8439) with explicit nonces`, () => {
    for (const v of gcmVectors) {
      const sealed = aeadSeal(v.alg, unhex(v.k), unhex(v.iv), unhex(v.p), unhex(v.a), p);
      assert.equal(hex(sealed), v.c + v.t);
      assert.equal(hex(aeadOpen(v.alg, unhex(v.k), unhex(v.iv), sealed, unhex(v.a), p)!), v.p);
      if (sealed.length > 0) {
        sealed[0] ^= 1;
        assert.equal(aeadOpen(v.alg, unhex(v.k), unhex(v.iv), sealed, unhex(v.a), p), null);
      }
    }
    const c = rfc8439;
    const sealed = aeadSeal('chacha20-poly1305', c.key, c.nonce, c.pt, c.aad, p);
    assert.equal(hex(sealed), c.ct + c.tag);
    assert.equal(hex(aeadOpen('chacha20-poly1305', c.key, c.nonce, sealed, c.aad, p)!), hex(c.pt));
    assert.equal(aeadOpen('chacha20-poly1305', c.key, c.nonce, sealed, new Uint8Array(1), p), null, 'other AAD');
    assert.throws(() => aeadSeal('aes-128-gcm', c.key, c.nonce, c.pt, undefined, p), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_KEY);
  });

  test(`${name}: signatures of every key type verify on both providers; tampering fails`, () => {
    const msg = new Uint8Array(Buffer.from('seed book chapter 7'));
    for (const type of ['P-256', 'P-384', 'ed25519', 'rsa'] as const) {
      const key = generateKey(type, { random, provider: p });
      const pub = publicKeyOf(key);
      for (const opts of type === 'rsa' ? [{}, { padding: 'pss' as const, hash: 'sha384' as const }] : [{}]) {
        const sig = sign(key, msg, random, opts, p);
        for (const [, q] of providers) assert.ok(verify(pub, msg, sig, opts, q), type + ' ' + JSON.stringify(opts));
        const bad = Uint8Array.from(sig);
        bad[bad.length >> 1] ^= 4;
        assert.equal(verify(pub, msg, bad, opts, p), false);
        assert.equal(verify(pub, msg.subarray(1), sig, opts, p), false);
      }
    }
    // Ed25519 is deterministic: both providers make the same bytes.
    const ed = generateKey('ed25519', { random });
    assert.equal(hex(sign(ed, msg, random, {}, p)), hex(sign(ed, msg, random, {}, nobleToolkit)));
    const x = generateKey('x25519', { random });
    assert.throws(() => sign(x, msg, random, {}, p), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_KEY);
  });
}

test('RSA-OAEP and PKCS#1 v1.5: each provider decrypts the other\'s; every failure is the same null', () => {
  const key = generateKey('rsa', { random, bits: 2048 });
  if (key.kind !== 'rsa') throw new Error('not RSA');
  const pub = publicKeyOf(key);
  const msg = nodeRandomBytes(32);
  for (const padding of ['oaep', 'pkcs1'] as const) {
    for (const [a, pa] of providers) {
      for (const [b, pb] of providers) {
        const ct = rsaEncrypt(pub, msg, random, { padding }, pa);
        assert.equal(hex(rsaDecrypt(key, ct, random, { padding }, pb)!), hex(msg), padding + ' ' + a + ' -> ' + b);
      }
    }
  }
  // OAEP: a label and a hash must match.
  const ct = rsaEncrypt(pub, msg, random, { hash: 'sha384', label: new Uint8Array([1]) });
  assert.equal(hex(rsaDecrypt(key, ct, random, { hash: 'sha384', label: new Uint8Array([1]) })!), hex(msg));
  assert.equal(rsaDecrypt(key, ct, random, { hash: 'sha384' }), null);
  assert.equal(rsaDecrypt(key, ct, random, { hash: 'sha256', label: new Uint8Array([1]) }), null);
  // PKCS#1 v1.5 blocks broken in each way Bleichenbacher's oracle distinguishes, made with the raw public operation.
  const k = 256;
  const secret = msg.map((b) => b | 1); // no zero byte: only the separator we place (or remove) counts
  const block = (f: (em: Uint8Array) => void): Uint8Array => {
    const em = new Uint8Array(k);
    em[1] = 2;
    em.fill(0x55, 2, k - 33);
    em.set(secret, k - 32);
    f(em);
    return nobleToolkit.rsa.publicRaw(key, em);
  };
  assert.equal(hex(rsaDecrypt(key, block(() => undefined), random, { padding: 'pkcs1' }, nobleToolkit)!), hex(secret), 'a good block');
  const broken: [string, (em: Uint8Array) => void][] = [
    ['first byte not 0', (em) => { em[0] = 1; }],
    ['block type 1', (em) => { em[1] = 1; }],
    ['no zero separator', (em) => { em[k - 33] = 0x55; }],
    ['padding shorter than 8', (em) => { em[5] = 0; }],
  ];
  for (const [what, f] of broken) {
    for (const [name, p] of providers) assert.equal(rsaDecrypt(key, block(f), random, { padding: 'pkcs1' }, p), null, what + ' ' + name);
  }
  const n = new Uint8Array(k);
  bigIntToBytes(key.n, n);
  for (const [name, p] of providers) {
    for (const bad of [new Uint8Array(k - 1), new Uint8Array(k + 1), n]) {
      assert.equal(rsaDecrypt(key, bad, random, { padding: 'pkcs1' }, p), null, name + ' length/range');
      assert.equal(rsaDecrypt(key, bad, random, {}, p), null, name + ' OAEP length/range');
    }
  }
  assert.throws(() => rsaEncrypt(pub, new Uint8Array(k - 10), random, { padding: 'pkcs1' }), (e: unknown) => e instanceof TlsFailure);
});

test('random bytes and keys come from the injected source', () => {
  let calls = 0;
  const counting = (d: Uint8Array): void => { calls++; d.fill(7); };
  assert.equal(hex(randomBytes(4, counting)), '07070707');
  const a = generateKey('ed25519', { random: counting });
  const b = generateKey('ed25519', { random: counting });
  assert.equal(a.kind === 'ed25519' && hex(a.seed), '07'.repeat(32));
  assert.deepEqual(a, b);
  assert.ok(calls >= 3);
  // ECDH / X25519 agreement between two generated keys.
  for (const type of ['x25519', 'P-256', 'P-384'] as const) {
    const x = generateKey(type, { random });
    const y = generateKey(type, { random });
    assert.equal(hex(deriveSharedSecret(x, publicKeyOf(y))!), hex(deriveSharedSecret(y, publicKeyOf(x))!));
  }
});

test('RSA key generation on BigInt: 2048 and 3072 bits, consistent CRT values', () => {
  for (const bits of [2048, 3072]) {
    const key = generateKey('rsa', { random, bits });
    if (key.kind !== 'rsa') throw new Error('not RSA');
    assert.equal(key.n.toString(2).length, bits);
    assert.equal(key.p * key.q, key.n);
    assert.equal(key.e, 65537n);
    assert.equal((key.e * key.d) % ((key.p - 1n) * (key.q - 1n) / gcd(key.p - 1n, key.q - 1n)), 1n);
    assert.equal((key.qi * key.q) % key.p, 1n);
    const msg = new Uint8Array([1, 2, 3]);
    assert.ok(verify(publicKeyOf(key), msg, sign(key, msg, random), {}, nodeToolkit));
  }
  assert.throws(() => generateKey('rsa', { random, bits: 1024 }), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_CONFIG);
});

test('keys round-trip through every format, PEM and DER; a public key is found in each', () => {
  for (const type of ['P-256', 'P-384', 'ed25519', 'x25519', 'rsa'] as const) {
    const key = generateKey(type, { random });
    const spki = hex(encodePublicKey(publicKeyOf(key)));
    const formats = type === 'rsa' ? ['pkcs8', 'pkcs1'] as const : type.startsWith('P-') ? ['pkcs8', 'sec1'] as const : ['pkcs8'] as const;
    for (const f of formats) {
      const der = encodePrivateKey(key, f);
      for (const input of [der, privateKeyPem(key, f)]) {
        assert.deepEqual(importPrivateKey(input), key, type + ' ' + f);
        assert.equal(hex(encodePublicKey(importPublicKey(input))), spki, type + ' ' + f + ' public half');
      }
    }
    for (const input of [encodePublicKey(publicKeyOf(key)), publicKeyPem(publicKeyOf(key))]) assert.equal(hex(encodePublicKey(importPublicKey(input))), spki);
    if (type === 'rsa') {
      const pkcs1 = encodePublicKey(publicKeyOf(key), 'pkcs1');
      for (const input of [pkcs1, publicKeyPem(publicKeyOf(key), 'pkcs1')]) assert.equal(hex(encodePublicKey(importPublicKey(input))), spki, 'PKCS#1 public');
    } else {
      assert.throws(() => encodePrivateKey(key, 'pkcs1'), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_KEY);
    }
  }
  assert.throws(() => importPrivateKey('-----BEGIN PRIVATE KEY-----\nMIIB'), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_KEY);
  assert.throws(() => importPublicKey(new Uint8Array([0x30, 0x03, 0x02, 0x01])), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_KEY);
});

test('a broken random source ends in an error, not an endless loop', () => {
  const constant = (d: Uint8Array): void => { d.fill(0x5a); };
  assert.throws(() => generateKey('rsa', { random: constant, bits: 2048 }), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.CRYPTO_ERROR);
  const key = generateKey('rsa', { random, bits: 2048 });
  const zeros = (d: Uint8Array): void => { d.fill(0); };
  assert.throws(() => rsaEncrypt(publicKeyOf(key), new Uint8Array(4), zeros, { padding: 'pkcs1' }), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.CRYPTO_ERROR);
});

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
