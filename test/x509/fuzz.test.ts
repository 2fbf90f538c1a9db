// Random mutations and truncations of real certificates, keys, CRLs and PEM text:
// the parsers and the validator may only ever throw TlsFailure, and must
// finish (each input is parsed in bounded time).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { verifySignature } from '../../core/crypto/signature.js';
import { TlsFailure } from '../../core/errors.js';
import { parseCertificate, type Certificate } from '../../core/x509/certificate.js';
import { verifyChain } from '../../core/x509/chain.js';
import { crlRevocation, findRevoked, parseCrl, type Crl } from '../../core/x509/crl.js';
import { matchesHostname } from '../../core/x509/name.js';
import { parsePrivateKey } from '../../core/x509/keys.js';
import { decodePem } from '../../core/x509/pem.js';
import { PKI, certDer, ensurePki, openssl, pkiText } from './support.js';
import { mutate, rng } from '../helpers/fuzz.js';

before(ensurePki);

function onlyTlsFailure(fn: () => void, what: string, seed: number): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof TlsFailure)) assert.fail(what + ' (seed ' + seed + ') threw ' + String((e as Error)?.stack ?? e));
    return false;
  }
}

test('mutated certificates: parse, name match and chain validation throw only TlsFailure', { timeout: 120000 }, () => {
  const anchors = [parseCertificate(certDer(join(PKI, 'ca.crt'))), parseCertificate(certDer(join(PKI, 'other-ca.crt')))];
  const intermediate = parseCertificate(certDer(join(PKI, 'intermediate.crt')));
  const sources = ['server-ecdsa', 'server-rsa', 'server-rsapss', 'server-ed448', 'server-otherca', 'intermediate', 'ca',
    'validation/nc-dns', 'validation/nc-dir', 'validation/nc-ip', 'validation/nc-email-bad'].map((n) => certDer(join(PKI, n + '.crt')));
  const verifier = { verify: verifySignature };
  let parsed = 0;
  let validated = 0;
  const start = Date.now();
  for (let seed = 1; seed <= 6000; seed++) {
    const r = rng(seed * 2654435761);
    const der = mutate(sources[seed % sources.length], r);
    let cert: Certificate | null = null;
    onlyTlsFailure(() => { cert = parseCertificate(der); }, 'parseCertificate', seed);
    if (!cert) continue;
    parsed++;
    const c: Certificate = cert;
    matchesHostname(c, 'localhost');
    matchesHostname(c, '127.0.0.1');
    if (validated < 400) {
      validated++;
      onlyTlsFailure(() => verifyChain([c, intermediate], anchors, { verifier, now: Date.now(), depth: 4, purpose: 'serverAuth', hostname: 'localhost' }), 'verifyChain', seed);
    }
  }
  assert.ok(parsed > 100, 'some mutants must parse, to reach the later stages (' + parsed + ')');
  assert.ok(Date.now() - start < 60000);
});

test('mutated CRLs: parse, revocation lookup and use in validation throw only TlsFailure, in bounded time', { timeout: 120000 }, () => {
  const der = (n: string) => new Uint8Array(openssl(['crl', '-in', join(PKI, 'validation', n), '-outform', 'DER']));
  const sources = [der('crl-int.crl'), der('root.crl'), der('crl-int-stale.crl')];
  const leaf = parseCertificate(certDer(join(PKI, 'validation', 'crl-leaf-revoked.crt')));
  const int = parseCertificate(certDer(join(PKI, 'validation', 'crl-int.crt')));
  const anchors = [parseCertificate(certDer(join(PKI, 'validation', 'root.crt')))];
  const verifier = { verify: verifySignature };
  let parsed = 0;
  let used = 0;
  const start = Date.now();
  for (let seed = 1; seed <= 6000; seed++) {
    const r = rng(seed * 1103515245 + 12345);
    const mutant = mutate(sources[seed % sources.length], r);
    let crl: Crl | null = null;
    onlyTlsFailure(() => { crl = parseCrl(mutant); }, 'parseCrl', seed);
    if (!crl) continue;
    parsed++;
    const c: Crl = crl;
    onlyTlsFailure(() => findRevoked(c, leaf.serial), 'findRevoked', seed);
    if (used < 400) {
      used++;
      onlyTlsFailure(() => verifyChain([leaf, int], anchors, { verifier, now: Date.now(), depth: 4, purpose: 'serverAuth', revocation: crlRevocation([c], Date.now(), false) }), 'verifyChain with a CRL', seed);
    }
  }
  assert.ok(parsed > 100, 'some mutants must parse, to reach the later stages (' + parsed + ')');
  assert.ok(Date.now() - start < 60000);
});

test('mutated private keys (PKCS#8, SEC1, PKCS#1 DER) throw only TlsFailure', { timeout: 120000 }, () => {
  const sources: Uint8Array[] = [];
  for (const n of ['server-ecdsa', 'server-ed25519', 'server-ed448', 'server-ecdsa384', 'server-rsa', 'server-rsapss']) {
    const pem = pkiText(n + '.key');
    sources.push(new Uint8Array(openssl(['pkey', '-outform', 'DER'], undefined, pem)));
    if (n === 'server-ecdsa') sources.push(new Uint8Array(openssl(['ec', '-outform', 'DER'], undefined, pem)));
    if (n === 'server-rsa') sources.push(new Uint8Array(openssl(['rsa', '-traditional', '-outform', 'DER'], undefined, pem)));
  }
  for (let seed = 1; seed <= 3000; seed++) {
    const r = rng(seed * 40503 + 7);
    onlyTlsFailure(() => parsePrivateKey(mutate(sources[seed % sources.length], r)), 'parsePrivateKey', seed);
  }
});

test('mutated PEM text throws only TlsFailure', () => {
  const text = Buffer.from(pkiText('server-ecdsa-chain.crt') + pkiText('server-ecdsa.key'));
  for (let seed = 1; seed <= 3000; seed++) {
    const r = rng(seed * 69069 + 1);
    const s = Buffer.from(mutate(new Uint8Array(text), r)).toString('latin1');
    onlyTlsFailure(() => {
      for (const der of decodePem(s, 'CERTIFICATE')) parseCertificate(der);
    }, 'decodePem', seed);
    onlyTlsFailure(() => parsePrivateKey(s), 'parsePrivateKey(pem)', seed);
  }
});
