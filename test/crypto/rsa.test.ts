// RSA (core/crypto/rsa.ts) against OpenSSL: keys from `openssl genpkey`,
// signatures made by `openssl dgst` verified here and the other way round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bigIntToBytes, bitLength, bytesToBigInt, modInverse, modPow,
  rsaPkcs1Sign, rsaPkcs1Verify, rsaPssSign, rsaPssVerify,
} from '../../core/crypto/rsa.js';
import { ErrorCode, TlsFailure } from '../../core/errors.js';
import { opensslRsaFields } from '../helpers/openssl-text.js';
import type { HashName, PrivateKey } from '../../core/crypto/types.js';

type RsaKey = Extract<PrivateKey, { kind: 'rsa' }>;

const dir = mkdtempSync(join(tmpdir(), 'microtls-rsa-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const random = (d: Uint8Array): void => { randomFillSync(d); };

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** Reads n, e, d, p, q, dp, dq, qi from `openssl pkey -text` (independent of the code under test). */
function parseOpensslRsaText(text: string, pssOnly: boolean): RsaKey {
  const fields = opensslRsaFields(text);
  const v = (name: string): bigint => BigInt('0x' + fields[name]);
  const n = v('modulus');
  return {
    kind: 'rsa', n, e: v('publicExponent'), d: v('privateExponent'), p: v('prime1'), q: v('prime2'),
    dp: v('exponent1'), dq: v('exponent2'), qi: v('coefficient'), bits: n.toString(2).length, pssOnly,
  };
}

interface KeyFiles { key: RsaKey; priv: string; pub: string }

function makeKey(name: string, bits: number): KeyFiles {
  const priv = name + '.pem';
  const pub = name + '.pub.pem';
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:' + bits, '-out', priv]);
  openssl(['pkey', '-in', priv, '-pubout', '-out', pub]);
  return { key: parseOpensslRsaText(openssl(['pkey', '-in', priv, '-noout', '-text']), false), priv, pub };
}

const keys: Record<string, KeyFiles> = {
  rsa1024: makeKey('rsa1024', 1024),
  rsa2048: makeKey('rsa2048', 2048),
  // 2049 bits: emBits = 2048 is a multiple of 8, so EM is one byte shorter than the modulus.
  rsa2049: makeKey('rsa2049', 2049),
  rsa3072: makeKey('rsa3072', 3072),
  rsa4096: makeKey('rsa4096', 4096),
};

const msg = new Uint8Array(1000);
randomFillSync(msg);
writeFileSync(join(dir, 'msg.bin'), msg);

// MGF1 defaults to the signing hash in OpenSSL, as TLS 1.3 wants.
const pssOpts = (saltlen: string): string[] =>
  ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:' + saltlen];

function opensslSign(k: KeyFiles, hash: HashName, mode: 'pss' | 'pkcs1', saltlen = 'digest'): Uint8Array {
  const opts = mode === 'pss' ? pssOpts(saltlen) : [];
  openssl(['dgst', '-' + hash, '-sign', k.priv, ...opts, '-out', 'sig.bin', 'msg.bin']);
  return new Uint8Array(readFileSync(join(dir, 'sig.bin')));
}

function opensslVerifies(k: KeyFiles, hash: HashName, mode: 'pss' | 'pkcs1', sig: Uint8Array): boolean {
  writeFileSync(join(dir, 'oursig.bin'), sig);
  const opts = mode === 'pss' ? pssOpts('digest') : [];
  const r = spawnSync('openssl', ['dgst', '-' + hash, '-verify', k.pub, ...opts, '-signature', 'oursig.bin', 'msg.bin'], { cwd: dir });
  return r.status === 0 && r.stdout.toString().includes('Verified OK');
}

const hashes: HashName[] = ['sha256', 'sha384', 'sha512'];
const signingKeys = ['rsa2048', 'rsa2049', 'rsa3072', 'rsa4096'];

function failureCode(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TlsFailure, 'expected a TlsFailure, got ' + String(e));
    return e.code;
  }
  assert.fail('expected a failure');
}

test('modPow agrees with exact arithmetic and with the OpenSSL key', () => {
  const small: [bigint, bigint, bigint][] = [[0n, 0n, 7n], [5n, 0n, 7n], [3n, 1n, 1n], [2n, 10n, 1000n], [-3n, 3n, 11n]];
  for (const [b, e, m] of small) {
    let want = 1n;
    for (let i = 0n; i < e; i++) want *= b;
    want %= m;
    if (want < 0n) want += m;
    assert.equal(modPow(b, e, m), want, b + '^' + e + ' mod ' + m);
  }
  for (let e = 1n; e < 300n; e += 7n) assert.equal(modPow(12345678901234567890n, e, 1000000007n), (12345678901234567890n ** e) % 1000000007n);
  const k = keys.rsa2048.key;
  // Fermat on OpenSSL's primes and the RSA identity m^(ed) = m mod n.
  assert.equal(modPow(2n, k.p - 1n, k.p), 1n);
  assert.equal(modPow(3n, k.q - 1n, k.q), 1n);
  const m = 0x1234567890abcdefn ** 20n % k.n;
  assert.equal(modPow(modPow(m, k.e, k.n), k.d, k.n), m);
});

test('modInverse reproduces the key coefficient and rejects non-invertibles', () => {
  for (const name of signingKeys) {
    const k = keys[name].key;
    assert.equal(modInverse(k.q, k.p), k.qi);
  }
  assert.equal(modInverse(6n, 9n), 0n);
  assert.equal(modInverse(0n, 9n), 0n);
  assert.equal((modInverse(7n, 40n) * 7n) % 40n, 1n);
});

test('OS2IP / I2OSP and bit length', () => {
  const b = new Uint8Array(37);
  randomFillSync(b);
  b[0] = 0;
  b[1] = 5;
  assert.equal(bytesToBigInt(b), BigInt('0x' + Buffer.from(b).toString('hex')));
  const out = new Uint8Array(37);
  assert.ok(bigIntToBytes(bytesToBigInt(b), out));
  assert.deepEqual(out, b);
  assert.equal(bigIntToBytes(1n << 296n, out), false); // 297 bits do not fit in 37 bytes
  assert.equal(bytesToBigInt(new Uint8Array(0)), 0n);
  assert.equal(bitLength(1n), 1);
  assert.equal(bitLength(0x80n), 8);
  for (const name of Object.keys(keys)) assert.equal(bitLength(keys[name].key.n), keys[name].key.n.toString(2).length);
});

test('RSA-PSS: OpenSSL signatures verify; tampering fails', () => {
  for (const name of ['rsa1024', ...signingKeys]) {
    for (const hash of hashes) {
      if (name === 'rsa1024' && hash === 'sha512') continue; // 1024-bit EM is too short for two SHA-512 lengths
      const k = keys[name].key;
      const sig = opensslSign(keys[name], hash, 'pss');
      assert.ok(rsaPssVerify(k, hash, msg, sig), name + ' ' + hash);
      const other = hashes[(hashes.indexOf(hash) + 1) % 3];
      assert.equal(rsaPssVerify(k, other, msg, sig), false, 'wrong hash');
      const m2 = msg.slice();
      m2[500] ^= 1;
      assert.equal(rsaPssVerify(k, hash, m2, sig), false, 'tampered message');
      const s2 = sig.slice();
      s2[s2.length - 1] ^= 0x10;
      assert.equal(rsaPssVerify(k, hash, msg, s2), false, 'tampered signature');
      assert.equal(rsaPssVerify(k, hash, msg, sig.subarray(1)), false, 'short signature');
      assert.equal(rsaPssVerify(k, hash, msg, Uint8Array.of(0, ...sig)), false, 'long signature');
      assert.equal(rsaPkcs1Verify(k, hash, msg, sig), false, 'PSS is not PKCS#1');
    }
  }
});

test('RSA-PSS: other salt lengths verify only when asked for', () => {
  const k = keys.rsa2048;
  const sig20 = opensslSign(k, 'sha256', 'pss', '20');
  assert.equal(rsaPssVerify(k.key, 'sha256', msg, sig20), false);
  assert.ok(rsaPssVerify(k.key, 'sha256', msg, sig20, 20));
  const sig0 = opensslSign(k, 'sha384', 'pss', '0');
  assert.ok(rsaPssVerify(k.key, 'sha384', msg, sig0, 0));
  assert.equal(rsaPssVerify(k.key, 'sha384', msg, sig0, 48), false);
  assert.equal(rsaPssVerify(k.key, 'sha384', msg, sig0, 1000), false);
});

test('RSA-PSS: our signatures verify with openssl dgst -verify', () => {
  for (const name of signingKeys) {
    for (const hash of hashes) {
      const sig = rsaPssSign(keys[name].key, hash, msg, random);
      assert.equal(sig.length, (keys[name].key.bits + 7) >> 3);
      assert.ok(opensslVerifies(keys[name], hash, 'pss', sig), name + ' ' + hash);
      // Randomised: a second signature differs and verifies too.
      const again = rsaPssSign(keys[name].key, hash, msg, random);
      assert.notDeepEqual(again, sig);
      assert.ok(opensslVerifies(keys[name], hash, 'pss', again));
    }
  }
});

test('RSASSA-PKCS1-v1_5 both ways, byte-identical to OpenSSL', () => {
  for (const name of ['rsa1024', ...signingKeys]) {
    for (const hash of hashes) {
      const k = keys[name].key;
      const theirs = opensslSign(keys[name], hash, 'pkcs1');
      assert.ok(rsaPkcs1Verify(k, hash, msg, theirs), name + ' ' + hash);
      const m2 = msg.slice();
      m2[0] ^= 0x80;
      assert.equal(rsaPkcs1Verify(k, hash, m2, theirs), false);
      assert.equal(rsaPssVerify(k, hash, msg, theirs), false);
      if (name === 'rsa1024') continue;
      const ours = rsaPkcs1Sign(k, hash, msg, random);
      assert.deepEqual(ours, theirs, 'PKCS#1 v1.5 is deterministic');
      assert.ok(opensslVerifies(keys[name], hash, 'pkcs1', ours));
    }
  }
});

test('signature values at or above n are rejected', () => {
  const k = keys.rsa2048.key;
  const big = new Uint8Array(256);
  bigIntToBytes(k.n, big);
  assert.equal(rsaPssVerify(k, 'sha256', msg, big), false);
  assert.equal(rsaPkcs1Verify(k, 'sha256', msg, big), false);
  assert.equal(rsaPkcs1Verify(k, 'sha256', msg, new Uint8Array(256).fill(0xff)), false);
  assert.equal(rsaPssVerify(k, 'sha256', msg, new Uint8Array(0)), false);
});

test('unacceptable public keys never verify', () => {
  const k = keys.rsa2048.key;
  const sig = opensslSign(keys.rsa2048, 'sha256', 'pss');
  assert.ok(rsaPssVerify({ n: k.n, e: k.e }, 'sha256', msg, sig));
  assert.equal(rsaPssVerify({ n: k.n, e: 1n }, 'sha256', msg, sig), false, 'e = 1');
  assert.equal(rsaPssVerify({ n: k.n, e: 2n }, 'sha256', msg, sig), false, 'e < 3');
  assert.equal(rsaPssVerify({ n: k.n, e: 65538n }, 'sha256', msg, sig), false, 'even e');
  assert.equal(rsaPssVerify({ n: k.n + 1n, e: k.e }, 'sha256', msg, sig), false, 'even n');
  const small = (1n << 1000n) + 1n; // below 1024 bits
  assert.equal(rsaPkcs1Verify({ n: small, e: 3n }, 'sha256', msg, new Uint8Array(126)), false);
});

test('signing refuses small and inconsistent keys and catches faults', () => {
  assert.equal(failureCode(() => rsaPssSign(keys.rsa1024.key, 'sha256', msg, random)), ErrorCode.BAD_KEY);
  assert.equal(failureCode(() => rsaPkcs1Sign(keys.rsa1024.key, 'sha256', msg, random)), ErrorCode.BAD_KEY);
  const k = keys.rsa2048.key;
  assert.equal(failureCode(() => rsaPssSign({ ...k, e: 1n }, 'sha256', msg, random)), ErrorCode.BAD_KEY);
  assert.equal(failureCode(() => rsaPssSign({ ...k, q: k.q + 2n }, 'sha256', msg, random)), ErrorCode.BAD_KEY);
  // A wrong CRT exponent gives a wrong signature: the self-check must withhold it.
  assert.equal(failureCode(() => rsaPssSign({ ...k, dp: k.dp ^ 2n }, 'sha256', msg, random)), ErrorCode.CRYPTO_ERROR);
  assert.equal(failureCode(() => rsaPkcs1Sign({ ...k, qi: k.qi + 1n }, 'sha256', msg, random)), ErrorCode.CRYPTO_ERROR);
});
