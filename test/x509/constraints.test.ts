// Name constraint matching (core/x509/constraints.ts) on hand-made names:
// the subtree forms of RFC 5280 4.2.1.10 and the wildcard and CN rules.
// (Whole chains made by openssl are in validation.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Certificate, GeneralName } from '../../core/x509/certificate.js';
import { checkNameConstraints } from '../../core/x509/constraints.js';
import { isDnsName } from '../../core/x509/name.js';
import { assertFails } from './support.js';

const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const dns = (s: string): GeneralName => ({ type: 2, value: ascii(s) });
const mail = (s: string): GeneralName => ({ type: 1, value: ascii(s) });
const ip = (...b: number[]): GeneralName => ({ type: 7, value: Uint8Array.from(b) });

function ca(permitted: GeneralName[], excluded: GeneralName[] = []): Certificate {
  return { nameConstraints: { permitted, excluded } } as unknown as Certificate;
}

function leaf(o: { dns?: string[]; ip?: number[][]; email?: string[]; cn?: string; noSan?: boolean }): Certificate {
  return {
    dnsNames: (o.dns ?? []).map(ascii), ipAddresses: (o.ip ?? []).map((b) => Uint8Array.from(b)), emails: (o.email ?? []).map(ascii),
    subject: Uint8Array.of(0x30, 0), subjectCN: o.cn ?? '', hasSubjectAltName: !o.noSan,
  } as unknown as Certificate;
}

const passes = (c: Certificate, l: Certificate, isLeaf = true) => checkNameConstraints(c, 'CA', l, 'leaf', isLeaf);
const violates = (c: Certificate, l: Certificate, isLeaf = true) => assertFails(() => passes(c, l, isLeaf), 'CERT_NAME_CONSTRAINTS');

test('dNSName subtrees: the name itself and below, ".name" only below, "" everything, case-insensitive', () => {
  passes(ca([dns('example.com')]), leaf({ dns: ['example.com', 'a.b.EXAMPLE.com', '*.example.com'] }));
  violates(ca([dns('example.com')]), leaf({ dns: ['example.com', 'badexample.com'] }));
  passes(ca([dns('.example.com')]), leaf({ dns: ['a.example.com'] }));
  violates(ca([dns('.example.com')]), leaf({ dns: ['example.com'] }));
  passes(ca([dns('')]), leaf({ dns: ['anything.test'] }));
  violates(ca([], [dns('')]), leaf({ dns: ['anything.test'] }));
  // Only constrained types are bound: an IP-only leaf passes DNS constraints.
  passes(ca([dns('example.com')]), leaf({ ip: [[10, 0, 0, 1]] }));
});

test('a wildcard name hits an excluded subtree one label below its base', () => {
  violates(ca([], [dns('secret.example.com')]), leaf({ dns: ['*.example.com'] }));
  passes(ca([], [dns('a.secret.example.com')]), leaf({ dns: ['*.example.com'] }));
  violates(ca([], [dns('example.com')]), leaf({ dns: ['*.example.com'] }));
});

test('iPAddress subtrees by family and mask; rfc822Name mailbox, host and domain forms', () => {
  passes(ca([ip(10, 0, 0, 0, 255, 0, 0, 0)]), leaf({ ip: [[10, 9, 8, 7]] }));
  violates(ca([ip(10, 0, 0, 0, 255, 0, 0, 0)]), leaf({ ip: [[11, 0, 0, 1]] }));
  const v6 = [0x20, 1, 0x0d, 0xb8, ...new Array(12).fill(0)];
  const v6mask = [...new Array(4).fill(0xff), ...new Array(12).fill(0)];
  violates(ca([ip(10, 0, 0, 0, 255, 0, 0, 0)]), leaf({ ip: [v6] }), true); // no IPv6 subtree holds it
  passes(ca([ip(10, 0, 0, 0, 255, 0, 0, 0), ip(...v6, ...v6mask)]), leaf({ ip: [[0x20, 1, 0x0d, 0xb8, ...new Array(12).fill(7)]] }));
  passes(ca([mail('alice@example.com')]), leaf({ email: ['alice@EXAMPLE.com'] }));
  violates(ca([mail('alice@example.com')]), leaf({ email: ['Alice@example.com'] })); // the local part is case-sensitive
  passes(ca([mail('example.com')]), leaf({ email: ['bob@example.com'] }));
  violates(ca([mail('example.com')]), leaf({ email: ['bob@mail.example.com'] }));
  passes(ca([mail('.example.com')]), leaf({ email: ['bob@mail.example.com'] }));
  violates(ca([mail('.example.com')]), leaf({ email: ['bob@example.com'] }));
  violates(ca([], [mail('evil.test')]), leaf({ email: ['bob@EVIL.test'] }));
  passes(ca([], [mail('bob@evil.test')]), leaf({ email: ['alice@evil.test'] }));
  violates(ca([], [ip(127, 0, 0, 1, 255, 255, 255, 255)]), leaf({ ip: [[127, 0, 0, 1]] }));
});

test('the commonName of a leaf without SAN counts when it is a host name or an IP', () => {
  violates(ca([dns('example.com')]), leaf({ cn: 'evil.test', noSan: true }));
  violates(ca([ip(10, 0, 0, 0, 255, 0, 0, 0)]), leaf({ cn: '192.168.1.1', noSan: true }));
  passes(ca([dns('example.com')]), leaf({ cn: 'www.example.com', noSan: true }));
  passes(ca([dns('example.com')]), leaf({ cn: 'Device 42', noSan: true })); // not a host name
  passes(ca([dns('example.com')]), leaf({ cn: 'evil.test', noSan: true }), false); // a CA's CN is not a host name
  passes(ca([dns('example.com')]), leaf({ cn: 'evil.test' })); // with a SAN the CN is never used
});

test('dNSName syntax', () => {
  for (const ok of ['a', 'example.com', 'xn--bcher-kva.example', 'a-b.c0', '*.example.com', '123.example.com']) assert.ok(isDnsName(ascii(ok), true), ok);
  for (const bad of ['', 'bad_name.test', '1.2.3.4', 'example.123', '-a.com', 'a-.com', 'a..com', 'a.com.', '*', 'f*o.com', 'a.*.com', '*.', 'a b.com', 'x'.repeat(64) + '.com']) {
    assert.ok(!isDnsName(ascii(bad), true), bad);
  }
  assert.ok(!isDnsName(ascii('*.example.com'), false));
});
