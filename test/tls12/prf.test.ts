// The TLS 1.2 PRF and what is derived with it, against published vectors:
// the P_SHA256 / P_SHA384 vectors posted to the IETF TLS list (used by Go,
// rustls and others; the same values come out of `openssl kdf TLS1-PRF`),
// and OpenSSL's own derivation of the master secret, key block and
// Finished values (computed here through `openssl kdf` when it is there).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { sha256, sha384 } from '../../core/crypto/hash.js';
import type { Hash } from '../../core/crypto/types.js';
import {
  extendedMasterSecret, keyBlock, masterSecret, prf, pskPreMaster, verifyData,
} from '../../core/handshake/tls12/prf.js';

const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

test('P_SHA256: the published TLS 1.2 PRF vector (100 bytes)', () => {
  const out = prf(sha256, unhex('9bbe436ba940f017b17652849a71db35'), ascii('test label'), unhex('a0ba9f936cda311827a6f796ffd5198c'), new Uint8Array(100));
  assert.equal(hex(out),
    'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab' +
    '4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66');
});

test('P_SHA384: the published TLS 1.2 PRF vector (148 bytes)', () => {
  const out = prf(sha384, unhex('b80b733d6ceefcdc71566ea48e5567df'), ascii('test label'), unhex('cd665cf6a8447dd6ff8b27555edb7465'), new Uint8Array(148));
  assert.equal(hex(out),
    '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd' +
    '8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6' +
    '91c8f3a26854308d5eaa3be85e0990703d73e56f');
});

/** OpenSSL's TLS1-PRF over secret and label || seed (null when `openssl kdf` is missing). */
function opensslPrf(digest: string, secret: Uint8Array, label: string, seed: Uint8Array, len: number): string | null {
  const r = spawnSync('openssl', ['kdf', '-keylen', String(len), '-kdfopt', 'digest:' + digest, '-kdfopt', 'hexsecret:' + hex(secret),
    '-kdfopt', 'hexseed:' + hex(ascii(label)) + hex(seed), 'TLS1-PRF'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().replace(/:/g, '').toLowerCase() : null;
}

const cases: [string, Hash][] = [['SHA256', sha256], ['SHA384', sha384]];
for (const [digest, hash] of cases) {
  test(`master secret, extended master secret, key block and Finished as OpenSSL derives them (${digest})`, (t) => {
    const pms = unhex('0303' + '11'.repeat(46));
    const cr = unhex('01'.repeat(32));
    const sr = unhex('02'.repeat(32));
    const sessionHash = unhex('33'.repeat(hash.outputLen));
    const ms = opensslPrf(digest, pms, 'master secret', Buffer.concat([cr, sr]), 48);
    if (ms === null) return t.skip('openssl kdf not available');
    assert.equal(hex(masterSecret(hash, pms, cr, sr)), ms);
    const ems = extendedMasterSecret(hash, pms, sessionHash);
    assert.equal(hex(ems), opensslPrf(digest, pms, 'extended master secret', sessionHash, 48));
    // AES-128-GCM: two 16-byte keys, two 4-byte salts, in that order (RFC 5246 6.3).
    const block = opensslPrf(digest, ems, 'key expansion', Buffer.concat([sr, cr]), 40)!;
    const kb = keyBlock(hash, ems, cr, sr, 16, 4);
    assert.equal(hex(kb.client.key) + hex(kb.server.key) + hex(kb.client.iv) + hex(kb.server.iv), block);
    assert.equal(hex(verifyData(hash, ems, true, sessionHash)), opensslPrf(digest, ems, 'client finished', sessionHash, 12));
    assert.equal(hex(verifyData(hash, ems, false, sessionHash)), opensslPrf(digest, ems, 'server finished', sessionHash, 12));
  });
}

test('the plain PSK premaster secret is N, N zeros, N, the key (RFC 4279 2)', () => {
  assert.equal(hex(pskPreMaster(unhex('aabbcc'))), '0003' + '000000' + '0003' + 'aabbcc');
});
