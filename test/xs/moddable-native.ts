// The native-provider check app (moddable-native-app/main.js) for the test
// and the bench: its vectors with their expected results, building it with
// the real Moddable tools and reading what it prints.
// Expected values are published ones (FIPS 180-2, RFC 4231, RFC 5869,
// McGrew-Viega GCM test cases, NIST SP 800-38C, RFC 5903, RFC 6979), and
// for the TLS-shaped AEAD records (5-byte AAD, record lengths that cross the
// provider's block and chunk boundaries) and a key pair from a fixed seed,
// node:crypto's (OpenSSL) results: never the code under test.
import assert from 'node:assert/strict';
import { createCipheriv, createECDH, createHash, createHmac, hkdfSync } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CipherSuite, NamedGroup } from '../../core/registry.js';
import { pki } from '../helpers/peers.js';
import { PSK_HEX, PSK_IDENTITY } from '../helpers/psk.js';
import { mcconfig } from './moddable-sdk.js';
import { root } from './xs.js';

export interface Vector { name: string; kind: string; expect: string; [field: string]: string | number }

const hex = (b: Uint8Array | Buffer): string => Buffer.from(b).toString('hex');
const bytes = (n: number, f: (i: number) => number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => f(i) & 0xff));

/** ECDSA-Sig-Value for r || s given in hex (RFC 6979 prints r and s). */
function der(r: string, s: string): string {
  const int = (h: string) => {
    let b = Buffer.from(h, 'hex');
    while (b.length > 1 && b[0] === 0 && b[1] < 0x80) b = b.subarray(1);
    if (b[0] >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([2, b.length]), b]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return hex(Buffer.concat([Buffer.from(body.length < 0x80 ? [0x30, body.length] : [0x30, 0x81, body.length]), body]));
}

const SAMPLE = hex(Buffer.from('sample'));
const RFC5903_I = 'c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433';
const RFC5903_GR = '04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf6356fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab';
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
// RFC 6979 A.2.5 (P-256) and A.2.6 (P-384): public keys and signatures of "sample".
const P256_Q = '0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299';
const P384_Q = '04ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64def8f0ea9055866064a254515480bc138015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1288b231c3ae0d4fe7344fd2533264720';

/** AEAD vectors node:crypto computes: TLS record shapes for each suite the native provider has. */
function recordVectors(): Vector[] {
  const out: Vector[] = [];
  const suites: [string, number, string, number][] = [
    ['aes-128-gcm', CipherSuite.TLS_AES_128_GCM_SHA256, 'aes-128-gcm', 16],
    ['aes-256-gcm', CipherSuite.TLS_AES_256_GCM_SHA384, 'aes-256-gcm', 16],
    ['aes-128-ccm', CipherSuite.TLS_AES_128_CCM_SHA256, 'aes-128-ccm', 16],
    ['aes-128-ccm8', CipherSuite.TLS_AES_128_CCM_8_SHA256, 'aes-128-ccm', 8],
  ];
  for (const [name, suite, cipher, tagLen] of suites) {
    for (const n of [0, 1, 16, 17, 300, 1040]) {
      const key = bytes(cipher.startsWith('aes-256') ? 32 : 16, (i) => i * 7 + n);
      const nonce = bytes(12, (i) => 0xa0 + i + n);
      const aad = Buffer.from([23, 3, 3, (n + tagLen) >> 8, (n + tagLen) & 0xff]);
      const pt = bytes(n, (i) => i * 13 + 5);
      const c = createCipheriv(cipher as 'aes-128-gcm', key, nonce, { authTagLength: tagLen } as object);
      c.setAAD(aad, { plaintextLength: n });
      const ct = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
      out.push({ name: `${name}-record-${n}`, kind: 'aead', suite, key: hex(key), nonce: hex(nonce), aad: hex(aad), pt: hex(pt), expect: hex(ct) });
    }
  }
  return out;
}

/** A P-256 key pair from a fixed seed (d = seed mod (n - 1) + 1, FIPS 186-4 B.4.1) and its secret with RFC 5903's peer. */
function generateVector(): Vector {
  const seed = bytes(48, (i) => 0x31 * i + 7);
  const d = (BigInt('0x' + hex(seed)) % (P256_N - 1n)) + 1n;
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(d.toString(16).padStart(64, '0'), 'hex'));
  const shared = ecdh.computeSecret(Buffer.from(RFC5903_GR, 'hex'));
  return { name: 'p256-generate', kind: 'ecdhGenerate', group: NamedGroup.secp256r1, seed: hex(seed), peer: RFC5903_GR, expect: hex(ecdh.getPublicKey()) + ' ' + hex(shared) };
}

export function vectors(): Vector[] {
  const longKey = bytes(131, () => 0xaa);
  const longMsg = Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First');
  const abc448 = hex(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'));
  const gcmP = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39';
  const gcmA = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
  const gcmIV = 'cafebabefacedbaddecaf888';
  const badPoint = RFC5903_GR.slice(0, -2) + 'ac'; // y + 1: not on the curve
  return [
    // FIPS 180-2 appendix B.
    { name: 'sha256-abc', kind: 'hash', alg: 'sha256', msg: hex(Buffer.from('abc')), expect: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
    { name: 'sha256-448bits', kind: 'hash', alg: 'sha256', msg: abc448, expect: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1' },
    { name: 'sha384-abc', kind: 'hash', alg: 'sha384', msg: hex(Buffer.from('abc')), expect: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7' },
    { name: 'sha384-1000', kind: 'hash', alg: 'sha384', msg: hex(bytes(1000, (i) => i)), expect: createHash('sha384').update(bytes(1000, (i) => i)).digest('hex') },
    // RFC 4231 test cases 2 and 6.
    { name: 'hmac-sha256-rfc4231-2', kind: 'hmac', alg: 'sha256', key: hex(Buffer.from('Jefe')), msg: hex(Buffer.from('what do ya want for nothing?')), expect: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
    { name: 'hmac-sha384-rfc4231-2', kind: 'hmac', alg: 'sha384', key: hex(Buffer.from('Jefe')), msg: hex(Buffer.from('what do ya want for nothing?')), expect: 'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649' },
    { name: 'hmac-sha256-rfc4231-6', kind: 'hmac', alg: 'sha256', key: hex(longKey), msg: hex(longMsg), expect: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54' },
    { name: 'hmac-sha384-rfc4231-6', kind: 'hmac', alg: 'sha384', key: hex(longKey), msg: hex(longMsg), expect: createHmac('sha384', longKey).update(longMsg).digest('hex') },
    // RFC 5869 test case 1.
    { name: 'hkdf-sha256-rfc5869-1', kind: 'hkdf', alg: 'sha256', ikm: '0b'.repeat(22), salt: '000102030405060708090a0b0c', info: 'f0f1f2f3f4f5f6f7f8f9', len: 42, expect: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865' },
    { name: 'hkdf-sha384', kind: 'hkdf', alg: 'sha384', ikm: '0b'.repeat(22), salt: '000102030405060708090a0b0c', info: 'f0f1f2f3f4f5f6f7f8f9', len: 60, expect: hex(Buffer.from(hkdfSync('sha384', Buffer.alloc(22, 0x0b), Buffer.from('000102030405060708090a0b0c', 'hex'), Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex'), 60))) },
    // McGrew-Viega GCM test cases 2, 4 and 16.
    { name: 'gcm-case-2', kind: 'aead', suite: CipherSuite.TLS_AES_128_GCM_SHA256, key: '00'.repeat(16), nonce: '00'.repeat(12), aad: '', pt: '00'.repeat(16), expect: '0388dace60b6a392f328c2b971b2fe78' + 'ab6e47d42cec13bdf53a67b21257bddf' },
    { name: 'gcm-case-4', kind: 'aead', suite: CipherSuite.TLS_AES_128_GCM_SHA256, key: 'feffe9928665731c6d6a8f9467308308', nonce: gcmIV, aad: gcmA, pt: gcmP, expect: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091' + '5bc94fbc3221a5db94fae95ae7121a47' },
    { name: 'gcm-case-16', kind: 'aead', suite: CipherSuite.TLS_AES_256_GCM_SHA384, key: 'feffe9928665731c6d6a8f9467308308'.repeat(2), nonce: gcmIV, aad: gcmA, pt: gcmP, expect: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662' + '76fc6ece0f4e1768cddf8853bb2d551b' },
    // NIST SP 800-38C appendix C, example 3 (12-byte nonce, 8-byte tag: CCM_8's shape).
    { name: 'ccm-sp800-38c-3', kind: 'aead', suite: CipherSuite.TLS_AES_128_CCM_8_SHA256, key: '404142434445464748494a4b4c4d4e4f', nonce: '101112131415161718191a1b', aad: '000102030405060708090a0b0c0d0e0f10111213', pt: '202122232425262728292a2b2c2d2e2f3031323334353637', expect: 'e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5' + '484392fbc1b09951' },
    ...recordVectors(),
    // RFC 5903 8.1 (ECDH on P-256), and peer keys that must be refused.
    { name: 'p256-ecdh-rfc5903', kind: 'ecdh', group: NamedGroup.secp256r1, priv: RFC5903_I, peer: RFC5903_GR, expect: 'd6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de' },
    { name: 'p256-ecdh-off-curve', kind: 'ecdh', group: NamedGroup.secp256r1, priv: RFC5903_I, peer: badPoint, expect: 'null' },
    { name: 'p256-ecdh-compressed', kind: 'ecdh', group: NamedGroup.secp256r1, priv: RFC5903_I, peer: '02' + RFC5903_GR.slice(2, 66), expect: 'null' },
    generateVector(),
    // RFC 6979 A.2.5 and A.2.6: signatures of "sample".
    { name: 'ecdsa-p256-sha256-rfc6979', kind: 'ecdsa', curve: 'P-256', hash: 'sha256', point: P256_Q, msg: SAMPLE, sig: der('efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716', 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8'), expect: 'true' },
    { name: 'ecdsa-p256-sha384-rfc6979', kind: 'ecdsa', curve: 'P-256', hash: 'sha384', point: P256_Q, msg: SAMPLE, sig: der('0eafea039b20e9b42309fb1d89e213057cbf973dc0cfc8f129edddc800ef7719', '4861f0491e6998b9455193e34e7b0d284ddd7149a74b95b9261f13abde940954'), expect: 'true' },
    { name: 'ecdsa-p256-tampered', kind: 'ecdsa', curve: 'P-256', hash: 'sha256', point: P256_Q, msg: SAMPLE, sig: der('efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716', 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda9'), expect: 'false' },
    // r = n: out of range, refused before any arithmetic.
    { name: 'ecdsa-p256-r-is-n', kind: 'ecdsa', curve: 'P-256', hash: 'sha256', point: P256_Q, msg: SAMPLE, sig: der(P256_N.toString(16), 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8'), expect: 'false' },
    { name: 'ecdsa-p384-sha384-rfc6979', kind: 'ecdsa', curve: 'P-384', hash: 'sha384', point: P384_Q, msg: SAMPLE, sig: der('94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fabe46', '99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a38628ac8'), expect: 'true' },
    { name: 'ecdsa-p384-wrong-message', kind: 'ecdsa', curve: 'P-384', hash: 'sha384', point: P384_Q, msg: hex(Buffer.from('samplf')), sig: der('94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fabe46', '99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a38628ac8'), expect: 'false' },
  ];
}

export interface NativeAppConfig {
  /** Providers to connect with, in order ("native", "js"). */
  providers: string[];
  runs: number;
  bytes: number;
  port: number;
  /** The PSK server's port, when PSK connections are wanted. */
  pskPort?: number;
  /** Key exchange groups for the certificate connections, one kind of connection each. */
  groups: ('secp256r1' | 'x25519')[];
}

/** The XS heap Moddable's ESP32 targets create (issue 11): a heap that never grows. */
export const ESP32_CREATION = { static: 0, chunk: { initial: 78848, incremental: 0 }, heap: { initial: 4928, incremental: 0 }, stack: 512 };

/**
 * Writes and builds the check app; returns its mc.so. microtls is the full profile (its pure-JS provider has
 * every primitive the native one has, to compare with), preloaded with the native provider.
 */
export function buildNativeApp(name: string, config: NativeAppConfig, creation: object, instrument: boolean): string {
  const dir = join(tmpdir(), 'microtls-' + name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const embed = spawnSync(process.execPath, [join(root, 'ports', 'moddable', 'example', 'embed-ca.mjs'), pki('ca.crt'), join(dir, 'ca.js')], { encoding: 'utf8' });
  assert.equal(embed.status, 0, embed.stderr);
  writeFileSync(join(dir, 'vectors.js'), 'export default ' + JSON.stringify(vectors().map(({ expect: _, ...v }) => v)) + ';\n');
  const app = join(root, 'test', 'xs', 'moddable-native-app');
  const manifest = {
    include: [
      '$(MODDABLE)/examples/manifest_base.json',
      '$(MODDABLE)/examples/manifest_net.json',
      '$(MODDABLE)/modules/io/manifest.json',
      join(root, 'manifest.json'),
      join(root, 'manifest_native.json'),
    ],
    modules: { '*': [join(app, 'main'), join(app, 'probe'), join(root, 'test', 'xs', 'moddable-echo'), './ca', './vectors'] },
    preload: ['ca', 'vectors', 'probe', 'moddable-echo'],
    creation,
    config: {
      server: 'localhost', psk: PSK_HEX, identity: PSK_IDENTITY,
      ...config, providers: config.providers.join(','), groups: config.groups.join(','), pskPort: config.pskPort ?? 0,
    },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, '\t'));
  return mcconfig(dir, 'microtls-' + name, 900_000, instrument);
}

/** The vectors whose result differs from the expected one, per provider ("NAME PROVIDER: got X"). */
export function vectorMismatches(out: string, providers: string[]): string[] {
  const bad: string[] = [];
  for (const v of vectors()) {
    for (const p of providers) {
      const m = new RegExp(`^@ v ${v.name} ${p} (.*)$`, 'm').exec(out);
      if (!m || m[1] !== v.expect) bad.push(`${v.name} ${p}: got ${m ? m[1] : 'nothing'}, want ${v.expect}`);
    }
  }
  return bad;
}

export interface Figures {
  kind: string;
  provider: string;
  /** Handshake CPU times of the timed connections (the XS thread's), in ms. */
  cpu: number[];
  /** Their wall times in ms (with the host socket's 20 ms polling). */
  wall: number[];
  /** Garbage collections during their handshakes (instrumented builds). */
  gc: number[];
  /**
   * The measured connection: peak live heap during the handshake and what the open connection keeps after data
   * went both ways (chunk bytes, slots, above the heap before it), deepest stack (slots).
   */
  peakChunks: number;
  peakSlots: number;
  keptChunks: number;
  keptSlots: number;
  stack: number;
}

/** What the app printed per kind of connection and provider. */
export function figures(out: string): Figures[] {
  const all: Figures[] = [];
  const of = (kind: string, provider: string): Figures => {
    let f = all.find((x) => x.kind === kind && x.provider === provider);
    if (!f) all.push(f = { kind, provider, cpu: [], wall: [], gc: [], peakChunks: NaN, peakSlots: NaN, keptChunks: NaN, keptSlots: NaN, stack: NaN });
    return f;
  };
  for (const m of out.matchAll(/^@ tls (\S+) (\S+) cpu=(\d+) wall=(\d+) gc=(-?\d+)$/gm)) {
    const f = of(m[1], m[2]);
    f.cpu.push(Number(m[3]) / 1000);
    f.wall.push(Number(m[4]));
    f.gc.push(Number(m[5]));
  }
  for (const m of out.matchAll(/^@ mem (\S+) (\S+) peakChunks=(-?\d+) peakSlots=(-?\d+) keptChunks=(-?\d+) keptSlots=(-?\d+) stack=(\d+)$/gm)) {
    Object.assign(of(m[1], m[2]), { peakChunks: Number(m[3]), peakSlots: Number(m[4]), keptChunks: Number(m[5]), keptSlots: Number(m[6]), stack: Number(m[7]) });
  }
  return all;
}
