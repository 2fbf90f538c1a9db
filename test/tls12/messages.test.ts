// TLS 1.2 message codecs (core/handshake/tls12/messages.ts): each message
// written and read back, the wire layout of the ones a peer sends us
// checked against the RFC structures written out by hand, and malformed
// input (truncated, trailing bytes, bad values) ending in the right error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writer } from '../../core/bytes/writer.js';
import { ErrorCode, TlsFailure } from '../../core/errors.js';
import {
  parseCertificate12, parseCertificateRequest12, parseCertificateStatus, parseEcdheClientKeyExchange, parseEcdheServerKeyExchange,
  parseEmpty, parseNewSessionTicket12, parsePskClientKeyExchange, parsePskServerKeyExchange, parseServerHelloExtensions12,
  writeCertificate12, writeCertificateRequest12, writeCertificateStatus, writeEcdheClientKeyExchange, writeEcdheServerKeyExchange,
  writeNewSessionTicket12, writePskClientKeyExchange, writePskServerKeyExchange, writeServerHello12,
} from '../../core/handshake/tls12/messages.js';
import { parseServerHello } from '../../core/handshake/messages.js';

const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The body of the one message write() writes (its 4-byte header checked and dropped). */
function body(type: number, write: (w: Writer) => void): Uint8Array {
  const w = new Writer(new Uint8Array(4096));
  write(w);
  const m = w.written(0);
  assert.equal(m[0], type);
  assert.equal((m[1] << 16) | (m[2] << 8) | m[3], m.length - 4);
  return m.slice(4);
}

function fails(code: number, f: () => unknown): void {
  assert.throws(f, (e: unknown) => e instanceof TlsFailure && e.code === code, 'expected ' + code);
}

test('ServerKeyExchange (ECDHE): RFC 8422 5.4 layout, the signed params, and refusals', () => {
  const point = unhex('04' + 'ab'.repeat(64));
  const b = body(12, (w) => writeEcdheServerKeyExchange(w, 0x17, point, 0x0403, unhex('3045' + '01'.repeat(69))));
  // curve_type named_curve(3), secp256r1, point<1..255>, then SignatureAndHashAlgorithm and signature<0..2^16-1>.
  assert.equal(hex(b.subarray(0, 5)), '03001741' + '04');
  const ske = parseEcdheServerKeyExchange(b);
  assert.deepEqual([ske.group, ske.scheme, hex(ske.point), ske.signature.length], [0x17, 0x0403, hex(point), 71]);
  assert.equal(hex(ske.params), hex(b.subarray(0, 4 + 65)));
  fails(ErrorCode.ILLEGAL_PARAMETER, () => parseEcdheServerKeyExchange(unhex('01 0017 01 04 0403 0001 00'))); // explicit_prime curve
  fails(ErrorCode.DECODE_ERROR, () => parseEcdheServerKeyExchange(b.subarray(0, b.length - 1)));
  fails(ErrorCode.DECODE_ERROR, () => parseEcdheServerKeyExchange(unhex(hex(b) + '00')));
  fails(ErrorCode.DECODE_ERROR, () => parseEcdheServerKeyExchange(unhex('03 0017 00 0403 0001 00'))); // empty point
});

test('ClientKeyExchange (ECDHE and PSK) and the PSK ServerKeyExchange', () => {
  const point = unhex('11'.repeat(32));
  const e = body(16, (w) => writeEcdheClientKeyExchange(w, point));
  assert.equal(hex(e), '20' + '11'.repeat(32));
  assert.equal(hex(parseEcdheClientKeyExchange(e)), hex(point));
  const p = body(16, (w) => writePskClientKeyExchange(w, unhex('6964')));
  assert.equal(hex(p), '00026964');
  assert.equal(hex(parsePskClientKeyExchange(p)), '6964');
  fails(ErrorCode.DECODE_ERROR, () => parsePskClientKeyExchange(unhex('0000')));
  fails(ErrorCode.DECODE_ERROR, () => parseEcdheClientKeyExchange(unhex('00')));
  assert.equal(hex(parsePskServerKeyExchange(body(12, (w) => writePskServerKeyExchange(w, unhex('68696e74'))))), '68696e74');
  fails(ErrorCode.DECODE_ERROR, () => parsePskServerKeyExchange(unhex('0005 6869')));
});

test('Certificate (no context, no per-certificate extensions) and CertificateStatus', () => {
  const chain = [unhex('3003020101'), unhex('3003020102')];
  const b = body(11, (w) => writeCertificate12(w, chain));
  assert.equal(hex(b), '000010' + '000005' + '3003020101' + '000005' + '3003020102');
  assert.deepEqual(parseCertificate12(b, 10).map(hex), chain.map(hex));
  assert.deepEqual(parseCertificate12(unhex('000000'), 10), []);
  fails(ErrorCode.CERT_CHAIN_TOO_LONG, () => parseCertificate12(b, 1));
  fails(ErrorCode.DECODE_ERROR, () => parseCertificate12(unhex('000003000000'), 10)); // an empty ASN.1Cert
  fails(ErrorCode.DECODE_ERROR, () => parseCertificate12(unhex('000010000005'), 10)); // list longer than the message
  const ocsp = unhex('300301020a');
  assert.equal(hex(parseCertificateStatus(body(22, (w) => writeCertificateStatus(w, ocsp)))), hex(ocsp));
  fails(ErrorCode.DECODE_ERROR, () => parseCertificateStatus(unhex('02 000001 00')));
});

test('CertificateRequest: types, signature algorithms, authorities (an empty list allowed)', () => {
  const cr = { certificateTypes: unhex('0140'), schemes: [0x0403, 0x0804], authorities: [unhex('3000')] };
  const b = body(13, (w) => writeCertificateRequest12(w, cr));
  assert.equal(hex(b), '020140' + '000404030804' + '0004' + '00023000');
  const back = parseCertificateRequest12(b);
  assert.deepEqual([hex(back.certificateTypes), back.schemes, back.authorities.map(hex)], ['0140', [0x0403, 0x0804], ['3000']]);
  assert.deepEqual(parseCertificateRequest12(unhex('0140 00020403 0000')).authorities, []);
  fails(ErrorCode.DECODE_ERROR, () => parseCertificateRequest12(unhex('00 00020403 0000')));
  fails(ErrorCode.DECODE_ERROR, () => parseCertificateRequest12(unhex('0140 0003 040300 0000'))); // odd-length algorithms
  fails(ErrorCode.DECODE_ERROR, () => parseCertificateRequest12(unhex('0140 00020403 00020000')));
});

test('NewSessionTicket (RFC 5077 3.3), ServerHelloDone and HelloRequest', () => {
  const t = { lifetimeHint: 7200, ticket: unhex('aabbcc') };
  const b = body(4, (w) => writeNewSessionTicket12(w, t));
  assert.equal(hex(b), '00001c20' + '0003aabbcc');
  assert.deepEqual(parseNewSessionTicket12(b), { lifetimeHint: 7200, ticket: unhex('aabbcc') });
  assert.equal(parseNewSessionTicket12(unhex('00000000 0000')).ticket.length, 0);
  fails(ErrorCode.DECODE_ERROR, () => parseNewSessionTicket12(unhex('00000000 0003aabb')));
  parseEmpty(new Uint8Array(0), 'ServerHelloDone');
  fails(ErrorCode.DECODE_ERROR, () => parseEmpty(unhex('00'), 'ServerHelloDone'));
});

test('TLS 1.2 ServerHello extensions: what we offered, consistent values, nothing else', () => {
  const w = new Writer(new Uint8Array(512));
  writeServerHello12(w, new Uint8Array(32).fill(7), unhex('0102'), 0xc02b, {
    renegotiationInfo: new Uint8Array(0), extendedMasterSecret: true, sessionTicket: true, ecPointFormats: unhex('00'),
    alpn: unhex('6832'), serverNameAck: true, statusRequest: true, maxFragmentLength: 1024, recordSizeLimit: 512,
  });
  const sh = parseServerHello(w.written(0).subarray(4));
  assert.equal(sh.ext.supportedVersion, undefined);
  assert.ok(sh.tls12Extensions);
  const all = () => true;
  const ext = parseServerHelloExtensions12(sh.tls12Extensions, all);
  assert.deepEqual(
    [ext.renegotiationInfo?.length, ext.extendedMasterSecret, ext.sessionTicket, hex(ext.ecPointFormats!), hex(ext.alpn!), ext.serverNameAck,
      ext.statusRequest, ext.maxFragmentLength, ext.recordSizeLimit],
    [0, true, true, '00', '6832', true, true, 1024, 512]);
  fails(ErrorCode.UNSUPPORTED_EXTENSION, () => parseServerHelloExtensions12(sh.tls12Extensions!, (t) => t !== 35));
  // Extensions TLS 1.2 servers never send back (supported_groups here), and point formats without uncompressed.
  fails(ErrorCode.UNSUPPORTED_EXTENSION, () => parseServerHelloExtensions12(unhex('0006 000a 0002 0017'), all));
  fails(ErrorCode.ILLEGAL_PARAMETER, () => parseServerHelloExtensions12(unhex('0006 000b 0002 0101'), all));
  fails(ErrorCode.DECODE_ERROR, () => parseServerHelloExtensions12(unhex('0005 0017 0001 00'), all)); // EMS not empty
  fails(ErrorCode.ILLEGAL_PARAMETER, () => parseServerHelloExtensions12(unhex('0008 0017 0000 0017 0000'), all)); // duplicate
  fails(ErrorCode.DECODE_ERROR, () => parseServerHelloExtensions12(unhex('0006 ff01 0002 0500'), all)); // renegotiated_connection overruns
});
