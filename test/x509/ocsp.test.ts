// OCSP response checks against responses made by `openssl ocsp` from the
// test PKI's OCSP material (build/pki: the intermediate's ocsp-index.txt,
// ocsp-responder, server-revoked) and from certificates made here.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { verifySignature } from '../../core/crypto/signature.js';
import type { Verifier } from '../../core/crypto/types.js';
import { Alert, TlsFailure } from '../../core/errors.js';
import { parseCertificate, type Certificate } from '../../core/x509/certificate.js';
import { verifyChain } from '../../core/x509/chain.js';
import { checkOcspResponse, type OcspOptions } from '../../core/x509/ocsp.js';
import { readCertificates } from '../../core/x509/pem.js';
import { EC256, PKI, assertFails, certDer, ensurePki, makeCert, nodeVerifier, openssl, pkiText, tempDir } from './support.js';
import { rng } from '../helpers/fuzz.js';

const SKEW = 5 * 60 * 1000;
const DAY = 24 * 60 * 60 * 1000;
const BAD = 'BAD_OCSP_RESPONSE';
const BAD_ALERT = Alert.bad_certificate_status_response;
const LEAF = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost';
const RESPONDER = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning';

const noble: Verifier = { verify: verifySignature };
let dir: string;
let leaf: Certificate;
let revokedLeaf: Certificate;
let intermediate: Certificate;

function pki(name: string): Certificate {
  return parseCertificate(certDer(join(PKI, name + '.crt')));
}

function der(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(PKI, name)));
}

interface Respond {
  /** Certificate files asked about, in order. */
  certs: string[];
  /** Stem (path without .crt/.key) of the signer. */
  signer: string;
  /** Issuer the request names and the responder serves (default: the PKI's intermediate). */
  issuer?: string;
  index?: string;
  /** nextUpdate = thisUpdate + ndays; none without. */
  ndays?: number;
  /** Extra request options (a CertID digest such as '-sha256' goes before the -cert options). */
  request?: string[];
  /** Extra responder options (-resp_key_id, -resp_no_certs, -rmd ...). */
  response?: string[];
}

let made = 0;
/** A response made by `openssl ocsp` (request, then answer from the index), as documented in make-pki.mjs. */
function respond(r: Respond): Uint8Array {
  const n = ++made;
  const issuer = r.issuer ?? join(PKI, 'intermediate.crt');
  openssl(['ocsp', '-issuer', issuer, ...(r.request ?? []), ...r.certs.flatMap((c) => ['-cert', c]),
    ...(r.request?.includes('-nonce') ? [] : ['-no_nonce']), '-reqout', n + '.req'], dir);
  openssl(['ocsp', '-index', r.index ?? join(PKI, 'ocsp-index.txt'), '-CA', issuer, '-rsigner', r.signer + '.crt',
    '-rkey', r.signer + '.key', '-reqin', n + '.req', '-respout', n + '.der',
    ...(r.ndays ? ['-ndays', String(r.ndays)] : []), ...(r.response ?? [])], dir);
  return new Uint8Array(readFileSync(join(dir, n + '.der')));
}

/** Fields of `openssl ocsp -resp_text` for the first SingleResponse (independent of the code under test). */
function opensslFields(resp: Uint8Array): { status: string; serial: string; thisUpdate: number; nextUpdate: number | null; revoked: number | null; reason: string | null } {
  const file = join(dir, 'text-' + ++made + '.der');
  writeFileSync(file, resp);
  const text = openssl(['ocsp', '-respin', file, '-resp_text', '-noverify']).toString();
  const field = (name: string): string | null => text.match(new RegExp('^\\s*' + name + ': (.*)$', 'm'))?.[1].trim() ?? null;
  const date = (name: string): number | null => {
    const v = field(name);
    return v === null ? null : Date.parse(v);
  };
  return {
    status: field('Cert Status')!, serial: field('Serial Number')!, thisUpdate: date('This Update')!,
    nextUpdate: date('Next Update'), revoked: date('Revocation Time'), reason: field('Revocation Reason'),
  };
}

function serialHex(c: Certificate): string {
  return Buffer.from(c.serial).toString('hex').toUpperCase().replace(/^00/, '');
}

function opts(o: Partial<OcspOptions> = {}): OcspOptions {
  return { verifier: noble, now: Date.now(), ...o };
}

function check(resp: Uint8Array, o: Partial<OcspOptions> = {}, forLeaf = leaf, issuer = intermediate): void {
  checkOcspResponse(resp, forLeaf, issuer, opts(o));
}

function bad(resp: Uint8Array, detail: RegExp, o: Partial<OcspOptions> = {}, forLeaf = leaf, issuer = intermediate): void {
  const e = assertFails(() => check(resp, o, forLeaf, issuer), BAD, BAD_ALERT);
  assert.match(e.detail, detail);
}

const stem = (name: string): string => join(PKI, name);
const pkiCert = (name: string): string => join(PKI, name + '.crt');

before(() => {
  ensurePki();
  dir = tempDir();
  leaf = pki('server-ecdsa');
  revokedLeaf = pki('server-revoked');
  intermediate = pki('intermediate');
});

describe('OCSP responses made by make-pki', () => {
  test('the leaf\'s issuer comes from verifyChain\'s path (leaf, intermediate, anchor)', () => {
    const anchors = [pki('ca')];
    const chain = readCertificates(pkiText('server-ecdsa-chain.crt')).map(parseCertificate);
    const path = verifyChain(chain, anchors, { verifier: noble, now: Date.now(), depth: 4, purpose: 'serverAuth', hostname: 'localhost' });
    assert.deepEqual(path, [chain[0], chain[1], anchors[0]]);
    checkOcspResponse(der('ocsp-good.der'), path[0], path[1], opts());
    const direct = pki('server-rsa');
    assert.deepEqual(verifyChain([direct], anchors, { verifier: noble, now: Date.now(), depth: 4, purpose: 'serverAuth' }), [direct, anchors[0]]);
    const self = parseCertificate(makeCert(dir, { name: 'self', key: EC256, subj: '/CN=self', ext: LEAF }));
    assert.deepEqual(verifyChain([self], [self], { verifier: noble, now: Date.now(), depth: 4, purpose: 'serverAuth' }), [self]);
  });

  for (const [vname, verifier] of [['core verifySignature', noble], ['node:crypto', nodeVerifier]] as const) {
    test('good, signed by the issuer and by the delegated responder (' + vname + ')', () => {
      check(der('ocsp-good.der'), { verifier });
      check(der('ocsp-delegated.der'), { verifier });
    });
  }

  test('parsed fields agree with openssl -resp_text: serial, status and the validity window to the second', () => {
    for (const file of ['ocsp-good.der', 'ocsp-delegated.der']) {
      const f = opensslFields(der(file));
      assert.equal(f.status, 'good');
      assert.equal(f.serial, serialHex(leaf));
      assert.ok(f.nextUpdate !== null && f.nextUpdate - f.thisUpdate === 7 * DAY);
    }
    // The check accepts exactly [thisUpdate - skew, nextUpdate + skew]. (Not shown with ocsp-delegated.der:
    // its responder certificate was made in the same second, and is not valid before.)
    const resp = der('ocsp-good.der');
    const f = opensslFields(resp);
    check(resp, { now: f.thisUpdate - SKEW });
    bad(resp, /thisUpdate .* is in the future/, { now: f.thisUpdate - SKEW - 1000 });
    check(resp, { now: f.nextUpdate! + SKEW });
    bad(resp, /expired: nextUpdate/, { now: f.nextUpdate! + SKEW + 1000 });
    // Detail dates are the same instants openssl prints.
    const e = assertFails(() => check(resp, { now: f.nextUpdate! + DAY }), BAD);
    assert.ok(e.detail.includes(new Date(f.nextUpdate!).toISOString()), e.detail);
  });

  test('revoked: CERT_REVOKED / certificate_revoked with the revocation time and reason openssl shows', () => {
    const resp = der('ocsp-revoked.der');
    const f = opensslFields(resp);
    assert.equal(f.status, 'revoked');
    assert.equal(f.serial, serialHex(revokedLeaf));
    assert.ok(f.revoked !== null);
    const e = assertFails(() => check(resp, {}, revokedLeaf), 'CERT_REVOKED', Alert.certificate_revoked);
    assert.ok(e.detail.includes(new Date(f.revoked).toISOString()), e.detail);
    assert.ok(f.reason?.startsWith('keyCompromise') && e.detail.includes('keyCompromise'), e.detail);
    // Revocation is reported even from a response that is no longer fresh.
    assertFails(() => check(resp, { now: f.nextUpdate! + DAY }, revokedLeaf), 'CERT_REVOKED');
  });

  test('a response about another certificate, or checked against another issuer', () => {
    bad(der('ocsp-revoked.der'), /no response for "server-ecdsa"/);
    bad(der('ocsp-good.der'), /no response for "server-revoked"/, {}, revokedLeaf);
    bad(der('ocsp-good.der'), /no response/, {}, leaf, pki('ca'));
  });

  test('now === null skips the time checks', () => {
    const resp = der('ocsp-good.der');
    const f = opensslFields(resp);
    check(resp, { now: null });
    bad(resp, /expired/, { now: f.nextUpdate! + 30 * DAY });
  });
});

describe('OCSP responses made here', () => {
  before(() => {
    const int = stem('intermediate');
    makeCert(dir, { name: 'responder-no-eku', key: EC256, subj: '/CN=responder without EKU', ext: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature', issuer: int });
    makeCert(dir, { name: 'responder-any-eku', key: EC256, subj: '/CN=responder any EKU', ext: 'extendedKeyUsage=anyExtendedKeyUsage', issuer: int });
    makeCert(dir, { name: 'responder-rsa1024', key: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], subj: '/CN=responder rsa1024', ext: RESPONDER, issuer: int });
    makeCert(dir, { name: 'responder-no-digsig', key: EC256, subj: '/CN=responder keyEncipherment', ext: 'keyUsage=critical,keyEncipherment\nextendedKeyUsage=OCSPSigning', issuer: int });
    makeCert(dir, { name: 'responder-by-root', key: EC256, subj: '/CN=responder by root', ext: RESPONDER, issuer: stem('ca') });
    makeCert(dir, { name: 'responder-1day', key: EC256, subj: '/CN=short responder', ext: RESPONDER, issuer: int, days: 1 });
    makeCert(dir, { name: 'rogue', key: EC256, subj: '/CN=rogue responder', ext: RESPONDER });
    // The intermediate's name on another key.
    makeCert(dir, { name: 'fake-int', key: EC256, subj: '/O=microtls/CN=microtls Test Intermediate', ext: 'basicConstraints=critical,CA:TRUE' });
    makeCert(dir, { name: 'unlisted', key: EC256, subj: '/CN=unlisted', ext: LEAF, issuer: int });
  });

  test('CertID hashes SHA-1 (default), SHA-256, SHA-384, SHA-512; SHA-224 is not matched', () => {
    for (const md of ['-sha1', '-sha256', '-sha384', '-sha512']) {
      const resp = respond({ certs: [pkiCert('server-ecdsa')], signer: stem('intermediate'), ndays: 1, request: [md] });
      assert.match(openssl(['ocsp', '-respin', join(dir, made + '.der'), '-resp_text', '-noverify']).toString(), new RegExp('Hash Algorithm: ' + md.slice(1)));
      check(resp);
    }
    bad(respond({ certs: [pkiCert('server-ecdsa')], signer: stem('intermediate'), ndays: 1, request: ['-sha224'] }), /no response/);
  });

  test('responderID byKey, no certs, SHA-384 signature, a nonce, several SingleResponses', () => {
    check(respond({ certs: [pkiCert('server-ecdsa')], signer: stem('intermediate'), ndays: 1, response: ['-resp_key_id', '-resp_no_certs'] }));
    check(respond({ certs: [pkiCert('server-ecdsa')], signer: stem('ocsp-responder'), ndays: 1, response: ['-resp_key_id'] }));
    check(respond({ certs: [pkiCert('server-ecdsa')], signer: stem('intermediate'), ndays: 1, response: ['-rmd', 'sha384'] }));
    check(respond({ certs: [pkiCert('server-ecdsa')], signer: stem('intermediate'), ndays: 1, request: ['-nonce'] }));
    const both = respond({ certs: [pkiCert('server-revoked'), pkiCert('server-ecdsa')], signer: stem('ocsp-responder'), ndays: 1 });
    check(both);
    assertFails(() => check(both, {}, revokedLeaf), 'CERT_REVOKED');
  });

  test('RSA issuer (sha256WithRSAEncryption), status from a hand-written index', () => {
    const otherLeaf = pki('server-otherca');
    const index = join(dir, 'other-index.txt');
    writeFileSync(index, 'V\t491231235959Z\t\t' + serialHex(otherLeaf) + '\tunknown\t/CN=server-otherca\n');
    const resp = respond({ certs: [pkiCert('server-otherca')], signer: stem('other-ca'), issuer: pkiCert('other-ca'), index, ndays: 1 });
    check(resp, {}, otherLeaf, pki('other-ca'));
    check(resp, { verifier: nodeVerifier }, otherLeaf, pki('other-ca'));
    // Revoked without a reason.
    writeFileSync(index, 'R\t491231235959Z\t240102030405Z\t' + serialHex(otherLeaf) + '\tunknown\t/CN=server-otherca\n');
    const e = assertFails(() => check(respond({ certs: [pkiCert('server-otherca')], signer: stem('other-ca'), issuer: pkiCert('other-ca'), index, ndays: 1 }), {}, otherLeaf, pki('other-ca')), 'CERT_REVOKED');
    assert.match(e.detail, /revoked 2024-01-02T03:04:05\.000Z$/);
  });

  test('status unknown to the responder', () => {
    const unlisted = parseCertificate(certDer(join(dir, 'unlisted.crt')));
    const resp = respond({ certs: [join(dir, 'unlisted.crt')], signer: stem('intermediate'), ndays: 1 });
    assert.equal(opensslFields(resp).status, 'unknown');
    bad(resp, /unknown to the responder/, {}, unlisted);
  });

  test('signed by an unrelated key or an unfit delegated responder', () => {
    const cert = [pkiCert('server-ecdsa')];
    bad(respond({ certs: cert, signer: join(dir, 'rogue'), ndays: 1 }), /responder "rogue responder" is not signed by the issuer/);
    bad(respond({ certs: cert, signer: join(dir, 'rogue'), ndays: 1, response: ['-resp_no_certs'] }), /neither the issuer/);
    // Same name as the issuer: the issuer's own key is used, and fails.
    bad(respond({ certs: cert, signer: join(dir, 'fake-int'), ndays: 1 }), /bad signature by "microtls Test Intermediate"/);
    bad(respond({ certs: cert, signer: join(dir, 'fake-int'), ndays: 1, response: ['-resp_key_id'] }), /is not signed by the issuer/);
    bad(respond({ certs: cert, signer: join(dir, 'responder-no-eku'), ndays: 1 }), /lacks extended key usage OCSPSigning/);
    bad(respond({ certs: cert, signer: join(dir, 'responder-any-eku'), ndays: 1 }), /lacks extended key usage OCSPSigning/);
    bad(respond({ certs: cert, signer: join(dir, 'responder-no-digsig'), ndays: 1 }), /does not allow digitalSignature/);
    const weak = respond({ certs: cert, signer: join(dir, 'responder-rsa1024'), ndays: 1 });
    bad(weak, /responder "responder rsa1024" has a 1024-bit RSA key; at least 2048 bits required/);
    check(weak, { minRsaBits: 1024 });
    bad(respond({ certs: cert, signer: join(dir, 'responder-by-root'), ndays: 1 }), /is not signed by the issuer/);
    bad(respond({ certs: cert, signer: stem('ocsp-responder'), ndays: 1, response: ['-resp_no_certs'] }), /neither the issuer/);
  });

  test('delegated responder certificate validity is checked (unless now is null)', () => {
    const resp = respond({ certs: [pkiCert('server-ecdsa')], signer: join(dir, 'responder-1day'), ndays: 7 });
    check(resp);
    bad(resp, /responder "short responder" is valid/, { now: Date.now() + 2 * DAY });
    check(resp, { now: null });
  });

  test('without nextUpdate, thisUpdate must be within maxAgeMs (7 days by default)', () => {
    const resp = respond({ certs: [pkiCert('server-ecdsa')], signer: stem('intermediate') });
    const f = opensslFields(resp);
    assert.equal(f.nextUpdate, null);
    check(resp, { now: f.thisUpdate + 7 * DAY });
    bad(resp, /stale/, { now: f.thisUpdate + 7 * DAY + 1000 });
    check(resp, { now: f.thisUpdate + 3600000, maxAgeMs: 3600000 });
    bad(resp, /stale/, { now: f.thisUpdate + 3600001, maxAgeMs: 3600000 });
  });

  test('tampered signature or signed data', () => {
    const resp = respond({ certs: [pkiCert('server-ecdsa')], signer: stem('intermediate'), ndays: 1, response: ['-resp_no_certs'] });
    check(resp);
    const sig = resp.slice();
    sig[sig.length - 1] ^= 1; // the signature is the last element
    bad(sig, /bad signature/);
    const tbs = resp.slice();
    const at = Buffer.from(tbs).indexOf(Buffer.of(0x18, 15)); // producedAt, the first GeneralizedTime
    assert.ok(at > 0);
    tbs[at + 2 + 13] = tbs[at + 2 + 13] === 0x30 ? 0x31 : 0x30; // a digit of the seconds
    bad(tbs, /bad signature/);
  });

  test('hand-built and edited envelopes', () => {
    bad(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x03), /responseStatus tryLater/);
    bad(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x06), /responseStatus unauthorized/);
    bad(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00), /no responseBytes/);
    bad(new Uint8Array(0), /truncated/);
    const good = der('ocsp-good.der');
    bad(Uint8Array.from([...good, 0]), /trailing data/);
    // id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1) -> 1.3.6.1.5.5.7.48.1.2
    const basic = [0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];
    const at = Buffer.from(good).indexOf(Buffer.from(basic));
    assert.ok(at > 0);
    const other = good.slice();
    other[at + basic.length - 1] = 2;
    bad(other, /not id-pkix-ocsp-basic/);
  });
});


test('mutated responses: only TlsFailure is thrown, and only unread bytes may change unnoticed', { timeout: 120000 }, () => {
  const sources: [Uint8Array, Certificate][] = [
    [der('ocsp-good.der'), leaf], [der('ocsp-delegated.der'), leaf], [der('ocsp-revoked.der'), revokedLeaf],
  ];
  const counts: Record<string, number> = {};
  for (let seed = 1; seed <= 6000; seed++) {
    const r = rng(seed * 2654435761);
    const [src, forLeaf] = sources[seed % sources.length];
    let b = src.slice();
    for (let k = 1 + r(3); k > 0; k--) {
      const at = r(b.length || 1);
      switch (r(5)) {
        case 0: b[at] ^= 1 << r(8); break;
        case 1: b[at] = [0x00, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff, r(256)][r(8)]; break;
        case 2: b = b.slice(0, at); break;
        case 3: b = Uint8Array.from([...b.subarray(0, at), r(256), ...b.subarray(at)]); break;
        default: b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
      }
    }
    // A mutation can write the byte that was there already: that response is the original, not a mutant.
    if (b.length === src.length && b.every((x, i) => x === src[i])) continue;
    let outcome = 'accepted';
    try {
      checkOcspResponse(b, forLeaf, intermediate, opts());
    } catch (e) {
      if (!(e instanceof TlsFailure)) assert.fail('seed ' + seed + ' threw ' + String((e as Error)?.stack ?? e));
      outcome = e.name;
    }
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    // Only unsigned bytes the check does not read may change unnoticed: ocsp-good.der's copy of the issuer in certs.
    // (A byte set to the value it had is no mutation: with a freshly made PKI some seeds do that.)
    if (outcome === 'accepted' && !Buffer.from(b).equals(Buffer.from(src))) assert.equal(src, sources[0][0], 'seed ' + seed + ': a mutated response was accepted');
  }
  assert.ok(counts[BAD] > 5000, JSON.stringify(counts));
});
