// Path validation rules on the chains of scripts/make-validation-pki.mjs:
// name constraints, the key-strength floor, the end-entity and CA profile,
// path building (alternatives, cycles, the signature budget) and CRLs.
// Every case runs with the node:crypto verifier (independent of core) and
// with core's own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { verifySignature } from '../../core/crypto/signature.js';
import type { Verifier } from '../../core/crypto/types.js';
import { Alert } from '../../core/errors.js';
import { parseCertificate, type Certificate } from '../../core/x509/certificate.js';
import { verifyChain, type ChainOptions } from '../../core/x509/chain.js';
import { crlRevocation, parseCrl, readCrls, type Crl } from '../../core/x509/crl.js';
import { readCertificates } from '../../core/x509/pem.js';
import { PKI, assertFails, certDer, ensurePki, nodeVerifier, openssl } from './support.js';

const V = join(PKI, 'validation');

function cert(name: string): Certificate {
  return parseCertificate(certDer(join(V, name + '.crt')));
}

/** NAME-chain.crt as the peer sends it (leaf first). */
function chain(name: string): Certificate[] {
  return readCertificates(readFileSync(join(V, name + '-chain.crt'), 'utf8')).map(parseCertificate);
}

function crl(name: string): Crl {
  return readCrls(readFileSync(join(V, name), 'utf8'))[0];
}

before(ensurePki);

const verifiers: [string, Verifier][] = [['node:crypto', nodeVerifier], ['core verifySignature', { verify: verifySignature }]];

for (const [vname, verifier] of verifiers) {
  describe('validation rules with ' + vname, () => {
    let anchors: Certificate[];
    before(() => {
      anchors = [cert('root')];
    });
    const opts = (o: Partial<ChainOptions> = {}): ChainOptions =>
      ({ verifier, now: Date.now(), depth: 9, purpose: 'serverAuth', hostname: 'localhost', ...o });
    const ok = (name: string, o: Partial<ChainOptions> = {}) => verifyChain(chain(name), anchors, opts(o));
    /** The revocation check over `crls`, at opts' clock. */
    const crlOpts = (crls: Crl[], required = false, now: number | null = Date.now()): Partial<ChainOptions> =>
      ({ now, revocation: crlRevocation(crls, now, required) });
    const fails = (name: string, code: string, message: RegExp, o: Partial<ChainOptions> = {}) => {
      const e = assertFails(() => verifyChain(chain(name), anchors, opts(o)), code);
      assert.match(e.message, message);
      return e;
    };

    test('name constraints: permitted and excluded dNSName, critical or not, and the CN of a leaf without SAN', () => {
      ok('nc-dns-ok', { hostname: 'www.example.com' });
      ok('nc-dns-ex-ok', { hostname: 'www.example.com' });
      const e = fails('nc-dns-bad', 'CERT_NAME_CONSTRAINTS', /DNS:evil\.test of "nc-dns-bad" is not in the permitted subtrees of "nc-dns"/, { hostname: 'evil.test' });
      assert.equal(e.alert, Alert.bad_certificate);
      fails('nc-dns-nc-bad', 'CERT_NAME_CONSTRAINTS', /DNS:evil\.test of "nc-dns-nc-bad" is not in the permitted subtrees of "nc-dns-nc"/, { hostname: 'evil.test' });
      fails('nc-dns-ex-bad', 'CERT_NAME_CONSTRAINTS', /DNS:a\.evil\.example\.com .* is in an excluded subtree of "nc-dns-ex"/, { hostname: 'a.evil.example.com' });
      fails('nc-dns-cn', 'CERT_NAME_CONSTRAINTS', /DNS:evil\.test of "evil\.test" is not in the permitted subtrees/, { hostname: 'evil.test' });
      // Without a hostname to match (a client certificate, say) the constraint still binds.
      fails('nc-dns-cn', 'CERT_NAME_CONSTRAINTS', /not in the permitted subtrees/, { hostname: undefined });
    });

    test('name constraints: iPAddress, rfc822Name, and a directoryName violated by an intermediate', () => {
      ok('nc-ip-ok', { hostname: '127.0.0.1' });
      fails('nc-ip-bad', 'CERT_NAME_CONSTRAINTS', /IP:10\.0\.0\.1 of "nc-ip-bad" is not in the permitted subtrees of "nc-ip"/, { hostname: '10.0.0.1' });
      fails('nc-ip-ex-bad', 'CERT_NAME_CONSTRAINTS', /IP:127\.0\.0\.1 of "nc-ip-ex-bad" is in an excluded subtree of "nc-ip-ex"/, { hostname: '127.0.0.1' });
      ok('nc-email-ok');
      fails('nc-email-bad', 'CERT_NAME_CONSTRAINTS', /email:bob@evil\.test of "nc-email-bad" is not in the permitted subtrees of "nc-email"/);
      fails('nc-dir-sub-leaf', 'CERT_NAME_CONSTRAINTS', /the subject of "nc-dir-sub" is not in the permitted subtrees of "nc-dir"/);
    });

    test('an alternate path behind a constrained one is found; the constrained one alone fails', () => {
      const stats = { signatures: 0 };
      const path = ok('alt-leaf', { stats });
      assert.deepEqual(path.map((c) => c.subjectCN), ['alt-leaf', 'alt-sub', 'microtls Validation Root']);
      assert.equal(path[1].nameConstraints, null, 'the unconstrained alt-sub was taken');
      // The constrained copy is rejected before any signature is spent on it.
      assert.equal(stats.signatures, 2);
      fails('alt-leaf-nc', 'CERT_NAME_CONSTRAINTS', /DNS:localhost of "alt-leaf" is in an excluded subtree of "alt-sub"/);
    });

    test('RSA keys: 2048 bits by default, 1024 with minRsaBits: 1024, never 512; a whole number of bytes', () => {
      for (const n of ['rsa1024-int-leaf', 'rsa1024-leaf']) {
        fails(n, 'CERT_WEAK_KEY', /has a 1024-bit RSA key; at least 2048 bits required \(minRsaBits: 1024 allows it\)/);
        ok(n, { minRsaBits: 1024 });
      }
      const rootAnchor = [cert('rsa1024-root')];
      assertFails(() => verifyChain(chain('rsa1024-root-leaf'), rootAnchor, opts()), 'CERT_WEAK_KEY', Alert.insufficient_security);
      verifyChain(chain('rsa1024-root-leaf'), rootAnchor, opts({ minRsaBits: 1024 }));
      for (const n of ['rsa512-int-leaf', 'rsa512-leaf']) {
        fails(n, 'CERT_WEAK_KEY', /has a 512-bit RSA key; at least 1024 bits required$/, { minRsaBits: 1024 });
      }
      assertFails(() => verifyChain(chain('rsa512-root-leaf'), [cert('rsa512-root')], opts({ minRsaBits: 1024 })), 'CERT_WEAK_KEY');
      fails('rsa2052-leaf', 'CERT_WEAK_KEY', /RSA modulus of 2052 bits, not a multiple of 8/);
    });

    test('EC keys only on the named curves P-256/384/521: explicit parameters and other curves do not parse', () => {
      assertFails(() => cert('ec-explicit-leaf'), 'CERT_UNSUPPORTED_KEY', Alert.unsupported_certificate);
      const k = assertFails(() => cert('ec-k256-leaf'), 'CERT_UNSUPPORTED_KEY');
      assert.match(k.message, /EC curve 1\.3\.132\.0\.10/);
    });

    test('end-entity profile: not a CA (cA=TRUE, keyCertSign), serial numbers, critical AKI, dNSName syntax', () => {
      fails('leaf-ca', 'CERT_CA_AS_LEAF', /"leaf-ca" has basicConstraints cA=TRUE/);
      fails('leaf-certsign', 'CERT_CA_AS_LEAF', /"leaf-certsign" has keyUsage keyCertSign/);
      fails('leaf-serial-negative', 'CERT_PROFILE', /negative serial number/);
      fails('leaf-serial-zero', 'CERT_PROFILE', /serial number 0/);
      fails('leaf-serial-long', 'CERT_PROFILE', /serial number longer than 20 octets/);
      fails('leaf-aki-critical', 'CERT_PROFILE', /critical authorityKeyIdentifier/);
      fails('leaf-underscore', 'CERT_PROFILE', /invalid dNSName "bad_name\.test"/);
      // A pinned certificate is its own anchor: the end-entity rules do not apply to it.
      const pinned = chain('leaf-ca');
      verifyChain(pinned, [pinned[0]], opts());
    });

    test('CA profile: basicConstraints critical, a subject', () => {
      fails('int-bc-noncritical-leaf', 'CERT_PROFILE', /"int-bc-noncritical" is a CA whose basicConstraints is not critical/);
      fails('int-empty-subject-leaf', 'CERT_PROFILE', /is a CA with an empty subject/);
    });

    test('30 same-subject intermediates leading nowhere: no signature is spent', () => {
      for (const depth of [9, 32]) {
        const stats = { signatures: 0 };
        fails('patho-leaf', 'UNKNOWN_CA', /issuer "Patho CA" of "patho-leaf" not found \(no certificate with that name leads to a trust anchor\)/, { depth, stats });
        assert.equal(stats.signatures, 0);
      }
    });

    test('the same 30 with a bridge to the root by name: the search stops at the signature budget', () => {
      for (const depth of [9, 32]) {
        const stats = { signatures: 0 };
        const e = fails('patho-bridged', 'CHAIN_BUDGET_EXCEEDED', /100 signature verifications spent on "patho-leaf"/, { depth, stats });
        assert.match(e.message, /deepest rejection: certificate signature failure: bad signature on "Patho CA" by "Patho CA"/);
        assert.equal(stats.signatures, 100);
      }
      const stats = { signatures: 0 };
      fails('patho-bridged', 'CHAIN_BUDGET_EXCEEDED', /^[^]*10 signature verifications/, { maxSignatures: 10, stats });
      assert.equal(stats.signatures, 10);
    });

    test('two CAs that issued each other: nothing spent, or with a bridge by name three signatures, each CA once on the path', () => {
      for (const depth of [9, 32]) {
        let stats = { signatures: 0 };
        fails('cycle-leaf', 'UNKNOWN_CA', /issuer "Cycle X" of "cycle-leaf" not found \(no certificate with that name leads to a trust anchor\)/, { depth, stats });
        assert.equal(stats.signatures, 0);
        stats = { signatures: 0 };
        // leaf <- X <- Y verify; the bridge's key does not sign X; Y's issuer X is already on the path.
        fails('cycle-bridged', 'UNKNOWN_CA', /issuer "Cycle X" of "Cycle Y" not found \(only certificates already on the path have that name\)/, { depth, stats });
        assert.equal(stats.signatures, 3);
      }
    });

    test('CRLs: revoked leaf and intermediate, stale CRL, crlRequired, a CRL that does not verify', () => {
      const crls = [crl('crl-int.crl'), crl('root.crl')];
      ok('crl-leaf', crlOpts(crls));
      ok('crl-leaf', crlOpts(crls, true));
      const r = fails('crl-leaf-revoked', 'CERT_REVOKED', /"crl-leaf-revoked" revoked .* \(keyCompromise\) by the CRL of "crl-int"/, crlOpts(crls));
      assert.equal(r.alert, Alert.certificate_revoked);
      fails('crl-int2-leaf', 'CERT_REVOKED', /"crl-int2" revoked .* by the CRL of "microtls Validation Root"/, crlOpts(crls));
      // Without the CRLs nothing is known; crlRequired says which issuer's CRL is missing.
      ok('crl-leaf-revoked');
      fails('crl-leaf', 'CRL_REQUIRED', /no CRL from "microtls Validation Root" for "crl-int"/, crlOpts([crl('crl-int.crl')], true));
      const stale = [crl('crl-int-stale.crl')];
      fails('crl-leaf', 'CRL_NOT_CURRENT', /the CRL of "crl-int" is valid 2020-01-01T00:00:00\.000Z \.\. 2021-01-01T00:00:00\.000Z/, crlOpts(stale));
      ok('crl-leaf', crlOpts(stale, false, null)); // a device without a clock cannot tell
      const der = new Uint8Array(openssl(['crl', '-in', join(V, 'crl-int.crl'), '-outform', 'DER']));
      der[der.length - 3] ^= 1; // inside the signature
      fails('crl-leaf', 'BAD_CRL', /the CRL of "crl-int" does not verify with its key/, crlOpts([parseCrl(der)]));
    });
  });
}
