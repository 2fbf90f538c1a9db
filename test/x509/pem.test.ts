import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { Alert, ErrorCode } from '../../core/errors.js';
import { decodePem, encodePem, pemBlocks, pemText, readCertificates } from '../../core/x509/pem.js';
import { PKI, assertFails, certDer, ensurePki, openssl, pkiText } from './support.js';

before(ensurePki);

test('decodePem matches openssl DER output for every test certificate', () => {
  for (const name of ['ca', 'intermediate', 'server-ecdsa', 'server-rsa', 'server-ed448', 'other-ca']) {
    const blocks = decodePem(pkiText(name + '.crt'), 'CERTIFICATE');
    assert.equal(blocks.length, 1);
    assert.deepEqual(blocks[0], certDer(join(PKI, name + '.crt')), name);
  }
  const chain = decodePem(pkiText('server-ecdsa-chain.crt'), 'CERTIFICATE');
  assert.equal(chain.length, 2);
  assert.deepEqual(chain[1], certDer(join(PKI, 'intermediate.crt')));
});

test('base64 against Buffer for all lengths; encodePem lines match openssl', () => {
  for (let n = 0; n < 70; n++) {
    const data = new Uint8Array(randomBytes(n));
    const pem = encodePem(data, 'TEST');
    const body = Buffer.from(data).toString('base64');
    const lines = body.match(/.{1,64}/g) ?? [];
    assert.equal(pem, '-----BEGIN TEST-----\n' + lines.map((l) => l + '\n').join('') + '-----END TEST-----\n');
    assert.deepEqual(decodePem(pem, 'TEST')[0], data);
  }
  // openssl writes certificates in the same 64-column layout.
  const der = certDer(join(PKI, 'server-rsa.crt'));
  const fromOpenssl = openssl(['x509', '-inform', 'DER'], undefined, der).toString();
  assert.equal(encodePem(der, 'CERTIFICATE'), fromOpenssl);
});

test('CRLF, indentation and surrounding text are tolerated; labels select blocks', () => {
  const cert = pkiText('ca.crt');
  const key = pkiText('ca.key');
  const crlf = 'subject=whatever\r\n' + cert.replace(/\n/g, '\r\n').replace(/\r\n(?=[A-Za-z0-9+/])/g, '\r\n   ') + 'junk\n' + key;
  const certs = decodePem(crlf, 'CERTIFICATE');
  assert.equal(certs.length, 1);
  assert.deepEqual(certs[0], certDer(join(PKI, 'ca.crt')));
  assert.deepEqual(pemBlocks(crlf).map((b) => b.label), ['CERTIFICATE', 'PRIVATE KEY']);
  assert.equal(decodePem(crlf).length, 2);
  assert.equal(decodePem(crlf, 'X509 CRL').length, 0);
});

test('bad base64 and broken armour are rejected with the given code', () => {
  const wrap = (body: string): string => '-----BEGIN CERTIFICATE-----\n' + body + '\n-----END CERTIFICATE-----\n';
  for (const body of ['QUJD!', 'QUJ', 'QQ=', 'QQ===', 'QQ==QQ==', 'Q=Q=', 'QR==', 'QUI=' + 'x', 'Proc-Type: 4,ENCRYPTED', 'QUJDé']) {
    assertFails(() => decodePem(wrap(body)), 'CERT_PARSE', Alert.bad_certificate);
  }
  assertFails(() => decodePem('-----BEGIN CERTIFICATE-----\nQUJD\n-----END X509 CRL-----\n'), 'CERT_PARSE');
  assertFails(() => decodePem('-----BEGIN CERTIFICATE\nQUJD\n'), 'CERT_PARSE');
  assertFails(() => decodePem(wrap('QUJD!'), undefined, ErrorCode.BAD_KEY), 'BAD_KEY', Alert.internal_error);
  assert.deepEqual(decodePem(wrap(' Q U J D ')), [new Uint8Array([0x41, 0x42, 0x43])]);
});

test('readCertificates: PEM string, PEM bytes, DER', () => {
  const der = certDer(join(PKI, 'server-ecdsa.crt'));
  const chainText = pkiText('server-ecdsa-chain.crt');
  assert.deepEqual(readCertificates(chainText)[0], der);
  assert.equal(readCertificates(new Uint8Array(Buffer.from(chainText))).length, 2);
  const asDer = readCertificates(der);
  assert.equal(asDer.length, 1);
  assert.equal(asDer[0], der); // not copied
  assert.equal(pemText(der), null);
  assert.equal(pemText(new Uint8Array(Buffer.from('# comment\n' + chainText))), '# comment\n' + chainText);
  assertFails(() => readCertificates(pkiText('ca.key')), 'CERT_PARSE');
  assertFails(() => readCertificates(new Uint8Array([1, 2, 3])), 'CERT_PARSE');
});
