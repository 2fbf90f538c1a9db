// The CRL parser (core/x509/crl.ts): fields against openssl's reading,
// PEM and DER input, and the CRL kinds it refuses. Unusual CRLs are built
// here with a small DER writer and signed with node:crypto by the
// validation PKI's crl-int, so each differs from a good one in one field.
import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { verifySignature } from '../../core/crypto/signature.js';
import { parseCertificate } from '../../core/x509/certificate.js';
import { verifyChain } from '../../core/x509/chain.js';
import { crlRevocation, findRevoked, parseCrl, readCrls } from '../../core/x509/crl.js';
import { readCertificates } from '../../core/x509/pem.js';
import { PKI, assertFails, certDer, ensurePki, openssl, tempDir } from './support.js';

const V = join(PKI, 'validation');
before(ensurePki);

// --- a minimal DER writer (definite lengths) ---
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
const seq = (...p: Uint8Array[]) => tlv(0x30, ...p);
const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');
const oidDer = (h: string) => tlv(0x06, hex(h));
const utc = (s: string) => tlv(0x17, Buffer.from(s));
const int = (h: string) => tlv(0x02, hex(h));
const ext = (oidHex: string, critical: boolean, value: Uint8Array) =>
  seq(oidDer(oidHex), ...(critical ? [hex('0101ff')] : []), tlv(0x04, value));

const ECDSA_SHA256 = seq(oidDer('2a8648ce3d040302'));
const OID_IDP = '551d1c';
const OID_DELTA = '551d1b';
const OID_CERT_ISSUER = '551d1d';
const OID_REASON = '551d15';

interface Fields {
  next?: boolean;
  thisUpdate?: string;
  nextUpdate?: string;
  entries?: Uint8Array[];
  extensions?: Uint8Array[];
}

/** A CRL by crl-int (name and key from the validation PKI), signed with node:crypto. */
function makeCrl(f: Fields = {}): Uint8Array {
  const issuerName = parseCertificate(certDer(join(V, 'crl-int.crt'))).subject;
  const tbs = seq(
    int('01'), ECDSA_SHA256, issuerName, utc(f.thisUpdate ?? '260101000000Z'),
    ...(f.next === false ? [] : [utc(f.nextUpdate ?? '370101000000Z')]),
    ...(f.entries ? [seq(...f.entries)] : []),
    ...(f.extensions ? [tlv(0xa0, seq(...f.extensions))] : []),
  );
  const key = createPrivateKey(readFileSync(join(V, 'crl-int.key')));
  const signature = sign('sha256', tbs, { key, dsaEncoding: 'der' });
  return seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), signature));
}

const entry = (serialHex: string, ...exts: Uint8Array[]) => seq(int(serialHex), utc('260102000000Z'), ...(exts.length ? [seq(...exts)] : []));

test('fields match openssl crl -text; PEM (several blocks) and DER read the same', () => {
  const pem = readFileSync(join(V, 'crl-int.crl'), 'utf8');
  const crl = readCrls(pem)[0];
  const text = openssl(['crl', '-in', join(V, 'crl-int.crl'), '-noout', '-text']).toString();
  const date = (label: string) => Date.parse(new RegExp(label + ': (.*GMT)').exec(text)![1]);
  assert.equal(crl.thisUpdate, date('Last Update'));
  assert.equal(crl.nextUpdate, date('Next Update'));
  assert.equal(crl.issuerCN, 'crl-int');
  assert.deepEqual(crl.issuer, parseCertificate(certDer(join(V, 'crl-int.crt'))).subject);
  assert.equal(crl.scope, 'all');
  const revoked = parseCertificate(certDer(join(V, 'crl-leaf-revoked.crt')));
  const serial = /Serial Number: ([0-9A-F]+)/.exec(text)![1];
  assert.equal(Buffer.from(revoked.serial).toString('hex').toUpperCase().replace(/^0+/, ''), serial.replace(/^0+/, ''));
  const hit = findRevoked(crl, revoked.serial)!;
  assert.equal(hit.reason, 1); // keyCompromise
  assert.equal(findRevoked(crl, parseCertificate(certDer(join(V, 'crl-leaf.crt'))).serial), null);
  const der = new Uint8Array(openssl(['crl', '-in', join(V, 'crl-int.crl'), '-outform', 'DER']));
  assert.deepEqual(readCrls(der)[0].tbs, crl.tbs);
  assert.equal(readCrls(pem + readFileSync(join(V, 'root.crl'), 'utf8')).length, 2);
  assertFails(() => readCrls(readFileSync(join(V, 'crl-int.crt'), 'utf8')), 'BAD_CRL');
});

test('hand-built CRLs: entries with reasons, an empty list, the scopes', () => {
  const c = parseCrl(makeCrl({ entries: [entry('05'), entry('0100', ext(OID_REASON, false, hex('0a0104')))] }));
  assert.deepEqual(findRevoked(c, hex('0100')), { date: Date.UTC(2026, 0, 2), reason: 4 });
  assert.equal(findRevoked(c, hex('05'))!.reason, -1);
  assert.equal(findRevoked(c, hex('06')), null);
  assert.equal(parseCrl(makeCrl()).revoked.length, 0);
  assert.equal(parseCrl(makeCrl({ extensions: [ext(OID_IDP, true, seq(hex('8101ff')))] })).scope, 'leaf');
  assert.equal(parseCrl(makeCrl({ extensions: [ext(OID_IDP, true, seq(hex('8201ff')))] })).scope, 'ca');
});

test('refused when loaded: no nextUpdate, indirect, delta, partitioned, some reasons, unknown critical extensions', () => {
  const refused: [string, Fields, RegExp][] = [
    ['no nextUpdate', { next: false }, /without nextUpdate/],
    ['nextUpdate first', { thisUpdate: '300101000000Z', nextUpdate: '290101000000Z' }, /nextUpdate before thisUpdate/],
    ['indirect', { extensions: [ext(OID_IDP, true, seq(hex('8401ff')))] }, /indirect CRLs are not supported/],
    ['entry issuer', { entries: [entry('05', ext(OID_CERT_ISSUER, true, seq()))] }, /critical CRL entry extension 2\.5\.29\.29/],
    ['delta', { extensions: [ext(OID_DELTA, true, int('01'))] }, /critical CRL extension 2\.5\.29\.27/],
    ['partitioned', { extensions: [ext(OID_IDP, true, seq(tlv(0xa0, tlv(0xa0, tlv(0x86, Buffer.from('http://x/'))))))] }, /partitioned CRL/],
    ['some reasons', { extensions: [ext(OID_IDP, true, seq(hex('83020640')))] }, /some revocation reasons/],
    ['both scopes', { extensions: [ext(OID_IDP, true, seq(hex('8101ff8201ff')))] }, /both onlyContainsUserCerts and onlyContainsCACerts/],
  ];
  for (const [what, f, message] of refused) {
    const e = assertFails(() => parseCrl(makeCrl(f)), 'BAD_CRL');
    assert.match(e.message, message, what);
  }
  const good = makeCrl();
  assertFails(() => parseCrl(Uint8Array.from([...good, 0])), 'BAD_CRL');
  assertFails(() => parseCrl(good.subarray(0, good.length - 1)), 'BAD_CRL');
});

test('scope: a CRL only for end-entities does not speak for an intermediate', () => {
  // root.crl revokes crl-int2; the same revocation under onlyContainsUserCerts does not apply to it.
  const dir = tempDir();
  writeFileSync(join(dir, 'o.cnf'), '[c]\ndatabase = index.txt\ndefault_md = sha256\n[idp]\nissuingDistributionPoint = critical, @idps\n[idps]\nonlyuser = TRUE\n');
  writeFileSync(join(dir, 'index.txt'), '');
  const base = ['ca', '-config', 'o.cnf', '-name', 'c', '-cert', join(V, 'root.crt'), '-keyfile', join(V, 'root.key')];
  openssl([...base, '-revoke', join(V, 'crl-int2.crt')], dir);
  openssl([...base, '-gencrl', '-crldays', '1', '-crlexts', 'idp', '-out', 'user.crl'], dir);
  const crl = readCrls(readFileSync(join(dir, 'user.crl'), 'utf8'))[0];
  assert.equal(crl.scope, 'leaf');
  const chain = readCertificates(readFileSync(join(V, 'crl-int2-leaf-chain.crt'), 'utf8')).map(parseCertificate);
  const anchors = [parseCertificate(certDer(join(V, 'root.crt')))];
  const opts = { verifier: { verify: verifySignature }, now: Date.now(), depth: 9, purpose: 'serverAuth' as const, hostname: 'localhost' };
  verifyChain(chain, anchors, { ...opts, revocation: crlRevocation([crl], opts.now, false) });
  assertFails(() => verifyChain(chain, anchors, { ...opts, revocation: crlRevocation([crl], opts.now, true) }), 'CRL_REQUIRED');
});
