import assert from 'node:assert/strict';
import { createECDH, createPrivateKey, createPublicKey, randomBytes, type JsonWebKey } from 'node:crypto';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { PrivateKey, PublicKey } from '../../core/crypto/types.js';
import { Alert } from '../../core/errors.js';
import { parseCertificate } from '../../core/x509/certificate.js';
import { parsePrivateKey, parsePublicKey } from '../../core/x509/keys.js';
import { PKI, assertFails, certDer, ensurePki, openssl, pkiText } from './support.js';

/** DER tag-length-value (test-side encoder). */
function tlv(tag: number, content: ArrayLike<number> | ArrayLike<number>[]): Uint8Array {
  const parts = Array.isArray(content) && typeof content[0] !== 'number' ? (content as ArrayLike<number>[]) : [content as ArrayLike<number>];
  const body = Buffer.concat(parts.map((p) => Buffer.from(p as Uint8Array)));
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...len]), body]));
}

before(ensurePki);

const KEYS = ['ca', 'intermediate', 'other-ca', 'server-ecdsa', 'server-rsa', 'server-ed25519', 'server-ecdsa384', 'server-rsapss',
  'server-ed448', 'client-ecdsa', 'client-rsa', 'client-ed25519', 'server-expired', 'server-otherca'];

const b64 = (v: Uint8Array | bigint): string => {
  if (typeof v !== 'bigint') return Buffer.from(v).toString('base64url');
  const hex = v.toString(16);
  return Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex').toString('base64url');
};

/** Private-key fields from `openssl pkey -text` (node has no JWK for RSA-PSS keys). */
function opensslRsaFields(pem: string): Record<string, bigint> {
  const text = openssl(['pkey', '-noout', '-text'], undefined, pem).toString();
  const out: Record<string, bigint> = {};
  for (const m of text.matchAll(/^(\w+):\s*\n((?:\s+[0-9a-f:]+\n)+)/gm)) out[m[1]] = BigInt('0x' + m[2].replace(/[\s:]/g, ''));
  out.publicExponent = BigInt(/publicExponent: (\d+)/.exec(text)![1]);
  return out;
}

function assertMatches(key: PrivateKey, pem: string, who: string): void {
  if (key.kind === 'rsa' && key.pssOnly) {
    const f = opensslRsaFields(pem);
    assert.deepEqual([key.n, key.e, key.d, key.p, key.q, key.dp, key.dq, key.qi],
      [f.modulus, f.publicExponent, f.privateExponent, f.prime1, f.prime2, f.exponent1, f.exponent2, f.coefficient], who);
    return;
  }
  const jwk: JsonWebKey = createPrivateKey(pem).export({ format: 'jwk' });
  switch (key.kind) {
    case 'rsa':
      assert.deepEqual([key.n, key.e, key.d, key.p, key.q, key.dp, key.dq, key.qi].map(b64),
        [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi], who);
      assert.equal(key.bits, Buffer.from(jwk.n!, 'base64url').length * 8);
      break;
    case 'ec': {
      assert.equal(key.curve, jwk.crv, who);
      assert.equal(b64(key.d), jwk.d, who);
      const size = key.d.length;
      assert.equal(b64(key.point.subarray(1, 1 + size)), jwk.x, who);
      assert.equal(b64(key.point.subarray(1 + size)), jwk.y, who);
      assert.equal(key.point[0], 4);
      break;
    }
    case 'ed25519':
    case 'ed448':
      assert.equal(jwk.crv, key.kind === 'ed25519' ? 'Ed25519' : 'Ed448', who);
      assert.equal(b64(key.seed), jwk.d, who);
      assert.equal(b64(key.key), jwk.x, who);
      break;
  }
}

function assertPublicMatches(key: PublicKey, priv: PrivateKey, who: string): void {
  assert.equal(key.kind, priv.kind, who);
  if (key.kind === 'rsa' && priv.kind === 'rsa') assert.deepEqual([key.n, key.e, key.bits, key.pssOnly], [priv.n, priv.e, priv.bits, priv.pssOnly], who);
  if (key.kind === 'ec' && priv.kind === 'ec') assert.deepEqual([key.curve, key.point], [priv.curve, priv.point], who);
  if ((key.kind === 'ed25519' || key.kind === 'ed448') && (priv.kind === 'ed25519' || priv.kind === 'ed448')) assert.deepEqual(key.key, priv.key, who);
}

test('every test key in PKCS#8 PEM and DER, SEC1 and PKCS#1, PEM text or bytes', () => {
  for (const name of KEYS) {
    const pem = pkiText(name + '.key');
    const forms: [string, Uint8Array | string][] = [
      ['pkcs8 pem', pem],
      ['pkcs8 pem bytes', new Uint8Array(Buffer.from(pem))],
      ['pkcs8 der', new Uint8Array(openssl(['pkey', '-outform', 'DER'], undefined, pem))],
    ];
    const key0 = parsePrivateKey(pem);
    if (key0.kind === 'ec') {
      forms.push(['sec1 pem', openssl(['ec'], undefined, pem).toString()]);
      forms.push(['sec1 der', new Uint8Array(openssl(['ec', '-outform', 'DER'], undefined, pem))]);
      forms.push(['sec1 without public key', openssl(['ec', '-no_public'], undefined, pem).toString()]);
      forms.push(['pkcs8 without public key', openssl(['pkcs8', '-topk8', '-nocrypt'], undefined, openssl(['ec', '-no_public'], undefined, pem)).toString()]);
    }
    if (key0.kind === 'rsa' && !key0.pssOnly) {
      forms.push(['pkcs1 pem', openssl(['rsa', '-traditional'], undefined, pem).toString()]);
      forms.push(['pkcs1 der', new Uint8Array(openssl(['rsa', '-traditional', '-outform', 'DER'], undefined, pem))]);
    }
    for (const [form, input] of forms) {
      const key = parsePrivateKey(input);
      assertMatches(key, pem, name + ' ' + form);
    }
    // The same key as the certificate holds, and as parsePublicKey reads node's SPKI export.
    const cert = parseCertificate(certDer(join(PKI, name + '.crt')));
    assertPublicMatches(cert.publicKey, key0, name);
    const spki = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    assertPublicMatches(parsePublicKey(new Uint8Array(spki)), key0, name);
  }
});

test('P-521 keys, and SEC1 scalars shorter than the field size', () => {
  const pem = openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521']).toString();
  assertMatches(parsePrivateKey(pem), pem, 'p521');
  // A P-256 scalar with a leading zero byte, encoded without it and without the public key
  // (hand-built SEC1): the parser pads it and computes the point, checked against node's ECDH.
  const d = new Uint8Array(32);
  d.set(randomBytes(31), 1);
  d[1] |= 0x80;
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const der = tlv(0x30, [tlv(0x02, [1]), tlv(0x04, d.subarray(1)), tlv(0xa0, tlv(0x06, [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]))]);
  const short = parsePrivateKey(der);
  assert.ok(short.kind === 'ec');
  assert.deepEqual(short.d, d);
  assert.deepEqual(short.point, new Uint8Array(ecdh.getPublicKey()));
});

test('rejected: encrypted, explicit curve parameters, unknown algorithms, public keys, garbage', () => {
  const pem = pkiText('server-ecdsa.key');
  const enc = openssl(['pkey', '-aes256', '-passout', 'pass:x'], undefined, pem).toString();
  assertFails(() => parsePrivateKey(enc), 'BAD_KEY', Alert.internal_error);
  assertFails(() => parsePrivateKey(openssl(['ec', '-param_enc', 'explicit'], undefined, pem).toString()), 'BAD_KEY');
  assertFails(() => parsePrivateKey(openssl(['genpkey', '-algorithm', 'x25519']).toString()), 'BAD_KEY');
  assertFails(() => parsePrivateKey(openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1']).toString()), 'BAD_KEY');
  assertFails(() => parsePrivateKey(openssl(['pkey', '-pubout'], undefined, pem).toString()), 'BAD_KEY');
  assertFails(() => parsePrivateKey(pkiText('ca.crt')), 'BAD_KEY');
  assertFails(() => parsePrivateKey('hello'), 'BAD_KEY');
  const der = new Uint8Array(openssl(['pkey', '-outform', 'DER'], undefined, pem));
  assertFails(() => parsePrivateKey(der.subarray(0, der.length - 3)), 'BAD_KEY');
  const trailing = new Uint8Array(der.length + 1);
  trailing.set(der);
  assertFails(() => parsePrivateKey(trailing), 'BAD_KEY');
  // An RSA key whose p was altered no longer has n = p*q.
  const rsa = new Uint8Array(openssl(['rsa', '-traditional', '-outform', 'DER'], undefined, pkiText('server-rsa.key')));
  const broken = rsa.slice();
  broken[broken.length - 400] ^= 1;
  assertFails(() => parsePrivateKey(broken), 'BAD_KEY');
  // RSA moduli above 8192 bits are refused (too slow to verify on a device); even ones are invalid.
  const rsaSpki = (n: Uint8Array): Uint8Array => tlv(0x30, [
    tlv(0x30, [tlv(0x06, [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]), tlv(0x05, [])]),
    tlv(0x03, [0, ...tlv(0x30, [tlv(0x02, n), tlv(0x02, [1, 0, 1])])]),
  ]);
  const huge = new Uint8Array(1 + 1026).fill(0xff);
  huge[0] = 0;
  assertFails(() => parsePublicKey(rsaSpki(huge)), 'BAD_KEY');
  const even = new Uint8Array(257).fill(0xfe);
  even[0] = 0;
  assertFails(() => parsePublicKey(rsaSpki(even)), 'BAD_KEY');
  even[256] = 0xff;
  assert.equal((parsePublicKey(rsaSpki(even)) as { bits: number }).bits, 2048);
  assertFails(() => parsePublicKey(new Uint8Array([0x30, 0x03, 0x06, 0x01, 0x00])), 'BAD_KEY');
});
