// Signatures (core/crypto/signature.ts) against node:crypto (OpenSSL) both
// ways, strict ECDSA DER handling, and the TLS 1.3 scheme rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  constants, createPrivateKey, createPublicKey, generateKeyPairSync, randomFillSync,
  sign as nodeSign, verify as nodeVerify, type KeyObject,
} from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { schemeAlgorithm, schemeAllowedInCertificateVerify, schemeMatchesKey } from '../../core/crypto/schemes.js';
import { signMessage, signMessageFixed, verifyEcdsaP256P384, verifySignature, verifySignatureFixed } from '../../core/crypto/signature.js';
import { ErrorCode, TlsFailure } from '../../core/errors.js';
import { opensslRsaFields } from '../helpers/openssl-text.js';
import { SignatureScheme } from '../../core/registry.js';
import type { HashName, PrivateKey, PublicKey, SignatureAlgorithm } from '../../core/crypto/types.js';

const random = (d: Uint8Array): void => { randomFillSync(d); };
const b64 = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s as string, 'base64url'));
const big = (s: string | undefined): bigint => BigInt('0x' + Buffer.from(s as string, 'base64url').toString('hex'));
const hashes: HashName[] = ['sha256', 'sha384', 'sha512'];
const msg = new Uint8Array(777);
randomFillSync(msg);

function failureCode(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TlsFailure, 'expected a TlsFailure, got ' + String(e));
    return e.code;
  }
  assert.fail('expected a failure');
}

// ---- keys from node:crypto, converted through JWK (independent of the code under test)

type Curve = 'P-256' | 'P-384' | 'P-521';
interface Pair<K, P> { priv: K; pub: P; nodePriv: KeyObject; nodePub: KeyObject }

function ecKey(curve: Curve): Pair<PrivateKey, PublicKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const j = privateKey.export({ format: 'jwk' });
  const point = Uint8Array.of(4, ...b64(j.x), ...b64(j.y));
  return { priv: { kind: 'ec', curve, d: b64(j.d), point }, pub: { kind: 'ec', curve, point }, nodePriv: privateKey, nodePub: publicKey };
}

function edKey(kind: 'ed25519' | 'ed448'): Pair<PrivateKey, PublicKey> {
  const { privateKey, publicKey } = generateKeyPairSync(kind as 'ed25519');
  const j = privateKey.export({ format: 'jwk' });
  return { priv: { kind, seed: b64(j.d), key: b64(j.x) }, pub: { kind, key: b64(j.x) }, nodePriv: privateKey, nodePub: publicKey };
}

function rsaFromJwk(j: { n?: string; e?: string; d?: string; p?: string; q?: string; dp?: string; dq?: string; qi?: string }, pssOnly: boolean): Pair<PrivateKey, PublicKey>['priv'] & { kind: 'rsa' } {
  const n = big(j.n);
  return { kind: 'rsa', n, e: big(j.e), d: big(j.d), p: big(j.p), q: big(j.q), dp: big(j.dp), dq: big(j.dq), qi: big(j.qi), bits: n.toString(2).length, pssOnly };
}

/** The JWK of an RSA private key's numbers, for node:crypto. */
function rsaJwk(k: PrivateKey): Record<string, string> {
  if (k.kind !== 'rsa') throw new Error('not RSA');
  const b = (x: bigint): string => { const h = x.toString(16); return Buffer.from(h.length % 2 ? '0' + h : h, 'hex').toString('base64url'); };
  return { kty: 'RSA', n: b(k.n), e: b(k.e), d: b(k.d), p: b(k.p), q: b(k.q), dp: b(k.dp), dq: b(k.dq), qi: b(k.qi) };
}

function rsaKey(): Pair<PrivateKey, PublicKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const priv = rsaFromJwk(privateKey.export({ format: 'jwk' }), false);
  return { priv, pub: { kind: 'rsa', n: priv.n, e: priv.e, bits: priv.bits, pssOnly: false }, nodePriv: privateKey, nodePub: publicKey };
}

/** An id-RSASSA-PSS key from `openssl genpkey -algorithm RSA-PSS`; numbers read from `openssl pkey -text`. */
function rsaPssOnlyKey(): Pair<PrivateKey, PublicKey> {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-sig-'));
  try {
    const file = join(dir, 'pss.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file], { stdio: 'pipe' });
    const text = execFileSync('openssl', ['pkey', '-in', file, '-noout', '-text']).toString();
    const fields = opensslRsaFields(text);
    const hex = (f: string): string => Buffer.from(fields[f].length % 2 ? '0' + fields[f] : fields[f], 'hex').toString('base64url');
    const priv = rsaFromJwk({
      n: hex('modulus'), e: hex('publicExponent'), d: hex('privateExponent'), p: hex('prime1'), q: hex('prime2'),
      dp: hex('exponent1'), dq: hex('exponent2'), qi: hex('coefficient'),
    }, true);
    const nodePriv = createPrivateKey(execFileSync('openssl', ['pkey', '-in', file]));
    return { priv, pub: { kind: 'rsa', n: priv.n, e: priv.e, bits: priv.bits, pssOnly: true }, nodePriv, nodePub: createPublicKey(nodePriv) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ec = { 'P-256': ecKey('P-256'), 'P-384': ecKey('P-384'), 'P-521': ecKey('P-521') };
const ed25519 = edKey('ed25519');
const ed448 = edKey('ed448');
const rsa = rsaKey();
const rsaPss = rsaPssOnlyKey();
const curveOrder: Record<Curve, bigint> = { 'P-256': p256.Point.Fn.ORDER, 'P-384': p384.Point.Fn.ORDER, 'P-521': p521.Point.Fn.ORDER };

// ---- minimal DER helpers for building test signatures by hand

function derInt(v: bigint): number[] {
  let hex = v.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const bytes = [...Buffer.from(hex, 'hex')];
  if (bytes[0] & 0x80) bytes.unshift(0);
  return [2, bytes.length, ...bytes];
}
function derSeq(body: number[]): Uint8Array {
  return Uint8Array.from(body.length < 128 ? [0x30, body.length, ...body] : [0x30, 0x81, body.length, ...body]);
}
function ecdsaDer(r: bigint, s: bigint): Uint8Array {
  return derSeq([...derInt(r), ...derInt(s)]);
}
function p1363(sig: Uint8Array): { r: bigint; s: bigint } {
  const h = Buffer.from(sig).toString('hex');
  return { r: BigInt('0x' + h.slice(0, h.length / 2)), s: BigInt('0x' + h.slice(h.length / 2)) };
}

// ---- ECDSA, on noble and on the typed-array P-256 (p256.ts; other curves stay on noble there),
// and client-ecdhe's verification over points without noble's ECDSA objects (P-256 and P-384; P-521 on noble)

const pointsOnly: typeof verifySignature = (alg, key, m, sig) =>
  key.kind === 'ec' && key.curve === 'P-521' ? verifySignature(alg, key, m, sig) : verifyEcdsaP256P384(alg, key, m, sig);

const ecdsaImplementations: [string, typeof signMessage, typeof verifySignature][] = [
  ['', signMessage, verifySignature],
  ['typed-array P-256: ', signMessageFixed, verifySignatureFixed],
  ['points-only P-256/P-384 (client-ecdhe): ', signMessage, pointsOnly],
];

test('points-only ECDSA (client-ecdhe) verifies no P-521 key and no other algorithm', () => {
  const k = ec['P-521'];
  const sig = new Uint8Array(nodeSign('sha512', msg, { key: k.nodePriv, dsaEncoding: 'der' }));
  assert.ok(verifySignature({ type: 'ecdsa', hash: 'sha512' }, k.pub, msg, sig));
  assert.equal(verifyEcdsaP256P384({ type: 'ecdsa', hash: 'sha512' }, k.pub, msg, sig), false);
  const p256Sig = new Uint8Array(nodeSign('sha256', msg, { key: ec['P-256'].nodePriv, dsaEncoding: 'der' }));
  assert.equal(verifyEcdsaP256P384({ type: 'ecdsa', hash: null }, ec['P-256'].pub, msg, p256Sig), false);
});

for (const [label, sign, verify] of ecdsaImplementations) {
  test(label + 'ECDSA: node:crypto signatures verify, ours verify in node:crypto (every curve x hash)', () => {
    for (const curve of ['P-256', 'P-384', 'P-521'] as Curve[]) {
      const k = ec[curve];
      for (const hash of hashes) {
        const alg: SignatureAlgorithm = { type: 'ecdsa', hash };
        const theirs = new Uint8Array(nodeSign(hash, msg, { key: k.nodePriv, dsaEncoding: 'der' }));
        assert.ok(verify(alg, k.pub, msg, theirs), curve + ' ' + hash + ' node -> ours');
        const ours = sign(alg, k.priv, msg, random);
        assert.ok(nodeVerify(hash, msg, { key: k.nodePub, dsaEncoding: 'der' }, ours), curve + ' ' + hash + ' ours -> node');
        const m2 = msg.slice();
        m2[3] ^= 4;
        assert.equal(verify(alg, k.pub, m2, theirs), false, 'tampered message');
        const other = hashes[(hashes.indexOf(hash) + 1) % 3];
        assert.equal(verify({ type: 'ecdsa', hash: other }, k.pub, msg, theirs), false, 'wrong hash');
      }
    }
  });

  test(label + 'ECDSA: random bytes are mixed into the nonce', () => {
    const alg: SignatureAlgorithm = { type: 'ecdsa', hash: 'sha256' };
    const fixed = (d: Uint8Array): void => { d.fill(7); };
    const a = sign(alg, ec['P-256'].priv, msg, fixed);
    assert.deepEqual(sign(alg, ec['P-256'].priv, msg, fixed), a, 'same entropy, same signature');
    assert.notDeepEqual(sign(alg, ec['P-256'].priv, msg, random), a);
  });

  test(label + 'ECDSA: high-S signatures (as OpenSSL makes them) verify', () => {
    for (const curve of ['P-256', 'P-384', 'P-521'] as Curve[]) {
      const k = ec[curve];
      const n = curveOrder[curve];
      const { r, s } = p1363(new Uint8Array(nodeSign('sha384', msg, { key: k.nodePriv, dsaEncoding: 'ieee-p1363' })));
      const alg: SignatureAlgorithm = { type: 'ecdsa', hash: 'sha384' };
      for (const sv of [s, n - s]) {
        const der = ecdsaDer(r, sv);
        assert.ok(nodeVerify('sha384', msg, { key: k.nodePub, dsaEncoding: 'der' }, der), 'node accepts both');
        assert.ok(verify(alg, k.pub, msg, der), curve + (sv > n / 2n ? ' high-S' : ' low-S'));
      }
    }
  });

  test(label + 'ECDSA: malformed DER is rejected without throwing', () => {
    const k = ec['P-256'];
    const n = curveOrder['P-256'];
    const alg: SignatureAlgorithm = { type: 'ecdsa', hash: 'sha256' };
    const { r, s } = p1363(new Uint8Array(nodeSign('sha256', msg, { key: k.nodePriv, dsaEncoding: 'ieee-p1363' })));
    const good = ecdsaDer(r, s);
    assert.ok(verify(alg, k.pub, msg, good));
    const rb = derInt(r);
    const sb = derInt(s);
    const padded = (x: number[]): number[] => [2, x[1] + 1, 0, ...x.slice(2)]; // non-minimal leading zero
    const bad: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['trailing byte', Uint8Array.of(...good, 0)],
      ['truncated', good.subarray(0, good.length - 1)],
      ['raw r||s', new Uint8Array(nodeSign('sha256', msg, { key: k.nodePriv, dsaEncoding: 'ieee-p1363' }))],
      ['non-minimal r', derSeq([...padded(rb), ...sb])],
      ['non-minimal s', derSeq([...rb, ...padded(sb)])],
      ['long-form sequence length', Uint8Array.of(0x30, 0x81, good[1], ...good.subarray(2))],
      ['long-form integer length', derSeq([2, 0x81, rb[1], ...rb.slice(2), ...sb])],
      ['indefinite length', Uint8Array.of(0x30, 0x80, ...good.subarray(2), 0, 0)],
      ['sequence length too long', Uint8Array.of(0x30, good[1] + 1, ...good.subarray(2))],
      ['wrong outer tag', Uint8Array.of(0x31, ...good.subarray(1))],
      ['wrong integer tag', derSeq([3, ...rb.slice(1), ...sb])],
      ['negative r', derSeq([2, 1, 0x81, ...sb])],
      ['r = 0', ecdsaDer(0n, s)],
      ['empty integer', derSeq([2, 0, ...sb])],
      ['s = n', ecdsaDer(r, n)],
      ['r = n + r', ecdsaDer(n + r, s)],
      ['three integers', derSeq([...rb, ...sb, 2, 1, 1])],
      ['integer length past the end', derSeq([...rb, 2, 40, ...sb.slice(2)])],
    ];
    for (const [name, sig] of bad) assert.equal(verify(alg, k.pub, msg, sig), false, name);
    // Random mutations and truncations: strict DER has one encoding per (r, s), so none may verify.
    for (let i = 0; i < 3000; i++) {
      const m = good.slice(0, 1 + ((Math.random() * good.length) | 0));
      const flips = 1 + ((Math.random() * 3) | 0);
      for (let f = 0; f < flips; f++) m[(Math.random() * m.length) | 0] ^= 1 << ((Math.random() * 8) | 0);
      if (m.length === good.length && Buffer.from(m).equals(Buffer.from(good))) continue;
      assert.equal(verify(alg, k.pub, msg, m), false);
    }
    for (let i = 0; i < 500; i++) {
      const junk = new Uint8Array((Math.random() * 150) | 0);
      randomFillSync(junk);
      if (junk.length > 0 && Math.random() < 0.5) junk[0] = 0x30;
      assert.equal(verify(alg, k.pub, msg, junk), false);
    }
  });

  test(label + 'ECDSA: invalid public points do not verify and do not throw', () => {
    const k = ec['P-256'];
    const alg: SignatureAlgorithm = { type: 'ecdsa', hash: 'sha256' };
    const sig = new Uint8Array(nodeSign('sha256', msg, { key: k.nodePriv, dsaEncoding: 'der' }));
    const off = k.pub.kind === 'ec' ? k.pub.point.slice() : new Uint8Array(0);
    off[64] ^= 1;
    // The identity as (0, 0), and x = p (outside the field) with the key's y.
    const zero = new Uint8Array(65);
    zero[0] = 4;
    const big = off.slice();
    big.set(Buffer.from(p256.Point.Fp.ORDER.toString(16).padStart(64, '0'), 'hex'), 1);
    big.set(k.pub.kind === 'ec' ? k.pub.point.subarray(33) : [], 33);
    for (const point of [off, new Uint8Array(65), zero, big, Uint8Array.of(0), new Uint8Array(0), off.subarray(0, 40)]) {
      assert.equal(verify(alg, { kind: 'ec', curve: 'P-256', point }, msg, sig), false);
    }
    // The same key compressed verifies on noble's points (the typed-array P-256 takes uncompressed keys only).
    const point = k.pub.kind === 'ec' ? p256.Point.fromBytes(k.pub.point).toBytes(true) : new Uint8Array(0);
    assert.equal(verify(alg, { kind: 'ec', curve: 'P-256', point }, msg, sig), verify !== verifySignatureFixed);
  });
}

// ---- EdDSA

test('Ed25519 and Ed448: node:crypto signatures verify; ours are identical to node:crypto', () => {
  for (const [kind, k] of [['ed25519', ed25519], ['ed448', ed448]] as const) {
    const alg: SignatureAlgorithm = { type: kind, hash: null };
    for (const m of [new Uint8Array(0), msg]) {
      const theirs = new Uint8Array(nodeSign(null, m, k.nodePriv));
      assert.ok(verifySignature(alg, k.pub, m, theirs), kind);
      const ours = signMessage(alg, k.priv, m, random);
      assert.deepEqual(ours, theirs, kind + ' is deterministic');
      assert.ok(nodeVerify(null, m, k.nodePub, ours));
    }
    const sig = new Uint8Array(nodeSign(null, msg, k.nodePriv));
    const m2 = msg.slice();
    m2[0] ^= 1;
    assert.equal(verifySignature(alg, k.pub, m2, sig), false, 'tampered message');
    const s2 = sig.slice();
    s2[5] ^= 1;
    assert.equal(verifySignature(alg, k.pub, msg, s2), false, 'tampered signature');
    assert.equal(verifySignature(alg, k.pub, msg, sig.subarray(1)), false, 'short signature');
    assert.equal(verifySignature(alg, k.pub, msg, Uint8Array.of(...sig, 0)), false, 'long signature');
    assert.equal(verifySignature(alg, { kind, key: new Uint8Array(3) }, msg, sig), false, 'short key');
  }
});

// ---- RSA through the dispatcher

test('RSA-PSS and PKCS#1 through signMessage/verifySignature against node:crypto', () => {
  const pss = constants.RSA_PKCS1_PSS_PADDING;
  for (const hash of hashes) {
    const hLen = { sha256: 32, sha384: 48, sha512: 64 }[hash];
    const psAlg: SignatureAlgorithm = { type: 'rsa-pss', hash };
    const theirs = new Uint8Array(nodeSign(hash, msg, { key: rsa.nodePriv, padding: pss, saltLength: hLen }));
    assert.ok(verifySignature(psAlg, rsa.pub, msg, theirs));
    const ours = signMessage(psAlg, rsa.priv, msg, random);
    assert.ok(nodeVerify(hash, msg, { key: rsa.nodePub, padding: pss, saltLength: hLen }, ours));

    const p1Alg: SignatureAlgorithm = { type: 'rsa-pkcs1', hash };
    const p1 = new Uint8Array(nodeSign(hash, msg, rsa.nodePriv));
    assert.ok(verifySignature(p1Alg, rsa.pub, msg, p1));
    assert.deepEqual(signMessage(p1Alg, rsa.priv, msg, random), p1);
    assert.equal(verifySignature(psAlg, rsa.pub, msg, p1), false);
    assert.equal(verifySignature(p1Alg, rsa.pub, msg, ours), false);
  }
});

test('an RSASSA-PSS key signs PSS only and refuses PKCS#1', () => {
  const pss = constants.RSA_PKCS1_PSS_PADDING;
  const alg: SignatureAlgorithm = { type: 'rsa-pss', hash: 'sha256' };
  const ours = signMessage(alg, rsaPss.priv, msg, random);
  assert.ok(nodeVerify('sha256', msg, { key: rsaPss.nodePub, padding: pss, saltLength: 32 }, ours));
  const theirs = new Uint8Array(nodeSign('sha256', msg, { key: rsaPss.nodePriv, padding: pss, saltLength: 32 }));
  assert.ok(verifySignature(alg, rsaPss.pub, msg, theirs));
  const p1Alg: SignatureAlgorithm = { type: 'rsa-pkcs1', hash: 'sha256' };
  assert.equal(failureCode(() => signMessage(p1Alg, rsaPss.priv, msg, random)), ErrorCode.BAD_KEY);
  // A PKCS#1 signature made with the same numbers as a plain RSA key is refused for the PSS key.
  const plainNode = createPrivateKey({ key: rsaJwk(rsaPss.priv), format: 'jwk' });
  const p1 = new Uint8Array(nodeSign('sha256', msg, plainNode));
  assert.ok(nodeVerify('sha256', msg, createPublicKey(plainNode), p1));
  assert.ok(verifySignature(p1Alg, { ...(rsaPss.pub as Extract<PublicKey, { kind: 'rsa' }>), pssOnly: false }, msg, p1));
  assert.equal(verifySignature(p1Alg, rsaPss.pub, msg, p1), false);
});

test('key and algorithm mismatches: verify is false, sign fails with BAD_KEY', () => {
  const sig = new Uint8Array(nodeSign('sha256', msg, { key: ec['P-256'].nodePriv, dsaEncoding: 'der' }));
  const ecdsa: SignatureAlgorithm = { type: 'ecdsa', hash: 'sha256' };
  for (const key of [rsa.pub, ed25519.pub, ed448.pub]) assert.equal(verifySignature(ecdsa, key, msg, sig), false);
  assert.equal(verifySignature({ type: 'ecdsa', hash: null }, ec['P-256'].pub, msg, sig), false);
  assert.equal(verifySignature({ type: 'rsa-pss', hash: 'sha256' }, ec['P-256'].pub, msg, sig), false);
  assert.equal(verifySignature({ type: 'ed25519', hash: null }, ed448.pub, msg, new Uint8Array(64)), false);
  const cases: [SignatureAlgorithm, PrivateKey][] = [
    [ecdsa, rsa.priv], [ecdsa, ed25519.priv], [{ type: 'rsa-pss', hash: 'sha256' }, ec['P-384'].priv],
    [{ type: 'rsa-pkcs1', hash: 'sha256' }, ed448.priv], [{ type: 'ed25519', hash: null }, ed448.priv],
    [{ type: 'ed448', hash: null }, ed25519.priv], [{ type: 'ecdsa', hash: null }, ec['P-256'].priv],
    [ecdsa, { ...ec['P-256'].priv, d: new Uint8Array(31) } as PrivateKey],
    [ecdsa, { ...ec['P-256'].priv, d: new Uint8Array(32) } as PrivateKey], // d = 0
  ];
  for (const [alg, key] of cases) assert.equal(failureCode(() => signMessage(alg, key, msg, random)), ErrorCode.BAD_KEY, alg.type + '/' + key.kind);
});

// ---- TLS SignatureScheme rules

test('schemeAlgorithm maps every TLS 1.3 scheme', () => {
  const S = SignatureScheme;
  const want: [number, SignatureAlgorithm][] = [
    [S.rsa_pkcs1_sha256, { type: 'rsa-pkcs1', hash: 'sha256' }], [S.rsa_pkcs1_sha384, { type: 'rsa-pkcs1', hash: 'sha384' }],
    [S.rsa_pkcs1_sha512, { type: 'rsa-pkcs1', hash: 'sha512' }], [S.ecdsa_secp256r1_sha256, { type: 'ecdsa', hash: 'sha256' }],
    [S.ecdsa_secp384r1_sha384, { type: 'ecdsa', hash: 'sha384' }], [S.ecdsa_secp521r1_sha512, { type: 'ecdsa', hash: 'sha512' }],
    [S.rsa_pss_rsae_sha256, { type: 'rsa-pss', hash: 'sha256' }], [S.rsa_pss_rsae_sha384, { type: 'rsa-pss', hash: 'sha384' }],
    [S.rsa_pss_rsae_sha512, { type: 'rsa-pss', hash: 'sha512' }], [S.rsa_pss_pss_sha256, { type: 'rsa-pss', hash: 'sha256' }],
    [S.rsa_pss_pss_sha384, { type: 'rsa-pss', hash: 'sha384' }], [S.rsa_pss_pss_sha512, { type: 'rsa-pss', hash: 'sha512' }],
    [S.ed25519, { type: 'ed25519', hash: null }], [S.ed448, { type: 'ed448', hash: null }],
  ];
  for (const [code, alg] of want) assert.deepEqual(schemeAlgorithm(code), alg, '0x' + code.toString(16));
  for (const code of [0, 0x0201, 0x0203, 0x0402, 0x0808 + 0x100, 0xffff]) assert.equal(schemeAlgorithm(code), null);
});

test('schemeMatchesKey and schemeAllowedInCertificateVerify follow RFC 8446 4.2.3', () => {
  const S = SignatureScheme;
  const keys: Record<string, PublicKey | PrivateKey> = {
    'P-256': ec['P-256'].pub, 'P-384': ec['P-384'].priv, 'P-521': ec['P-521'].pub,
    rsae: rsa.pub, pss: rsaPss.priv, ed25519: ed25519.pub, ed448: ed448.priv,
  };
  const fits: Record<number, string> = {
    [S.ecdsa_secp256r1_sha256]: 'P-256', [S.ecdsa_secp384r1_sha384]: 'P-384', [S.ecdsa_secp521r1_sha512]: 'P-521',
    [S.rsa_pss_rsae_sha256]: 'rsae', [S.rsa_pss_rsae_sha384]: 'rsae', [S.rsa_pss_rsae_sha512]: 'rsae',
    [S.rsa_pkcs1_sha256]: 'rsae', [S.rsa_pkcs1_sha384]: 'rsae', [S.rsa_pkcs1_sha512]: 'rsae',
    [S.rsa_pss_pss_sha256]: 'pss', [S.rsa_pss_pss_sha384]: 'pss', [S.rsa_pss_pss_sha512]: 'pss',
    [S.ed25519]: 'ed25519', [S.ed448]: 'ed448',
  };
  for (const code of Object.values(S)) {
    for (const name of Object.keys(keys)) {
      assert.equal(schemeMatchesKey(code, keys[name]), fits[code] === name, '0x' + code.toString(16) + ' with ' + name);
    }
    assert.equal(schemeAllowedInCertificateVerify(code), (code & 0xff) !== 0x01, '0x' + code.toString(16));
  }
  assert.equal(schemeMatchesKey(0x0203, keys['P-256']), false);
  assert.equal(schemeAllowedInCertificateVerify(0x0203), false);
  assert.equal(schemeAllowedInCertificateVerify(0x1234), false);
});

/** Verifies one of our signatures with node:crypto for the scheme's algorithm. */
function nodeVerifies(alg: SignatureAlgorithm, k: Pair<PrivateKey, PublicKey>, sig: Uint8Array): boolean {
  switch (alg.type) {
    case 'ecdsa': return nodeVerify(alg.hash, msg, { key: k.nodePub, dsaEncoding: 'der' }, sig);
    case 'rsa-pss': {
      const saltLength = { sha256: 32, sha384: 48, sha512: 64 }[alg.hash as HashName];
      return nodeVerify(alg.hash, msg, { key: k.nodePub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig);
    }
    default: return nodeVerify(null, msg, k.nodePub, sig);
  }
}

test('every CertificateVerify scheme signs with its key (checked by node:crypto)', () => {
  const S = SignatureScheme;
  const pairs: [number, Pair<PrivateKey, PublicKey>][] = [
    [S.ecdsa_secp256r1_sha256, ec['P-256']], [S.ecdsa_secp384r1_sha384, ec['P-384']], [S.ecdsa_secp521r1_sha512, ec['P-521']],
    [S.rsa_pss_rsae_sha256, rsa], [S.rsa_pss_rsae_sha384, rsa], [S.rsa_pss_rsae_sha512, rsa],
    [S.rsa_pss_pss_sha256, rsaPss], [S.rsa_pss_pss_sha384, rsaPss], [S.rsa_pss_pss_sha512, rsaPss],
    [S.ed25519, ed25519], [S.ed448, ed448],
  ];
  for (const [code, k] of pairs) {
    const alg = schemeAlgorithm(code) as SignatureAlgorithm;
    assert.ok(schemeMatchesKey(code, k.priv) && schemeMatchesKey(code, k.pub));
    const sig = signMessage(alg, k.priv, msg, random);
    assert.ok(nodeVerifies(alg, k, sig), '0x' + code.toString(16));
  }
});

test('signing never needs crypto.getRandomValues (a fresh process without it, as on XS)', () => {
  // noble probes the platform RNG once at load and falls back to unblinded
  // constant-time code without it; all our randomness comes from `random`.
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const jobs = [
    ...(['P-256', 'P-384', 'P-521'] as Curve[]).map((c) => ({ alg: { type: 'ecdsa', hash: 'sha384' }, k: ec[c] })),
    { alg: { type: 'ed25519', hash: null }, k: ed25519 },
    { alg: { type: 'ed448', hash: null }, k: ed448 },
  ];
  const input = JSON.stringify({
    msg: hex(msg),
    jobs: jobs.map(({ alg, k }) => {
      const key = k.priv as Record<string, unknown>;
      const enc: Record<string, unknown> = {};
      for (const f of Object.keys(key)) enc[f] = key[f] instanceof Uint8Array ? { hex: hex(key[f] as Uint8Array) } : key[f];
      return { alg, key: enc };
    }),
  });
  const script = `
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    const { readFileSync } = await import('node:fs');
    const { randomFillSync } = await import('node:crypto');
    const { signMessage } = await import(${JSON.stringify(new URL('../../core/crypto/signature.js', import.meta.url).href)});
    const un = (h) => new Uint8Array(Buffer.from(h, 'hex'));
    const { msg, jobs } = JSON.parse(readFileSync(0, 'utf8'));
    const out = jobs.map(({ alg, key }) => {
      for (const f of Object.keys(key)) if (key[f] && key[f].hex !== undefined) key[f] = un(key[f].hex);
      return Buffer.from(signMessage(alg, key, un(msg), (d) => randomFillSync(d))).toString('hex');
    });
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input });
  assert.equal(r.status, 0, r.stderr.toString());
  const sigs = (JSON.parse(r.stdout.toString()) as string[]).map((h) => Buffer.from(h, 'hex'));
  jobs.forEach(({ alg, k }, i) => {
    const ok = alg.type === 'ecdsa'
      ? nodeVerify('sha384', msg, { key: k.nodePub, dsaEncoding: 'der' }, sigs[i])
      : nodeVerify(null, msg, k.nodePub, sigs[i]);
    assert.ok(ok, alg.type + ' ' + (k.priv.kind === 'ec' ? k.priv.curve : ''));
  });
});
