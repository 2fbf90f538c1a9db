// The chapter 7 samples (samples/crypto) run and their outputs check out
// against node:crypto and OpenSSL (importing them also builds them).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants, createDecipheriv, createHash, createHmac, createPrivateKey, hkdfSync, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main as cert } from '../../samples/crypto/cert.js';
import { main as hash } from '../../samples/crypto/hash.js';
import { main as hmac } from '../../samples/crypto/hmac.js';
import { main as keyGen } from '../../samples/crypto/keyGen.js';
import { main as rsaEnc } from '../../samples/crypto/rsaEnc.js';
import { main as rsaSig } from '../../samples/crypto/rsaSig.js';
import { main as sym } from '../../samples/crypto/sym.js';

const dir = mkdtempSync(join(tmpdir(), 'microtls-samples7-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quiet = (): void => undefined;
const hexOf = (s: string): Buffer => Buffer.from(s, 'hex');

test('7.01 hash: SHA-256/384/512 as node:crypto computes them', () => {
  const r = hash(quiet, 'abc and more text');
  for (const h of ['sha256', 'sha384', 'sha512'] as const) assert.equal(r[h], createHash(h).update('abc and more text').digest('hex'));
});

test('7.02 hmac: the MAC and HKDF as node:crypto computes them; an altered message is refused', () => {
  const r = hmac(quiet);
  const key = 'a key shared by the device and the server';
  assert.equal(r.mac, createHmac('sha256', key).update('temperature=21.5').digest('hex'));
  assert.equal(r.accepted, true);
  assert.equal(r.forgedAccepted, false);
  assert.equal(r.okm, Buffer.from(hkdfSync('sha256', key, 'salt', 'device session key', 16)).toString('hex'));
});

test('7.03 sym: node:crypto decrypts the CBC and GCM outputs; a changed bit is rejected', () => {
  const r = sym(quiet);
  const plain = 'Sensor reading 42, sent over an untrusted link';
  const d = createDecipheriv('aes-128-cbc', hexOf(r.key), hexOf(r.iv));
  assert.equal(Buffer.concat([d.update(hexOf(r.cbc)), d.final()]).toString(), plain);
  const gcm = hexOf(r.gcm);
  const g = createDecipheriv('aes-128-gcm', hexOf(r.key), hexOf(r.nonce));
  g.setAAD(Buffer.from('device-1'));
  g.setAuthTag(gcm.subarray(gcm.length - 16));
  assert.equal(Buffer.concat([g.update(gcm.subarray(0, gcm.length - 16)), g.final()]).toString(), plain);
  assert.equal(r.cbcBack, plain);
  assert.equal(r.gcmBack, plain);
  assert.equal(r.tamperedOpened, false);
});

test('7.04 keyGen: OpenSSL checks every key; X25519 agreement matches', () => {
  const r = keyGen(quiet);
  for (const [type, pem] of Object.entries(r.keys)) {
    writeFileSync(join(dir, type + '.pem'), pem);
    const text = execFileSync('openssl', ['pkey', '-in', join(dir, type + '.pem'), '-noout', '-text', ...(type === 'x25519' ? [] : ['-check'])]).toString();
    assert.ok(text.length > 0, type);
    assert.equal(createPrivateKey(pem).asymmetricKeyType, { 'P-256': 'ec', ed25519: 'ed25519', x25519: 'x25519', rsa: 'rsa' }[type]);
  }
  assert.equal(r.agreed, true);
});

test('7.05 rsaEnc: OAEP and PKCS#1 v1.5 round trips; another key fails', () => {
  const r = rsaEnc(quiet);
  assert.equal(r.oaep, r.secret);
  assert.equal(r.pkcs1, r.secret);
  assert.equal(r.wrongKey, true);
});

test('7.06 rsaSig: node:crypto verifies the PKCS#1 v1.5 and PSS signatures; changed images fail', () => {
  const r = rsaSig(quiet);
  assert.ok(nodeVerify('sha256', r.firmware, { key: r.publicKey, padding: constants.RSA_PKCS1_PADDING }, r.signatures.pkcs1));
  assert.ok(nodeVerify('sha256', r.firmware, { key: r.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, r.signatures.pss));
  assert.deepEqual(r.verified, [true, true]);
  assert.deepEqual(r.tamperedVerified, [false, false]);
});

test('7.07 cert: openssl req -verify and openssl verify -CAfile accept the outputs', () => {
  const r = cert(quiet);
  writeFileSync(join(dir, 'ca.pem'), r.caPem);
  writeFileSync(join(dir, 'dev.csr'), r.csrPem);
  writeFileSync(join(dir, 'dev.pem'), r.certPem);
  execFileSync('openssl', ['req', '-verify', '-noout', '-in', join(dir, 'dev.csr')], { stdio: 'pipe' });
  assert.match(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), '-purpose', 'sslclient', join(dir, 'dev.pem')]).toString(), /OK/);
  assert.deepEqual(r.path, ['device-1', 'microtls Sample Device CA']);
});
