import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { PublicKey, SignatureAlgorithm } from '../../core/crypto/types.js';
import { ExtKeyUsage, KeyUsage, parseCertificate, type Certificate } from '../../core/x509/certificate.js';
import { oidToString } from '../../core/x509/der.js';
import { EC256, PKI, assertFails, certDer, ensurePki, makeCert, nodeVerifier, openssl, tempDir } from './support.js';

before(ensurePki);

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const colonHex = (s: string): string => s.replace(/:/g, '');

function cn(dn: string | undefined): string {
  const line = (dn ?? '').split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : '';
}

/** The signature algorithm as `openssl x509 -text` names it. */
function opensslAlg(text: string): SignatureAlgorithm | null {
  const name = /Signature Algorithm: (\S+)/.exec(text)![1];
  const hash = (s: string): 'sha256' | 'sha384' | 'sha512' => s as 'sha256' | 'sha384' | 'sha512';
  let m = /^ecdsa-with-(SHA\d+)$/.exec(name);
  if (m) return { type: 'ecdsa', hash: hash(m[1].toLowerCase()) };
  m = /^(sha\d+)WithRSAEncryption$/.exec(name);
  if (m) return m[1] === 'sha1' ? null : { type: 'rsa-pkcs1', hash: hash(m[1]) };
  if (name === 'ED25519') return { type: 'ed25519', hash: null };
  if (name === 'ED448') return { type: 'ed448', hash: null };
  if (name === 'rsassaPss') {
    const h = /Hash Algorithm: (\S+)/.exec(text)![1];
    const mgf = /Mask Algorithm: mgf1 with (\S+)/.exec(text)![1];
    const salt = parseInt(/Salt Length: (?:0x)?([0-9A-Fa-f]+)/.exec(text)![1], 16);
    const len = { sha256: 32, sha384: 48, sha512: 64 }[h];
    return len && mgf === h && salt === len ? { type: 'rsa-pss', hash: hash(h) } : null;
  }
  throw new Error('unexpected algorithm ' + name);
}

const KU_NAMES: Record<string, number> = {
  'Digital Signature': KeyUsage.digitalSignature, 'Non Repudiation': KeyUsage.nonRepudiation,
  'Key Encipherment': KeyUsage.keyEncipherment, 'Data Encipherment': KeyUsage.dataEncipherment,
  'Key Agreement': KeyUsage.keyAgreement, 'Certificate Sign': KeyUsage.keyCertSign, 'CRL Sign': KeyUsage.cRLSign,
  'Encipher Only': KeyUsage.encipherOnly, 'Decipher Only': KeyUsage.decipherOnly,
};

/** DNS and IP entries of a SAN in node's notation, sorted (other name types are skipped by the parser). */
function sanEntries(c: Certificate): string[] | undefined {
  if (!c.hasSubjectAltName) return undefined;
  const parts = c.dnsNames.map((n) => 'DNS:' + Buffer.from(n).toString('latin1'));
  for (const ip of c.ipAddresses) {
    if (ip.length === 4) parts.push('IP Address:' + ip.join('.'));
    else {
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push(((ip[i] << 8) | ip[i + 1]).toString(16).toUpperCase());
      parts.push('IP Address:' + groups.join(':'));
    }
  }
  return parts.sort();
}

function nodeSanEntries(x: X509Certificate): string[] | undefined {
  return x.subjectAltName?.split(', ').filter((e) => e.startsWith('DNS:') || e.startsWith('IP Address:')).sort();
}

function keyMatchesNode(key: PublicKey, x: X509Certificate, der: Uint8Array): void {
  const type: string | undefined = x.publicKey.asymmetricKeyType; // @types/node 20 lacks 'rsa-pss'
  if (type === 'rsa-pss') {
    // node has no JWK for RSA-PSS keys: take the modulus from openssl.
    assert.ok(key.kind === 'rsa' && key.pssOnly);
    const modulus = openssl(['x509', '-inform', 'DER', '-noout', '-modulus'], undefined, der).toString().trim();
    assert.equal(modulus, 'Modulus=' + key.n.toString(16).toUpperCase());
    assert.equal(key.e, x.publicKey.asymmetricKeyDetails!.publicExponent);
    return;
  }
  const jwk = x.publicKey.export({ format: 'jwk' });
  const b64 = (v: Uint8Array | bigint): string => typeof v === 'bigint'
    ? Buffer.from(v.toString(16).padStart(2 * Math.ceil(v.toString(16).length / 2), '0'), 'hex').toString('base64url')
    : Buffer.from(v).toString('base64url');
  switch (key.kind) {
    case 'rsa':
      assert.equal(key.pssOnly, false);
      assert.equal(b64(key.n), jwk.n);
      assert.equal(b64(key.e), jwk.e);
      assert.equal(key.bits, x.publicKey.asymmetricKeyDetails!.modulusLength);
      break;
    case 'ec':
      assert.equal(key.curve, jwk.crv);
      assert.equal(b64(key.point), Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]).toString('base64url'));
      break;
    case 'ed25519':
    case 'ed448':
      assert.equal(x.publicKey.asymmetricKeyType, key.kind);
      assert.equal(b64(key.key), jwk.x);
      break;
  }
}

/** Compares every parsed field with node's X509Certificate and openssl's text output. */
function compare(der: Uint8Array, issuerDer: Uint8Array): Certificate {
  const c = parseCertificate(der);
  const x = new X509Certificate(der);
  const text = openssl(['x509', '-inform', 'DER', '-noout', '-text'], undefined, der).toString();
  const who = c.subjectCN;
  assert.equal(c.der, der);
  assert.equal(c.subjectCN, cn(x.subject), who);
  assert.equal(c.issuerCN, cn(x.issuer), who);
  assert.equal(c.notBefore, Date.parse(x.validFrom), who);
  assert.equal(c.notAfter, Date.parse(x.validTo), who);
  assert.equal(hexOf(c.serial).replace(/^(00)+(?=.)/, ''), x.serialNumber.replace(/^(00)+(?=.)/, ''), who);
  assert.deepEqual(new Uint8Array(x.publicKey.export({ type: 'spki', format: 'der' })), c.spki, who);
  keyMatchesNode(c.publicKey, x, der);
  assert.deepEqual(sanEntries(c), nodeSanEntries(x), who);
  assert.equal(c.ca === true, x.ca, who);
  assert.equal(c.version, /Version: (\d)/.exec(text) ? Number(/Version: (\d)/.exec(text)![1]) : 1);
  assert.deepEqual(c.signatureAlgorithm, opensslAlg(text), who);

  const eku = x.keyUsage; // node names the extended key usage OIDs "keyUsage"
  if (eku === undefined) assert.equal(c.extKeyUsage, null, who);
  else {
    let flags = 0;
    for (const o of eku) flags |= o === '1.3.6.1.5.5.7.3.1' ? ExtKeyUsage.serverAuth : o === '1.3.6.1.5.5.7.3.2' ? ExtKeyUsage.clientAuth : o === '2.5.29.37.0' ? ExtKeyUsage.any : 0;
    assert.equal(c.extKeyUsage, flags, who);
  }
  const ku = /X509v3 Key Usage:.*\n\s+(.*)/.exec(text);
  assert.equal(c.keyUsage, ku ? ku[1].split(', ').reduce((f, n) => f | KU_NAMES[n], 0) : null, who);
  const bc = /X509v3 Basic Constraints:.*\n\s+(.*)/.exec(text);
  assert.equal(c.pathLen, bc && /pathlen:(\d+)/.test(bc[1]) ? Number(/pathlen:(\d+)/.exec(bc[1])![1]) : null, who);
  const ski = /Subject Key Identifier: *\n\s+([0-9A-F:]+)/.exec(text);
  assert.equal(c.subjectKeyId && hexOf(c.subjectKeyId), ski ? colonHex(ski[1]) : null, who);
  const aki = /Authority Key Identifier: *\n\s+(?:keyid:)?([0-9A-F]{2}(?::[0-9A-F]{2})*)$/m.exec(text);
  assert.equal(c.authorityKeyId && hexOf(c.authorityKeyId), aki ? colonHex(aki[1]) : null, who);

  // The TBS view and signature verify under the issuer's key, like openssl's own check.
  const issuer = parseCertificate(issuerDer);
  assert.equal(x.verify(new X509Certificate(issuerDer).publicKey), true);
  assert.deepEqual(c.issuer, issuer.subject);
  if (c.signatureAlgorithm) assert.equal(nodeVerifier.verify(c.signatureAlgorithm, issuer.publicKey, c.tbs, c.signature), true, who);
  return c;
}

test('every certificate of the test PKI parses like node and openssl see it', () => {
  const der = (n: string): Uint8Array => certDer(join(PKI, n + '.crt'));
  const issuers: Record<string, string> = { ca: 'ca', intermediate: 'ca', 'other-ca': 'other-ca', 'server-ecdsa': 'intermediate', 'server-otherca': 'other-ca' };
  const names = ['ca', 'intermediate', 'other-ca', 'server-ecdsa', 'server-rsa', 'server-ed25519', 'server-ecdsa384', 'server-rsapss',
    'server-ed448', 'client-ecdsa', 'client-rsa', 'client-ed25519', 'server-expired', 'server-otherca'];
  for (const n of names) compare(der(n), der(issuers[n] ?? 'ca'));
  const leaf = parseCertificate(der('server-ecdsa'));
  assert.equal(leaf.hasSubjectAltName, true);
  assert.deepEqual(leaf.ipAddresses, [new Uint8Array([127, 0, 0, 1])]);
  assert.equal(parseCertificate(der('server-rsapss')).publicKey.kind, 'rsa');
  assert.equal(parseCertificate(der('server-expired')).notAfter, Date.UTC(2021, 0, 1));
  const root = parseCertificate(der('ca'));
  assert.deepEqual(root.issuer, root.subject);
  assert.equal(root.keyUsage, KeyUsage.keyCertSign | KeyUsage.cRLSign);
});

test('signature algorithms: RSA PKCS#1 and PSS, ECDSA over P-384/P-521, EdDSA; unsupported ones are null', () => {
  const dir = tempDir();
  const rsa = ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  const ca = 'basicConstraints=critical,CA:TRUE';
  const roots: Record<string, string[]> = {
    rsa, ec384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], ec521: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
    ed25519: ['-algorithm', 'ed25519'], ed448: ['-algorithm', 'ed448'],
  };
  const rootDer: Record<string, Uint8Array> = {};
  for (const [n, key] of Object.entries(roots)) rootDer[n] = makeCert(dir, { name: n, key, subj: '/CN=root ' + n, ext: ca });
  const pss = (md: string, salt: string, mgf = md): string[] =>
    ['-' + md, '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:' + salt, '-sigopt', 'rsa_mgf1_md:' + mgf];
  const cases: [string, string[], SignatureAlgorithm | null][] = [
    ['rsa', ['-sha384'], { type: 'rsa-pkcs1', hash: 'sha384' }],
    ['rsa', ['-sha512'], { type: 'rsa-pkcs1', hash: 'sha512' }],
    ['rsa', ['-sha1'], null],
    ['rsa', pss('sha256', '32'), { type: 'rsa-pss', hash: 'sha256' }],
    ['rsa', pss('sha384', '48'), { type: 'rsa-pss', hash: 'sha384' }],
    ['rsa', pss('sha512', '64'), { type: 'rsa-pss', hash: 'sha512' }],
    ['rsa', pss('sha256', '20'), null],
    ['rsa', pss('sha256', '32', 'sha384'), null],
    ['ec384', ['-sha384'], { type: 'ecdsa', hash: 'sha384' }],
    ['ec521', ['-sha512'], { type: 'ecdsa', hash: 'sha512' }],
    ['ed25519', [], { type: 'ed25519', hash: null }],
    ['ed448', [], { type: 'ed448', hash: null }],
  ];
  cases.forEach(([issuer, sign, alg], i) => {
    const der = makeCert(dir, { name: 'leaf' + i, key: EC256, subj: '/CN=leaf ' + i, issuer, sign, ext: 'keyUsage=digitalSignature' });
    const c = compare(der, rootDer[issuer]);
    assert.deepEqual(c.signatureAlgorithm, alg, sign.join(' '));
  });
});

test('v1 certificates, many SAN types, key ids, unknown and critical extensions', () => {
  const dir = tempDir();
  const v1 = makeCert(dir, { name: 'v1', key: ['-algorithm', 'ed25519'], subj: '/C=DE/O=Ünïcode Org/CN=v1 root' });
  const c1 = compare(v1, v1);
  assert.equal(c1.version, 1);
  assert.equal(c1.ca, null);
  assert.equal(c1.subjectCN, 'v1 root');

  const ext = ['subjectAltName=DNS:a.example, email:x@y.z, IP:10.1.2.3, URI:https://u.example/, IP:2001:db8::1, DNS:*.w.example, dirName:dn, otherName:1.2.3.4;UTF8:x',
    'basicConstraints=critical,CA:TRUE,pathlen:3', 'keyUsage=critical,keyCertSign,digitalSignature,decipherOnly,keyAgreement',
    'extendedKeyUsage=clientAuth,1.2.3.9', 'authorityKeyIdentifier=keyid,issuer', '1.2.3.4.5=ASN1:UTF8String:not critical',
    'nameConstraints=critical,permitted;DNS:example', '[dn]', 'CN=dir name'].join('\n');
  const der = makeCert(dir, { name: 'many', key: EC256, subj: '/CN=many', issuer: 'v1', ext });
  const c = compare(der, v1);
  assert.equal(c.dnsNames.length, 2);
  assert.equal(c.ipAddresses.length, 2);
  assert.equal(c.emails.length, 1);
  assert.equal(c.extKeyUsage, ExtKeyUsage.clientAuth);
  // nameConstraints is processed (so its criticality is fine): one permitted dNSName subtree.
  assert.equal(c.unknownCriticalExtension, null);
  assert.deepEqual(c.nameConstraints!.permitted.map((g) => [g.type, Buffer.from(g.value).toString()]), [[2, 'example']]);
  assert.equal(c.nameConstraints!.excluded.length, 0);

  const crit = makeCert(dir, { name: 'crit', key: EC256, subj: '/CN=crit', issuer: 'v1', ext: '1.3.6.1.4.1.99999.1=critical,ASN1:NULL\n1.3.6.1.4.1.99999.2=critical,ASN1:NULL' });
  assert.equal(oidToString(compare(crit, v1).unknownCriticalExtension!), '1.3.6.1.4.1.99999.1');
});

test('unsupported public keys fail with CERT_UNSUPPORTED_KEY, malformed certificates with CERT_PARSE', () => {
  const dir = tempDir();
  for (const [name, key] of [
    ['dsa', ['-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024']],
    ['brainpool', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP256r1']],
    ['k256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1']],
  ] as [string, string[]][]) {
    if (name === 'dsa') openssl(['genpkey', '-genparam', ...key, '-out', 'dsaparam.pem'], dir);
    const spec = name === 'dsa' ? ['-paramfile', 'dsaparam.pem'] : key;
    const der = makeCert(dir, { name, key: spec, subj: '/CN=' + name });
    assertFails(() => parseCertificate(der), 'CERT_UNSUPPORTED_KEY');
  }
  const good = certDer(join(PKI, 'server-ecdsa.crt'));
  const trailing = new Uint8Array(good.length + 1);
  trailing.set(good);
  assertFails(() => parseCertificate(trailing), 'CERT_PARSE');
  assertFails(() => parseCertificate(good.subarray(0, good.length - 1)), 'CERT_PARSE');
  assertFails(() => parseCertificate(new Uint8Array(0)), 'CERT_PARSE');
  // The outer signatureAlgorithm must equal the one inside the TBS: swap sha256 for sha384 in the outer one.
  const tampered = good.slice();
  const outer = Buffer.from(tampered).lastIndexOf(Buffer.from('06082a8648ce3d040302', 'hex'));
  tampered[outer + 9] = 3;
  assertFails(() => parseCertificate(tampered), 'CERT_PARSE');
});
