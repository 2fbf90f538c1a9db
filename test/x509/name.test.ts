import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { parseCertificate } from '../../core/x509/certificate.js';
import { matchDnsName, matchesHostname, parseIp } from '../../core/x509/name.js';
import { EC256, PKI, certDer, ensurePki, makeCert, tempDir } from './support.js';

before(ensurePki);

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

test('dNSName matching (RFC 6125): case, trailing dots, wildcard rules', () => {
  const yes: [string, string][] = [
    ['example.com', 'example.com'], ['Example.COM', 'eXample.com'], ['example.com.', 'example.com'], ['example.com', 'example.com.'],
    ['*.example.com', 'a.example.com'], ['*.example.com', 'A-B.Example.Com'], ['*.example.com', 'xn--bcher-kva.example.com'],
    ['*.a.b', 'x.a.b'],
  ];
  const no: [string, string][] = [
    ['example.com', 'www.example.com'], ['www.example.com', 'example.com'], ['example.com', 'example.co'],
    ['*.example.com', 'example.com'], ['*.example.com', 'a.b.example.com'], ['*.example.com', '.example.com'],
    ['*.com', 'example.com'], ['*', 'localhost'], ['f*o.example.com', 'foo.example.com'], ['*o.example.com', 'foo.example.com'],
    ['a.*.example.com', 'a.b.example.com'], ['*.*.example.com', 'a.b.example.com'], ['**.example.com', 'a.example.com'],
    ['', ''], ['example.com', ''], ['*.example.com', 'a.example.org'], ['*example.com', 'aexample.com'],
  ];
  for (const [p, h] of yes) assert.equal(matchDnsName(bytes(p), h), true, p + ' ~ ' + h);
  for (const [p, h] of no) assert.equal(matchDnsName(bytes(p), h), false, p + ' !~ ' + h);
});

test('IP literals: RFC 4291/5952 forms, validity agrees with node:net', () => {
  const hex = (b: Uint8Array | null): string | null => (b ? Buffer.from(b).toString('hex') : null);
  const vectors: [string, string][] = [
    ['127.0.0.1', '7f000001'], ['0.0.0.0', '00000000'], ['255.255.255.255', 'ffffffff'],
    ['::1', '0'.repeat(31) + '1'], ['::', '0'.repeat(32)], ['[::1]', '0'.repeat(31) + '1'],
    ['2001:db8::8:800:200c:417a', '20010db8000000000008' + '0800200c417a'], ['FF01::101', 'ff01' + '0'.repeat(24) + '0101'],
    ['::ffff:192.0.2.128', '0'.repeat(20) + 'ffffc0000280'], ['2001:DB8:0:0:8:800:200C:417A', '20010db8000000000008' + '0800200c417a'],
    ['1::', '0001' + '0'.repeat(28)], ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
  ];
  for (const [text, want] of vectors) assert.equal(hex(parseIp(text)), want, text);
  const texts = ['1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.-4', '01.2.3.4', '1..2.3', ':::1', '1:2:3:4:5:6:7:8:9', '1::2::3',
    '12345::', 'g::1', '::1.2.3', '::1.2.3.4:5', '1:2:3:4:5:6:7:1.2.3.4', '1:2:3:4:5:6:1.2.3.4', 'localhost', '1.2.3.4 ', '',
    '::ffff:1.2.3.4', '1:2:3:4:5:6:7:8', '0.0.0.0', '10.0.0.255'];
  for (const t of texts) assert.equal(parseIp(t) !== null, isIP(t) !== 0, t);
  // Zone ids name a local interface; no certificate can hold one.
  assert.equal(parseIp('fe80::1%eth0'), null);
});

test('certificate names agree with node X509Certificate.checkHost/checkIP (no CN fallback, strict wildcards)', () => {
  const dir = tempDir();
  const ext = 'subjectAltName=DNS:*.example.com, DNS:exact.test, DNS:*.com, DNS:f*o.example.org, DNS:127.0.0.2, IP:10.0.0.1, IP:2001:db8::1, DNS:*.sub.example.net';
  const der = makeCert(dir, { name: 'names', key: EC256, subj: '/CN=cn.example', ext });
  const c = parseCertificate(der);
  const x = new X509Certificate(der);
  const strict = { subject: 'never' as const, wildcards: true, partialWildcards: false, multiLabelWildcards: false, singleLabelSubdomains: false };
  const hosts = ['a.example.com', 'A.EXAMPLE.COM', 'example.com', 'a.b.example.com', 'exact.test', 'Exact.Test', 'x.exact.test',
    'foo.example.org', 'fo.example.org', 'cn.example', 'anything.com', 'com', 'z.sub.example.net', 'sub.example.net', '127.0.0.2', '10.0.0.1',
    '2001:db8::1', '2001:0db8:0:0::1', '10.0.0.2', '::1'];
  for (const h of hosts) {
    const nodeSays = isIP(h) ? x.checkIP(h) !== undefined : x.checkHost(h, strict) !== undefined;
    assert.equal(matchesHostname(c, h), nodeSays, h);
  }
  // Our own rules on top: IP text never matches a dNSName, numeric last labels are not DNS names.
  assert.equal(matchesHostname(c, '127.0.0.2'), false);
  assert.equal(matchesHostname(c, '[2001:db8::1]'), true);
  assert.equal(matchesHostname(c, 'a.example.com.'), true);

  const noSan = parseCertificate(makeCert(dir, { name: 'nosan', key: EC256, subj: '/CN=localhost', ext: 'basicConstraints=CA:FALSE' }));
  assert.equal(matchesHostname(noSan, 'localhost'), false);

  const server = parseCertificate(certDer(join(PKI, 'server-ed25519.crt')));
  for (const h of ['localhost', 'microtls.test', '127.0.0.1', 'LOCALHOST']) assert.equal(matchesHostname(server, h), true, h);
  for (const h of ['127.0.0.2', 'example.com', '::1', 'localhost.localdomain']) assert.equal(matchesHostname(server, h), false, h);
});
