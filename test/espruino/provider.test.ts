// The Espruino crypto provider (ports/espruino) on the modelled native
// crypto module, against independent implementations: noble's hashes,
// core's JS AEADs and noble's X25519, RFC 7748's test vectors, and the
// documented behaviour of Espruino's AES that the provider relies on.
import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { nobleProvider } from '../../core/crypto/noble.js';
import type { HashName } from '../../core/crypto/types.js';
import { CipherSuite, NamedGroup } from '../../core/registry.js';
import { espruinoProvider } from '../../ports/espruino/crypto.js';
import type { EspruinoCrypto } from '../../ports/espruino/espruino.js';
import { engine, runScript, tail } from './engine.js';
import { espruinoBuiltins, nodeHost } from './env.js';

const host = nodeHost();
const crypto = espruinoBuiltins(host).modules.crypto as EspruinoCrypto;
const provider = espruinoProvider(crypto);
const bytes = (n: number) => new Uint8Array(randomBytes(n));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

/** The model's answers and the real interpreter's to the same calls (ECB of 20 bytes, CBC of 20, CTR with an IV, SHA-2 of views). */
const PROBES = `
var c = require('crypto');
function hex(b) { if (b === undefined) return 'undefined'; var u = new Uint8Array(b), s = ''; for (var i = 0; i < u.length; i++) s += (u[i] < 16 ? '0' : '') + u[i].toString(16); return s; }
var key = new Uint8Array(16), data = new Uint8Array(40), iv = new Uint8Array(16);
for (var i = 0; i < 40; i++) data[i] = (i * 73 + 5) & 255;
for (var j = 0; j < 16; j++) { key[j] = j * 11; iv[j] = 255 - j; }
report({
  ecb: hex(c.AES.encrypt(data.subarray(0, 20), key, { mode: 'ECB' })),
  cbc20: hex(c.AES.encrypt(data.subarray(0, 20), key, { mode: 'CBC' })),
  cbc32: hex(c.AES.encrypt(data.subarray(0, 32), key, { mode: 'CBC', iv: iv })),
  ctr: hex(c.AES.encrypt(data.subarray(0, 16), key, { mode: 'CTR', iv: iv })),
  sha256: hex(c.SHA256(data.subarray(3, 9))),
  sha384: hex(c.SHA384(data.subarray(7, 40)))
});`;

const board = engine('ESPRUINO_12K_BIN');

test('the model answers as the real interpreter does', { skip: board.skip, timeout: 30000 }, async () => {
  const run = await runScript(board.bin!, [PROBES], 20000);
  const modelled = { lines: [] as string[] };
  const model = espruinoBuiltins({ ...nodeHost(modelled.lines) }).modules.crypto;
  const expected = new Function('require', 'report', 'Uint8Array', 'let r; ' + PROBES.replace('report({', 'r = ({') + ' return r;')(
    () => model, () => undefined, Uint8Array) as Record<string, string>;
  assert.deepEqual(run.reports[0], expected, tail(run));
  assert.equal(expected.cbc20, 'undefined');
});

test('the modelled native AES behaves as Espruino documents it', () => {
  const key = bytes(16);
  const data = bytes(20);
  const ecb = new Uint8Array(crypto.AES.encrypt(data, key, { mode: 'ECB' })!);
  const block = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false).update(data.subarray(0, 16));
  assert.deepEqual(ecb.subarray(0, 16), new Uint8Array(block));
  assert.deepEqual(ecb.subarray(16), new Uint8Array(4), 'a partial block is left zero');
  host.lines.length = 0;
  assert.equal(crypto.AES.encrypt(data, key, { mode: 'CBC' }), undefined, 'CBC of 20 bytes');
  assert.match(host.lines.join('\n'), /ERROR/);
  const ctrWithIv = crypto.AES.encrypt(data.subarray(0, 16), key, { mode: 'CTR', iv: bytes(16) })!;
  const ctrZero = createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(data.subarray(0, 16));
  assert.deepEqual(new Uint8Array(ctrWithIv), new Uint8Array(ctrZero), 'CTR ignores the IV');
  const view = data.subarray(3, 9);
  assert.equal(hex(new Uint8Array(crypto.SHA256(view))), createHash('sha256').update(view).digest('hex'));
});

test('SHA-256/384 agree with noble, incrementally and through clone()', () => {
  for (const name of ['sha256', 'sha384'] as HashName[]) {
    const a = provider.hash(name)!;
    const b = nobleProvider.hash(name)!;
    assert.equal(a.outputLen, b.outputLen);
    assert.equal(a.blockLen, b.blockLen);
    const ha = a.create();
    const hb = b.create();
    for (const n of [0, 5, 64, 300, 1000]) {
      const d = bytes(n);
      ha.update(d);
      hb.update(d);
    }
    const snap = ha.clone();
    const tail = bytes(33);
    const out = (h: { digestInto(o: Uint8Array): void }) => { const o = new Uint8Array(a.outputLen); h.digestInto(o); return hex(o); };
    const expectedSnap = out(hb.clone());
    assert.equal(out(ha.update(tail)), out(hb.update(tail)));
    assert.equal(out(snap), expectedSnap);
  }
  assert.equal(provider.hash('sha512'), undefined);
});

test('AES-CCM, CCM_8 and GCM on native AES agree with the core JS AEADs, in place', () => {
  const suites = [CipherSuite.TLS_AES_128_CCM_SHA256, CipherSuite.TLS_AES_128_CCM_8_SHA256, CipherSuite.TLS_AES_128_GCM_SHA256];
  for (const suite of suites) {
    const a = provider.aead(suite)!;
    const b = nobleProvider.aead(suite)!;
    assert.equal(a.tagLen, b.tagLen);
    const key = bytes(16);
    const sa = a.create(key);
    const sb = b.create(key);
    for (const len of [0, 1, 15, 16, 17, 100, 1024, 1300]) {
      for (const aadLen of [0, 5, 40]) {
        const nonce = bytes(12);
        const aad = bytes(aadLen);
        const off = 5;
        const bufA = new Uint8Array(off + len + a.tagLen + 3);
        bufA.set(bytes(len), off);
        const plain = bufA.slice(off, off + len);
        const bufB = bufA.slice();
        sa.seal(nonce, aad, bufA, off, len);
        sb.seal(nonce, aad, bufB, off, len);
        assert.equal(hex(bufA), hex(bufB), `suite ${suite} len ${len} aad ${aadLen}`);
        const sealed = bufA.slice();
        assert.ok(sa.open(nonce, aad, bufA, off, len));
        assert.equal(hex(bufA.subarray(off, off + len)), hex(plain));
        const bad = sealed.slice();
        bad[off + len + a.tagLen - 1] ^= 0x80;
        assert.equal(sa.open(nonce, aad, bad, off, len), false);
        assert.equal(hex(bad.subarray(0, off + len)), hex(sealed.subarray(0, off + len)), 'ciphertext left as it was');
      }
    }
    const k2 = bytes(16);
    sa.rekey(k2);
    sb.rekey(k2);
    const n = bytes(12);
    const x = new Uint8Array(50);
    const y = new Uint8Array(50);
    sa.seal(n, x.subarray(0, 0), x, 0, 30);
    sb.seal(n, y.subarray(0, 0), y, 0, 30);
    assert.equal(hex(x), hex(y), 'after rekey');
    assert.throws(() => a.create(bytes(32)), /key length/);
  }
  assert.equal(provider.aead(CipherSuite.TLS_AES_256_GCM_SHA384), undefined);
  assert.equal(provider.aead(CipherSuite.TLS_CHACHA20_POLY1305_SHA256), undefined);
});

test('X25519 without BigInt (core/crypto/x25519.ts, whose RFC 7748 vectors are in test/crypto/groups): RFC 7748 6.1, agrees with noble; low-order and malformed peer keys give null', () => {
  const x25519 = provider.group(NamedGroup.x25519)!;
  const alice = unhex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  const bob = unhex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
  const alicePub = x25519.generate((d) => d.set(alice)).pub;
  const bobPub = x25519.generate((d) => d.set(bob)).pub;
  assert.equal(hex(alicePub), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  assert.equal(hex(bobPub), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
  const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
  assert.equal(hex(x25519.shared(alice, bobPub)!), shared);
  assert.equal(hex(x25519.shared(bob, alicePub)!), shared);
  for (let i = 0; i < 20; i++) {
    const a = x25519.generate((d) => d.set(bytes(d.length)));
    const b = bytes(32);
    assert.equal(hex(a.pub), hex(nobleX25519.getPublicKey(a.priv)));
    const peer = nobleX25519.getPublicKey(b);
    peer[31] |= i & 1 ? 0x80 : 0; // the top bit is masked off (RFC 7748 5)
    assert.equal(hex(x25519.shared(a.priv, peer)!), hex(nobleX25519.getSharedSecret(b, a.pub)));
  }
  const priv = bytes(32);
  assert.equal(x25519.shared(priv, new Uint8Array(32)), null, 'u = 0');
  const one = new Uint8Array(32);
  one[0] = 1;
  assert.equal(x25519.shared(priv, one), null, 'u = 1');
  assert.equal(x25519.shared(priv, bytes(31)), null, 'short key');
  assert.equal(provider.group(NamedGroup.secp256r1), undefined);
});

test('no signatures: the provider refuses to sign and verifies nothing', () => {
  assert.equal(provider.verify({ type: 'ed25519', hash: null }, { kind: 'ed25519', key: bytes(32) }, bytes(5), bytes(64)), false);
  assert.throws(() => provider.sign({ type: 'ed25519', hash: null }, { kind: 'ed25519', seed: bytes(32), key: bytes(32) }, bytes(5), () => undefined), /PSK only/);
});
