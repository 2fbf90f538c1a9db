import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Alert, ErrorCode } from '../../core/errors.js';
import { Der, Tag, oid, oidToString } from '../../core/x509/der.js';
import { assertFails, openssl, tempDir } from './support.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));

/** DER made by openssl's ASN1_generate_nconf (independent encoder). */
function gen(spec: string): Uint8Array {
  const out = join(tempDir(), 'x.der');
  openssl(['asn1parse', '-genstr', spec, '-noout', '-out', out]);
  return new Uint8Array(readFileSync(out));
}

test('lengths: short and long form, minimal encoding, bounds', () => {
  const long = new Uint8Array(3 + 200).fill(0x41);
  long.set([0x04, 0x81, 200]);
  const d = new Der(long);
  assert.equal(d.octetString(long.length).length, 200);
  assert.equal(d.pos, long.length);
  const two = new Uint8Array(4 + 300);
  two.set([0x04, 0x82, 0x01, 0x2c]);
  assert.equal(new Der(two).octetString(two.length).length, 300);

  assertFails(() => new Der(hex('04 81 05 0102030405')).octetString(7), 'CERT_PARSE', Alert.bad_certificate); // non-minimal
  assertFails(() => new Der(hex('04 82 0080' + '00'.repeat(128))).octetString(132), 'CERT_PARSE');
  assertFails(() => new Der(hex('30 80 0000')).sequence(4), 'CERT_PARSE'); // indefinite
  assertFails(() => new Der(hex('04 05 0102')).octetString(4), 'CERT_PARSE'); // past the end
  assertFails(() => new Der(hex('04 84 7fffffff')).octetString(6), 'CERT_PARSE');
  assertFails(() => new Der(hex('1f 21 00')).skip(3), 'CERT_PARSE'); // multi-byte tag
  assertFails(() => new Der(hex('04')).skip(1), 'CERT_PARSE');
  assertFails(() => new Der(hex('02 01 00')).octetString(3), 'CERT_PARSE'); // wrong tag
  // The parent's end bounds the child even when the buffer is longer.
  const nested = hex('30 03 04 03 616263');
  const n = new Der(nested);
  const end = n.sequence(nested.length);
  assertFails(() => n.octetString(end), 'CERT_PARSE');
  // Key parsing reports BAD_KEY.
  assertFails(() => new Der(hex('30 80'), ErrorCode.BAD_KEY).sequence(2), 'BAD_KEY', Alert.internal_error);
});

test('INTEGER: minimal encoding, BigInt and small values against openssl', () => {
  for (const v of ['0', '127', '128', '255', '256', '65537', '2147483647']) {
    const der = gen('INTEGER:' + v);
    assert.equal(new Der(der).smallInt(der.length), Number(v));
  }
  const big = '0x' + 'c3'.repeat(256);
  const der = gen('INTEGER:' + big);
  assert.equal(new Der(der).bigint(der.length), BigInt(big));
  assertFails(() => new Der(gen('INTEGER:-5')).bigint(3), 'CERT_PARSE');
  assertFails(() => new Der(gen('INTEGER:2147483648')).smallInt(7), 'CERT_PARSE');
  assertFails(() => new Der(hex('02 02 0001')).integer(4), 'CERT_PARSE');
  assertFails(() => new Der(hex('02 02 ff80')).integer(4), 'CERT_PARSE');
  assertFails(() => new Der(hex('02 00')).integer(2), 'CERT_PARSE');
});

test('OIDs: constants and dotted form match openssl encodings', () => {
  for (const s of ['1.2.840.113549.1.1.11', '2.5.29.37.0', '1.3.101.112', '2.999.3', '1.3.6.1.4.1.311.60.2.1.3', '0.9.2342.19200300.100.1.25']) {
    const der = gen('OID:' + s);
    const d = new Der(der);
    const v = d.oid(der.length);
    assert.deepEqual(v, oid(s), s);
    assert.equal(oidToString(v), s);
  }
  assertFails(() => new Der(hex('06 02 2a 86')).oid(4), 'CERT_PARSE'); // unterminated arc
});

test('UTCTime and GeneralizedTime: strict formats, RFC 5280 century rule', () => {
  const cases: [string, number][] = [
    ['UTCTIME:491231235959Z', Date.UTC(2049, 11, 31, 23, 59, 59)],
    ['UTCTIME:500101000000Z', Date.UTC(1950, 0, 1)],
    ['UTCTIME:240229120000Z', Date.UTC(2024, 1, 29, 12)],
    ['GENTIME:20500101000000Z', Date.UTC(2050, 0, 1)],
    ['GENTIME:99991231235959Z', Date.UTC(9999, 11, 31, 23, 59, 59)],
    ['GENTIME:21000228000000Z', Date.UTC(2100, 1, 28)],
  ];
  for (const [spec, ms] of cases) {
    const der = gen(spec);
    assert.equal(new Der(der).time(der.length), ms, spec);
  }
  // openssl refuses to encode most of these, so they are built by hand: tag, length, ASCII.
  const bad: [number, string][] = [[Tag.UTCTime, '230229000000Z'], [Tag.UTCTime, '231301000000Z'], [Tag.UTCTime, '230101240000Z'],
    [Tag.UTCTime, '230101000060Z'], [Tag.UTCTime, '2301010000Z'], [Tag.UTCTime, '230101000000+0100'],
    [Tag.GeneralizedTime, '20230101000000.5Z'], [Tag.GeneralizedTime, '21000229000000Z'], [Tag.UTCTime, '23010100000aZ'],
    [Tag.GeneralizedTime, '230101000000Z'], [Tag.UTCTime, '20230101000000Z'], [Tag.UTCTime, '230100000000Z']];
  for (const [tag, text] of bad) {
    const der = new Uint8Array([tag, text.length, ...Buffer.from(text, 'latin1')]);
    assertFails(() => new Der(der).time(der.length), 'CERT_PARSE', Alert.bad_certificate);
  }
  assertFails(() => new Der(gen('INTEGER:1')).time(3), 'CERT_PARSE');
});

test('BIT STRING named bits (keyUsage), BOOLEAN, NULL, explicit tags', () => {
  assert.equal(new Der(hex('03 02 07 80')).bitFlags(4), 1); // digitalSignature
  assert.equal(new Der(hex('03 02 01 06')).bitFlags(4), (1 << 5) | (1 << 6)); // keyCertSign, cRLSign
  assert.equal(new Der(hex('03 03 07 00 80')).bitFlags(5), 1 << 8); // decipherOnly
  assertFails(() => new Der(hex('03 02 07 81')).bitFlags(4), 'CERT_PARSE'); // unused bit set
  assertFails(() => new Der(hex('03 02 08 00')).bitFlags(4), 'CERT_PARSE');
  assertFails(() => new Der(hex('03 02 01 00')).bitString(4), 'CERT_PARSE');
  assert.equal(new Der(hex('01 01 ff')).boolean(3), true);
  assert.equal(new Der(hex('01 01 00')).boolean(3), false);
  assertFails(() => new Der(hex('01 01 01')).boolean(3), 'CERT_PARSE');
  assertFails(() => new Der(hex('05 01 00')).null(3), 'CERT_PARSE');
  const d = new Der(hex('a0 03 02 01 02 04 00'));
  assert.equal(d.explicit(1, 7), -1);
  const e = d.explicit(0, 7);
  assert.equal(d.smallInt(e), 2);
  d.close(e);
  assert.equal(d.explicit(0, 7), -1);
  assert.equal(d.peek(7), Tag.OCTET_STRING);
  d.skip(7);
  assert.equal(d.peek(7), -1);
});

test('directory strings decode for messages', () => {
  for (const [spec, text] of [['FORMAT:UTF8,UTF8:Zürich ✓ 𝄞', 'Zürich ✓ 𝄞'], ['PRINTABLESTRING:microtls Test CA', 'microtls Test CA'],
    ['IA5STRING:a@b.c', 'a@b.c'], ['FORMAT:UTF8,BMPSTRING:Ωmega', 'Ωmega'], ['UNIVERSALSTRING:abc', 'abc']]) {
    const der = gen(spec);
    assert.equal(new Der(der).text(der.length), text, spec);
  }
  assert.equal(new Der(hex('0c 02 c3 28')).text(4), '\ufffd(');
  assertFails(() => new Der(hex('04 01 41')).text(3), 'CERT_PARSE');
});
