import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { verifySignature } from '../../core/crypto/signature.js';
import type { Verifier } from '../../core/crypto/types.js';
import { Alert } from '../../core/errors.js';
import { parseCertificate, type Certificate } from '../../core/x509/certificate.js';
import { verifyChain, type ChainOptions } from '../../core/x509/chain.js';
import { readCertificates } from '../../core/x509/pem.js';
import { EC256, PKI, assertFails, certDer, ensurePki, makeCert, nodeVerifier, pkiText, tempDir } from './support.js';

const LEAF = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost';
const CA = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid';

/** Certificates made once for all tests: name -> parsed certificate. */
const made: Record<string, Certificate> = {};

function pki(name: string): Certificate {
  return parseCertificate(certDer(join(PKI, name + '.crt')));
}

before(() => {
  ensurePki();
  const dir = tempDir();
  const ca = join(PKI, 'ca');
  const mk = (name: string, ext: string, issuer?: string, sign?: string[]): void => {
    made[name] = parseCertificate(makeCert(dir, { name, key: EC256, subj: '/CN=' + name, ext, issuer, sign }));
  };
  mk('int-not-ca', 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign', ca);
  mk('leaf-under-not-ca', LEAF, 'int-not-ca');
  mk('int-no-bc', 'keyUsage=critical,keyCertSign', ca);
  mk('leaf-under-no-bc', LEAF, 'int-no-bc');
  mk('int-no-certsign', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature', ca);
  mk('leaf-under-no-certsign', LEAF, 'int-no-certsign');
  mk('int-client-only', CA + '\nextendedKeyUsage=clientAuth', ca);
  mk('leaf-under-client-only', LEAF, 'int-client-only');
  mk('int-critical', CA + '\n1.3.6.1.4.1.99999.7=critical,ASN1:NULL', ca);
  mk('leaf-under-critical', LEAF, 'int-critical');
  // The PKI's intermediate has pathlen:0, so a CA below it breaks the constraint.
  mk('sub-int', CA, join(PKI, 'intermediate'));
  mk('leaf-under-sub-int', LEAF, 'sub-int');
  mk('leaf-critical', LEAF + '\n1.3.6.1.4.1.99999.8=critical,ASN1:NULL', ca);
  mk('leaf-noncritical', LEAF + '\n1.3.6.1.4.1.99999.9=ASN1:NULL', ca);
  mk('leaf-keyenc', 'keyUsage=critical,keyEncipherment\nsubjectAltName=DNS:localhost', ca);
  mk('leaf-any-eku', 'extendedKeyUsage=anyExtendedKeyUsage\nsubjectAltName=DNS:localhost', ca);
  mk('self-signed', LEAF);
  mk('leaf-sha1', LEAF, join(PKI, 'other-ca'), ['-sha1']);
  mk('leaf-pss', LEAF, join(PKI, 'other-ca'), ['-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:48']);
  // A forger's CA with the real CA's name: a leaf without AKI finds it by name and fails the signature,
  // a leaf with its AKI matches no anchor's key id.
  made['fake-ca'] = parseCertificate(makeCert(dir, { name: 'fake-ca', key: EC256, subj: '/O=microtls/CN=microtls Test CA', ext: CA }));
  mk('forged-no-aki', 'subjectAltName=DNS:localhost\nauthorityKeyIdentifier=none\nsubjectKeyIdentifier=none', 'fake-ca');
  mk('forged-aki', LEAF + '\nauthorityKeyIdentifier=keyid', 'fake-ca');
  // A v1 root (no extensions at all) is accepted as an anchor.
  made['v1-root'] = parseCertificate(makeCert(dir, { name: 'v1-root', key: ['-algorithm', 'ed25519'], subj: '/CN=v1 root' }));
  mk('leaf-under-v1', LEAF, 'v1-root');
  // Two CAs that issued each other: the path never reaches an anchor.
  makeCert(dir, { name: 'loop-a0', key: EC256, subj: '/CN=loop a', ext: CA });
  made['loop-b'] = parseCertificate(makeCert(dir, { name: 'loop-b', key: EC256, subj: '/CN=loop b', ext: CA, issuer: 'loop-a0' }));
  made['loop-a'] = parseCertificate(makeCert(dir, { name: 'loop-a', key: 'loop-a0', subj: '/CN=loop a', ext: CA, issuer: 'loop-b' }));
  mk('leaf-loop', LEAF, 'loop-a');
  // Eight self-issued CAs with one key: each verifies every other, so paths are permutations.
  made['same-0'] = parseCertificate(makeCert(dir, { name: 'same-0', key: EC256, subj: '/CN=same', ext: CA }));
  for (let i = 1; i <= 8; i++) made['same-' + i] = parseCertificate(makeCert(dir, { name: 'same-' + i, key: 'same-0', subj: '/CN=same', ext: CA, issuer: 'same-0' }));
  mk('leaf-same', LEAF, 'same-0');
  made['same-bridge'] = parseCertificate(makeCert(dir, { name: 'same-bridge', key: EC256, subj: '/CN=same', ext: CA, issuer: ca }));
});

const verifiers: [string, Verifier][] = [['node:crypto', nodeVerifier], ['core verifySignature', { verify: verifySignature }]];

for (const [vname, verifier] of verifiers) {
  describe('verifyChain with ' + vname, () => {
    let anchors: Certificate[];
    const opts = (o: Partial<ChainOptions> = {}): ChainOptions =>
      ({ verifier, now: Date.now(), depth: 9, purpose: 'serverAuth', hostname: 'localhost', ...o });
    const chain = (file: string): Certificate[] => readCertificates(pkiText(file)).map(parseCertificate);

    before(() => {
      anchors = [pki('ca')];
    });

    test('valid paths: leaf + intermediate -> root, leaves of every key type, client certificates', () => {
      verifyChain(chain('server-ecdsa-chain.crt'), anchors, opts());
      verifyChain(chain('server-ecdsa-chain.crt'), anchors, opts({ hostname: '127.0.0.1' }));
      verifyChain(chain('server-ecdsa-chain.crt'), anchors, opts({ hostname: 'MicroTLS.test' }));
      for (const n of ['server-rsa', 'server-ed25519', 'server-ecdsa384', 'server-rsapss', 'server-ed448']) {
        verifyChain([pki(n)], anchors, opts());
      }
      for (const n of ['client-ecdsa', 'client-rsa', 'client-ed25519']) {
        verifyChain([pki(n)], anchors, opts({ purpose: 'clientAuth', hostname: undefined }));
      }
      // The root sent along, or the chain out of order, changes nothing.
      const [leaf, int] = chain('server-ecdsa-chain.crt');
      verifyChain([leaf, int, pki('ca')], anchors, opts());
      verifyChain([leaf, pki('ca'), pki('server-rsa'), int], anchors, opts());
      // An RSA anchor with PKCS#1 and PSS signatures.
      verifyChain([pki('server-otherca')], [pki('other-ca')], opts());
      verifyChain([made['leaf-pss']], [pki('other-ca')], opts());
      verifyChain([made['leaf-noncritical']], anchors, opts());
      verifyChain([made['leaf-any-eku']], anchors, opts());
      verifyChain([made['leaf-under-v1']], [made['v1-root']], opts());
      // A pinned self-signed certificate is its own anchor.
      verifyChain([made['self-signed']], [made['self-signed']], opts());
    });

    test('unknown issuer, bad or unsupported signatures', () => {
      assertFails(() => verifyChain([pki('server-otherca')], anchors, opts()), 'UNKNOWN_CA', Alert.unknown_ca);
      assertFails(() => verifyChain([pki('server-ecdsa')], anchors, opts()), 'UNKNOWN_CA', Alert.unknown_ca);
      assertFails(() => verifyChain([made['self-signed']], anchors, opts()), 'UNKNOWN_CA');
      assertFails(() => verifyChain(chain('server-ecdsa-chain.crt'), [pki('other-ca')], opts()), 'UNKNOWN_CA');
      assertFails(() => verifyChain([made['forged-aki']], anchors, opts()), 'UNKNOWN_CA');
      assertFails(() => verifyChain([made['forged-no-aki']], anchors, opts()), 'CERT_SIGNATURE', Alert.bad_certificate);
      const f = assertFails(() => verifyChain([made['leaf-sha1']], [pki('other-ca')], opts()), 'CERT_SIGNATURE');
      assert.match(f.message, /unsupported signature algorithm on "leaf-sha1"/);
      const der = certDer(join(PKI, 'server-rsa.crt')).slice();
      der[der.length - 2] ^= 0x01;
      assertFails(() => verifyChain([parseCertificate(der)], anchors, opts()), 'CERT_SIGNATURE');
      assertFails(() => verifyChain([], anchors, opts()), 'CERTIFICATE_REQUIRED');
    });

    test('validity dates use the injected clock; null skips them', () => {
      const e = assertFails(() => verifyChain([pki('server-expired')], anchors, opts()), 'CERT_EXPIRED', Alert.certificate_expired);
      assert.match(e.message, /"server-expired" expired 2021-01-01T00:00:00.000Z/);
      // Anchors are date-checked too: in 2020 the leaf was valid but the test CA did not exist yet.
      const early = assertFails(() => verifyChain([pki('server-expired')], anchors, opts({ now: Date.UTC(2020, 5, 1) })), 'CERT_NOT_YET_VALID');
      assert.match(early.message, /"microtls Test CA" is valid from/);
      verifyChain([pki('server-expired')], anchors, opts({ now: null }));
      const leaf = pki('server-rsa');
      assertFails(() => verifyChain([leaf], anchors, opts({ now: leaf.notBefore - 1000 })), 'CERT_NOT_YET_VALID', Alert.certificate_expired);
      assertFails(() => verifyChain([leaf], anchors, opts({ now: pki('ca').notAfter + 1 })), 'CERT_EXPIRED');
    });

    test('hostname mismatch', () => {
      for (const h of ['example.com', 'local.host', '127.0.0.2', '::1', 'test']) {
        const e = assertFails(() => verifyChain(chain('server-ecdsa-chain.crt'), anchors, opts({ hostname: h })), 'HOSTNAME_MISMATCH', Alert.bad_certificate);
        assert.match(e.message, /"server-ecdsa"/);
      }
    });

    test('depth: certificates below the anchor', () => {
      assertFails(() => verifyChain(chain('server-ecdsa-chain.crt'), anchors, opts({ depth: 1 })), 'CERT_CHAIN_TOO_LONG', Alert.bad_certificate);
      verifyChain(chain('server-ecdsa-chain.crt'), anchors, opts({ depth: 2 }));
      verifyChain([pki('server-rsa')], anchors, opts({ depth: 1 }));
      assertFails(() => verifyChain([pki('server-rsa')], anchors, opts({ depth: 0 })), 'CERT_CHAIN_TOO_LONG');
      // Mutually issued CAs that lead to no anchor by name: nothing is tried.
      const stats = { signatures: 0 };
      const loop = assertFails(() => verifyChain([made['leaf-loop'], made['loop-a'], made['loop-b']], anchors, opts({ stats })), 'UNKNOWN_CA');
      assert.match(loop.message, /issuer "loop a" of "leaf-loop" not found \(no certificate with that name leads to a trust anchor\)/);
      assert.equal(stats.signatures, 0);
      // Mutually verifying certificates, one of that name issued by the anchor: every step down costs a
      // verification, so the budget ends the search.
      const same = [made['leaf-same'], made['same-bridge']];
      for (let i = 0; i <= 8; i++) same.push(made['same-' + i]);
      const spent = { signatures: 0 };
      assertFails(() => verifyChain(same, anchors, opts({ stats: spent })), 'CHAIN_BUDGET_EXCEEDED');
      assert.equal(spent.signatures, 100);
    });

    test('CA constraints on intermediates: CA flag, keyCertSign, pathLen, EKU, critical extensions', () => {
      const e = assertFails(() => verifyChain([made['leaf-under-not-ca'], made['int-not-ca']], anchors, opts()), 'CERT_NOT_CA', Alert.bad_certificate);
      assert.match(e.message, /"int-not-ca" is not a CA/);
      assertFails(() => verifyChain([made['leaf-under-no-bc'], made['int-no-bc']], anchors, opts()), 'CERT_NOT_CA');
      assertFails(() => verifyChain([made['leaf-under-no-certsign'], made['int-no-certsign']], anchors, opts()), 'CERT_KEY_USAGE', Alert.unsupported_certificate);
      assertFails(() => verifyChain([made['leaf-under-sub-int'], made['sub-int'], pki('intermediate')], anchors, opts()), 'CERT_PATH_LEN', Alert.bad_certificate);
      assertFails(() => verifyChain([made['leaf-under-client-only'], made['int-client-only']], anchors, opts()), 'CERT_EXT_KEY_USAGE', Alert.unsupported_certificate);
      assertFails(() => verifyChain([made['leaf-under-critical'], made['int-critical']], anchors, opts()), 'CERT_UNKNOWN_CRITICAL_EXT', Alert.unsupported_certificate);
      // A pinned leaf certificate (CA:FALSE) cannot act as an anchor for others.
      assertFails(() => verifyChain([made['leaf-under-not-ca']], [made['int-not-ca']], opts()), 'CERT_NOT_CA');
    });

    test('leaf usage: EKU purpose, keyUsage, unknown critical extension', () => {
      const e = assertFails(() => verifyChain([pki('client-ecdsa')], anchors, opts({ hostname: undefined })), 'CERT_EXT_KEY_USAGE', Alert.unsupported_certificate);
      assert.match(e.message, /"client-ecdsa" not for serverAuth/);
      assertFails(() => verifyChain([pki('server-rsa')], anchors, opts({ purpose: 'clientAuth' })), 'CERT_EXT_KEY_USAGE');
      assertFails(() => verifyChain([made['leaf-keyenc']], anchors, opts()), 'CERT_KEY_USAGE', Alert.unsupported_certificate);
      const c = assertFails(() => verifyChain([made['leaf-critical']], anchors, opts()), 'CERT_UNKNOWN_CRITICAL_EXT', Alert.unsupported_certificate);
      assert.match(c.message, /1\.3\.6\.1\.4\.1\.99999\.8/);
    });
  });
}
