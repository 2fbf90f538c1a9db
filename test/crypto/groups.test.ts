// Key exchange groups (core/crypto/groups.ts on noble; x25519.ts and p256.ts
// on typed arrays): RFC 7748 vectors for X25519 and X448, ECDH cross-checks
// with node:crypto, and invalid peer keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  createECDH, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomFillSync,
} from 'node:crypto';
import {
  keyExchangeFor, secp256r1Group, secp384r1Group, secp521r1Group, weierstrassGroup, x25519Group, x25519LadderGroup, x448Group,
} from '../../core/crypto/groups.js';
import { secp256r1FixedGroup } from '../../core/crypto/p256.js';
import { p256Point, p384Point } from '../../core/crypto/nist-points.js';
import { x25519FixedGroup } from '../../core/crypto/x25519.js';
import { NamedGroup } from '../../core/registry.js';
import type { KeyExchange } from '../../core/crypto/types.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array | null): string => (b === null ? 'null' : Buffer.from(b).toString('hex'));
const random = (d: Uint8Array): void => { randomFillSync(d); };
/** A `random` that hands out the given bytes (to load a published private key). */
const fixed = (bytes: Uint8Array) => (d: Uint8Array): void => { d.set(bytes); };

// RFC 7748 section 5.2: [scalar, input u-coordinate, output u-coordinate].
const X25519_VECTORS = [
  ['a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
    'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
    'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552'],
  ['4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
    'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493', // top bit set: must be masked
    '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957'],
];
const X448_VECTORS = [
  ['3d262fddf9ec8e88495266fea19a34d28882acef045104d0d1aae121700a779c984c24f8cdd78fbff44943eba368f54b29259a4f1c600ad3',
    '06fce640fa3487bfda5f6cf2d5263f8aad88334cbd07437f020f08f9814dc031ddbdc38c19c6da2583fa5429db94ada18aa7a7fb4ef8a086',
    'ce3e4ff95a60dc6697da1db1d85e6afbdf79b50a2412d7546d5f239fe14fbaadeb445fc66a01b0779d98223961111e21766282f73dd96b6f'],
  ['203d494428b8399352665ddca42f9de8fef600908e0d461cb021f8c538345dd77c3e4806e25f46d3315c44e0a5b4371282dd2c8d5be3095f',
    '0fbcc2f993cd56d3305b0b7d9e55d4c1a8fb5dbb52f8e9a1e9b6201b165d015894e56c4d3570bee52fe205e28a78b91cdfbde71ce8d157db',
    '884a02576239ff7a2f2f63b2db6a9ff37047ac13568e1e30fe63c4a7ad1b3ee3a5700df34321d62077e63633c575c1c954514e99da7c179d'],
];

/** RFC 7748 5.2 iteration: k = u = base point, then k, u = X(k, u), k. */
function iterate(g: KeyExchange, base: number, n: number): string {
  let k: Uint8Array = new Uint8Array(g.publicLen);
  k[0] = base;
  let u: Uint8Array = k.slice();
  for (let i = 0; i < n; i++) {
    const r = g.shared(k, u) as Uint8Array;
    u = k;
    k = r;
  }
  return toHex(k);
}

test('X25519: RFC 7748 section 5.2 vectors and iterations', () => {
  for (const [k, u, out] of X25519_VECTORS) assert.equal(toHex(x25519Group.shared(hex(k), hex(u))), out);
  assert.equal(iterate(x25519Group, 9, 1), '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
  assert.equal(iterate(x25519Group, 9, 1000), '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
  // The client profiles' ladder on BigInt (x25519-ladder.ts).
  for (const [k, u, out] of X25519_VECTORS) assert.equal(toHex(x25519LadderGroup.shared(hex(k), hex(u))), out);
  assert.equal(iterate(x25519LadderGroup, 9, 1), '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
  assert.equal(iterate(x25519LadderGroup, 9, 1000), '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
  // On typed arrays.
  for (const [k, u, out] of X25519_VECTORS) assert.equal(toHex(x25519FixedGroup.shared(hex(k), hex(u))), out);
  assert.equal(iterate(x25519FixedGroup, 9, 1), '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
  assert.equal(iterate(x25519FixedGroup, 9, 1000), '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
});

test('X448: RFC 7748 section 5.2 vectors and one iteration', () => {
  // (The 1000-iteration row takes seconds in pure JS; X25519's covers the ladder loop.)
  for (const [k, u, out] of X448_VECTORS) assert.equal(toHex(x448Group.shared(hex(k), hex(u))), out);
  assert.equal(iterate(x448Group, 5, 1),
    '3f482c8a9f19b01e6c46ee9711d9dc14fd4bf67af30765c2ae2b846a4d23a8cd0db897086239492caf350b51f833868b9bc2b3bca9cf4113');
});

test('X25519 and X448: RFC 7748 section 6 Diffie-Hellman', () => {
  const cases: [KeyExchange, string, string, string, string, string][] = [
    [x25519Group,
      '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
      '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
      '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'],
    [x448Group,
      '9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b',
      '9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0',
      '1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d',
      '3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609',
      '07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d'],
  ];
  cases.push([x25519LadderGroup, ...(cases[0].slice(1) as [string, string, string, string, string])]);
  cases.push([x25519FixedGroup, ...(cases[0].slice(1) as [string, string, string, string, string])]);
  for (const [g, aPriv, aPub, bPriv, bPub, k] of cases) {
    const alice = g.generate(fixed(hex(aPriv)));
    const bob = g.generate(fixed(hex(bPriv)));
    assert.equal(toHex(alice.pub), aPub);
    assert.equal(toHex(bob.pub), bPub);
    assert.equal(toHex(g.shared(alice.priv, bob.pub)), k);
    assert.equal(toHex(g.shared(bob.priv, alice.pub)), k);
  }
});

test('X25519 and X448: agree with node:crypto on random keys', () => {
  for (const [g, kind] of [[x25519Group, 'x25519'], [x25519LadderGroup, 'x25519'], [x25519FixedGroup, 'x25519'], [x448Group, 'x448']] as const) {
    for (let i = 0; i < 5; i++) {
      const ours = g.generate(random);
      assert.equal(ours.pub.length, g.publicLen);
      const { privateKey, publicKey } = generateKeyPairSync(kind as 'x25519');
      const theirPub = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
      const ourPubForNode = createPublicKey({
        key: { kty: 'OKP', crv: kind === 'x25519' ? 'X25519' : 'X448', x: Buffer.from(ours.pub).toString('base64url') },
        format: 'jwk',
      });
      const expected = diffieHellman({ privateKey, publicKey: ourPubForNode });
      assert.equal(toHex(g.shared(ours.priv, theirPub)), expected.toString('hex'));
      // node derives the same public key from our private key.
      const ourPrivForNode = createPrivateKey({
        key: { kty: 'OKP', crv: kind === 'x25519' ? 'X25519' : 'X448', d: Buffer.from(ours.priv).toString('base64url'), x: Buffer.from(ours.pub).toString('base64url') },
        format: 'jwk',
      });
      assert.equal(createPublicKey(ourPrivForNode).export({ format: 'jwk' }).x, Buffer.from(ours.pub).toString('base64url'));
    }
  }
});

test('X25519 and X448: low-order and malformed peer keys give null', () => {
  const priv = x25519Group.generate(random).priv;
  const p25519 = (1n << 255n) - 19n;
  const le = (x: bigint, len: number): Uint8Array => {
    const b = new Uint8Array(len);
    for (let i = 0; i < len; i++) b[i] = Number((x >> BigInt(8 * i)) & 0xffn);
    return b;
  };
  for (const g of [x25519Group, x25519LadderGroup, x25519FixedGroup]) {
    // u = 0, 1, p-1, and the non-canonical encodings p and p+1 of 0 and 1.
    for (const u of [0n, 1n, p25519 - 1n, p25519, p25519 + 1n]) assert.equal(g.shared(priv, le(u, 32)), null, 'u=' + u);
    // RFC 7748 section 7's order-8 points for Curve25519.
    assert.equal(g.shared(priv, hex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800')), null);
    assert.equal(g.shared(priv, hex('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157')), null);
    assert.equal(g.shared(priv, new Uint8Array(31)), null);
    assert.equal(g.shared(priv, new Uint8Array(33)), null);
  }
  const priv448 = x448Group.generate(random).priv;
  const p448 = (1n << 448n) - (1n << 224n) - 1n;
  for (const u of [0n, 1n, p448 - 1n, p448, p448 + 1n]) assert.equal(x448Group.shared(priv448, le(u, 56)), null, 'u=' + u);
  assert.equal(x448Group.shared(priv448, new Uint8Array(32)), null);
  assert.equal(x448Group.shared(priv448, new Uint8Array(57)), null);
});

// The client-ecdhe profile's groups: the same ECDH over noble's points without its ECDSA objects.
const pointsP256 = weierstrassGroup(NamedGroup.secp256r1, p256Point);
const pointsP384 = weierstrassGroup(NamedGroup.secp384r1, p384Point);

const nist: [KeyExchange, string, number, number][] = [
  [secp256r1Group, 'prime256v1', 65, 32],
  [pointsP256, 'prime256v1', 65, 32],
  [pointsP384, 'secp384r1', 97, 48],
  [secp256r1FixedGroup, 'prime256v1', 65, 32],
  [secp384r1Group, 'secp384r1', 97, 48],
  [secp521r1Group, 'secp521r1', 133, 66],
];

test('P-256/384/521: ECDH agrees with node:crypto createECDH; secret is the X coordinate', () => {
  for (const [g, curve, pubLen, xLen] of nist) {
    assert.equal(g.publicLen, pubLen);
    for (let i = 0; i < 5; i++) {
      const ours = g.generate(random);
      assert.equal(ours.pub.length, pubLen);
      assert.equal(ours.pub[0], 4);
      const node = createECDH(curve);
      node.generateKeys();
      const secret = g.shared(ours.priv, new Uint8Array(node.getPublicKey()));
      assert.ok(secret);
      assert.equal(secret.length, xLen);
      assert.equal(toHex(secret), node.computeSecret(ours.pub).toString('hex'), curve);
      // node derives the same public key from our private key.
      const again = createECDH(curve);
      again.setPrivateKey(ours.priv);
      assert.equal(again.getPublicKey('hex'), toHex(ours.pub));
    }
  }
});

test('P-256/384/521: invalid peer points give null', () => {
  for (const [g, curve, pubLen] of nist) {
    const priv = g.generate(random).priv;
    const node = createECDH(curve);
    node.generateKeys();
    const good = new Uint8Array(node.getPublicKey());
    assert.ok(g.shared(priv, good));
    const offCurve = good.slice();
    offCurve[pubLen - 1] ^= 1;
    const hybrid = good.slice();
    hybrid[0] = 6 + (good[pubLen - 1] & 1); // X9.62 hybrid form
    const xTooBig = good.slice();
    xTooBig.fill(0xff, 1, 1 + (pubLen - 1) / 2);
    const bad: [string, Uint8Array][] = [
      ['compressed', new Uint8Array(node.getPublicKey(null, 'compressed'))],
      ['hybrid', hybrid],
      ['off curve', offCurve],
      ['x >= p', xTooBig],
      ['all zero', Uint8Array.of(4, ...new Uint8Array(pubLen - 1))],
      ['infinity', Uint8Array.of(0)],
      ['empty', new Uint8Array(0)],
      ['truncated', good.subarray(0, pubLen - 1)],
      ['trailing byte', Uint8Array.of(...good, 0)],
      ['no prefix', good.subarray(1)],
    ];
    for (const [name, pub] of bad) assert.equal(g.shared(priv, pub), null, curve + ' ' + name);
  }
});

test('generate takes every private key from `random`', () => {
  for (const g of [x25519Group, x25519FixedGroup, x448Group, secp256r1Group, secp256r1FixedGroup, secp384r1Group, secp521r1Group, pointsP256, pointsP384]) {
    const seed = new Uint8Array(256);
    randomFillSync(seed);
    const source = (d: Uint8Array): void => { d.set(seed.subarray(0, d.length)); };
    const a = g.generate(source);
    const b = g.generate(source);
    assert.deepEqual(a.priv, b.priv);
    assert.deepEqual(a.pub, b.pub);
    assert.notDeepEqual(g.generate(random).priv, a.priv);
  }
});

test('groups work without crypto.getRandomValues (a fresh process without it, as on XS)', () => {
  const script = `
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    const { readFileSync } = await import('node:fs');
    const { randomFillSync } = await import('node:crypto');
    const { keyExchangeFor } = await import(${JSON.stringify(new URL('../../core/crypto/groups.js', import.meta.url).href)});
    const peers = JSON.parse(readFileSync(0, 'utf8'));
    const out = {};
    for (const [group, peer] of Object.entries(peers)) {
      const g = keyExchangeFor(Number(group));
      const { priv, pub } = g.generate((d) => randomFillSync(d));
      const secret = g.shared(priv, new Uint8Array(Buffer.from(peer, 'hex')));
      out[group] = { pub: Buffer.from(pub).toString('hex'), secret: Buffer.from(secret).toString('hex') };
    }
    console.log(JSON.stringify(out));`;
  const peers: Record<number, { pub: string; secret: (ourPub: Uint8Array) => string }> = {};
  for (const [g, curve] of nist) {
    const node = createECDH(curve);
    node.generateKeys();
    peers[g.group] = { pub: node.getPublicKey('hex'), secret: (p) => node.computeSecret(p).toString('hex') };
  }
  for (const [group, kind, crv] of [[NamedGroup.x25519, 'x25519', 'X25519'], [NamedGroup.x448, 'x448', 'X448']] as const) {
    const { privateKey, publicKey } = generateKeyPairSync(kind as 'x25519');
    peers[group] = {
      pub: Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString('hex'),
      secret: (p) => diffieHellman({
        privateKey, publicKey: createPublicKey({ key: { kty: 'OKP', crv, x: Buffer.from(p).toString('base64url') }, format: 'jwk' }),
      }).toString('hex'),
    };
  }
  const input = JSON.stringify(Object.fromEntries(Object.entries(peers).map(([k, v]) => [k, v.pub])));
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input });
  assert.equal(r.status, 0, r.stderr.toString());
  const out = JSON.parse(r.stdout.toString()) as Record<string, { pub: string; secret: string }>;
  for (const group of Object.keys(peers)) {
    const g = Number(group);
    assert.equal(out[group].secret, peers[g].secret(hex(out[group].pub)), 'group 0x' + g.toString(16));
  }
});

test('keyExchangeFor maps NamedGroup codes', () => {
  assert.equal(keyExchangeFor(NamedGroup.x25519), x25519Group);
  assert.equal(keyExchangeFor(NamedGroup.x448), x448Group);
  assert.equal(keyExchangeFor(NamedGroup.secp256r1), secp256r1Group);
  assert.equal(keyExchangeFor(NamedGroup.secp384r1), secp384r1Group);
  assert.equal(keyExchangeFor(NamedGroup.secp521r1), secp521r1Group);
  for (const g of [x25519Group, x448Group, secp256r1Group, secp384r1Group, secp521r1Group]) assert.equal(keyExchangeFor(g.group), g);
  for (const code of [0, 0x0100, 0x0016, 0x001f, 0x11ec]) assert.equal(keyExchangeFor(code), undefined);
});
