// Every message written and parsed back gives the same fields; the header
// carries the right type and length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiBytes } from '../../core/bytes/ascii.js';
import { Reader } from '../../core/bytes/reader.js';
import { Writer } from '../../core/bytes/writer.js';
import { ErrorCode, TlsFailure } from '../../core/errors.js';
import {
  HRR_RANDOM,
  parseCertificate,
  parseCertificateRequest,
  parseCertificateVerify,
  parseClientHello,
  parseEncryptedExtensions,
  parseEndOfEarlyData,
  parseFinished,
  parseKeyUpdate,
  parseNewSessionTicket,
  parseServerHello,
  readHandshake,
  writeCertificate,
  writeCertificateRequest,
  writeCertificateVerify,
  writeClientHello,
  writeEncryptedExtensions,
  writeEndOfEarlyData,
  writeFinished,
  writeKeyUpdate,
  writeMessageHash,
  writeNewSessionTicket,
  writeServerHello,
  type Certificate,
  type CertificateRequest,
  type ClientHello,
  type EncryptedExtensions,
  type NewSessionTicket,
  type ServerHello,
} from '../../core/handshake/messages.js';
import { HandshakeType as H } from '../../core/registry.js';

const bytes = (n: number, seed: number): Uint8Array => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed + i * 31) & 0xff;
  return b;
};

const START = 7; // write at an offset so offsets are not accidentally absolute

/** Writes at START, checks the header, returns the body view. */
function writeAndSplit(type: number, write: (w: Writer) => unknown): Uint8Array {
  const buf = new Uint8Array(70000).fill(0xee);
  const w = new Writer(buf, START);
  write(w);
  const r = new Reader(buf, START, w.offset);
  const msg = readHandshake(r);
  r.expectEnd();
  assert.equal(msg.type, type);
  return msg.body;
}

test('ClientHello with every extension', () => {
  const ch: Omit<ClientHello, 'bindersOffset'> = {
    legacyVersion: 0x0303,
    random: bytes(32, 1),
    sessionId: bytes(32, 2),
    cipherSuites: [0x1301, 0x1302, 0x1303],
    ext: {
      serverName: asciiBytes('device.example.com'),
      maxFragmentLength: 2048,
      statusRequest: true,
      supportedGroups: [0x1d, 0x17],
      signatureAlgorithms: [0x0403, 0x0804, 0x0807],
      signatureAlgorithmsCert: [0x0401],
      alpn: [asciiBytes('h2'), asciiBytes('mqtt')],
      recordSizeLimit: 4097,
      supportedVersions: [0x0304, 0x0303],
      cookie: bytes(40, 3),
      pskModes: [1, 0],
      certificateAuthorities: [bytes(20, 4), bytes(3, 5)],
      postHandshakeAuth: true,
      keyShares: [
        { group: 0x1d, keyExchange: bytes(32, 6) },
        { group: 0x17, keyExchange: bytes(65, 7) },
      ],
      earlyData: true,
      padding: 11,
      preSharedKey: {
        identities: [
          { identity: bytes(100, 8), obfuscatedTicketAge: 0xfffffffe },
          { identity: bytes(1, 9), obfuscatedTicketAge: 0 },
        ],
        binders: [bytes(32, 10), bytes(48, 11)],
      },
    },
  };
  let at = 0;
  const body = writeAndSplit(H.client_hello, (w) => (at = writeClientHello(w, ch)));
  const parsed = parseClientHello(body);
  const { bindersOffset, ...fields } = parsed;
  assert.deepEqual(fields, ch);
  assert.equal(bindersOffset, at - START - 4);
  // binders list = 2 + (1 + 32) + (1 + 48) bytes at the end of the message
  assert.equal(bindersOffset, body.length - 84);
});

test('minimal ClientHello, and one without an extension block', () => {
  const ch: Omit<ClientHello, 'bindersOffset'> = {
    legacyVersion: 0x0303,
    random: bytes(32, 20),
    sessionId: new Uint8Array(0),
    cipherSuites: [0x1303],
    ext: { supportedVersions: [0x0304], keyShares: [] },
  };
  const parsed = parseClientHello(writeAndSplit(H.client_hello, (w) => writeClientHello(w, ch)));
  assert.deepEqual(parsed, { ...ch, bindersOffset: -1 });
  // legacy_version, random, session_id<0>, one suite, compression [0], no extensions
  const old = Uint8Array.of(3, 3, ...bytes(32, 0), 0, 0, 2, 0x13, 0x01, 1, 0);
  assert.deepEqual(parseClientHello(old).ext, {});
});

test('ServerHello and HelloRetryRequest', () => {
  const sh: ServerHello = {
    legacyVersion: 0x0303,
    random: bytes(32, 30),
    sessionIdEcho: bytes(32, 31),
    cipherSuite: 0x1302,
    isHelloRetryRequest: false,
    ext: { supportedVersion: 0x0304, keyShare: { group: 0x17, keyExchange: bytes(65, 32) }, preSharedKey: 1 },
  };
  assert.deepEqual(parseServerHello(writeAndSplit(H.server_hello, (w) => writeServerHello(w, sh))), sh);
  const hrr: ServerHello = {
    legacyVersion: 0x0303,
    random: HRR_RANDOM,
    sessionIdEcho: new Uint8Array(0),
    cipherSuite: 0x1301,
    isHelloRetryRequest: true,
    ext: { supportedVersion: 0x0304, selectedGroup: 0x17, cookie: bytes(64, 33) },
  };
  assert.deepEqual(parseServerHello(writeAndSplit(H.server_hello, (w) => writeServerHello(w, hrr))), hrr);
  // the writer puts HRR_RANDOM in a HelloRetryRequest whatever random says
  const body = writeAndSplit(H.server_hello, (w) => writeServerHello(w, { ...hrr, random: bytes(32, 0) }));
  assert.deepEqual(parseServerHello(body).random, HRR_RANDOM);
});

test('a TLS 1.2 ServerHello parses with an empty ext so the machine can report the version', () => {
  // no supported_versions; renegotiation_info (0xff01), ALPN and ec_point_formats (11), all outside TLS 1.3 rules
  const exts = [0xff, 0x01, 0, 1, 0, 0, 16, 0, 5, 0, 3, 2, 0x68, 0x32, 0, 11, 0, 2, 1, 0];
  const body = Uint8Array.of(3, 3, ...bytes(32, 40), 0, 0xc0, 0x2f, 0, 0, exts.length, ...exts);
  const sh = parseServerHello(body);
  assert.equal(sh.cipherSuite, 0xc02f);
  assert.deepEqual(sh.ext, {});
});

test('EncryptedExtensions', () => {
  const ee: EncryptedExtensions = {
    ext: {
      serverNameAck: true,
      supportedGroups: [0x1d],
      alpn: asciiBytes('http/1.1'),
      maxFragmentLength: 512,
      recordSizeLimit: 64,
      earlyData: true,
    },
  };
  assert.deepEqual(parseEncryptedExtensions(writeAndSplit(H.encrypted_extensions, (w) => writeEncryptedExtensions(w, ee))), ee);
  const none: EncryptedExtensions = { ext: {} };
  const body = writeAndSplit(H.encrypted_extensions, (w) => writeEncryptedExtensions(w, none));
  assert.deepEqual([...body], [0, 0]);
  assert.deepEqual(parseEncryptedExtensions(body), none);
});

test('CertificateRequest', () => {
  const cr: CertificateRequest = {
    context: bytes(8, 50),
    ext: {
      signatureAlgorithms: [0x0807, 0x0403],
      signatureAlgorithmsCert: [0x0804],
      certificateAuthorities: [bytes(30, 51)],
      statusRequest: true,
    },
  };
  assert.deepEqual(parseCertificateRequest(writeAndSplit(H.certificate_request, (w) => writeCertificateRequest(w, cr))), cr);
  const min: CertificateRequest = { context: new Uint8Array(0), ext: { signatureAlgorithms: [0x0807] } };
  assert.deepEqual(parseCertificateRequest(writeAndSplit(H.certificate_request, (w) => writeCertificateRequest(w, min))), min);
});

test('Certificate, with OCSP responses and an empty list', () => {
  const c: Certificate = {
    context: bytes(4, 60),
    entries: [{ cert: bytes(1000, 61), ocspResponse: bytes(300, 62) }, { cert: bytes(70000 - 2000, 63) }, { cert: bytes(1, 64) }],
  };
  assert.deepEqual(parseCertificate(writeAndSplit(H.certificate, (w) => writeCertificate(w, c))), c);
  const empty: Certificate = { context: new Uint8Array(0), entries: [] };
  assert.deepEqual(parseCertificate(writeAndSplit(H.certificate, (w) => writeCertificate(w, empty))), empty);
});

test('CertificateVerify, Finished, KeyUpdate, EndOfEarlyData', () => {
  const cv = { scheme: 0x0807, signature: bytes(64, 70) };
  assert.deepEqual(parseCertificateVerify(writeAndSplit(H.certificate_verify, (w) => writeCertificateVerify(w, cv))), cv);
  const vd = bytes(48, 71);
  assert.deepEqual(parseFinished(writeAndSplit(H.finished, (w) => writeFinished(w, vd)), 48), vd);
  for (const requestUpdate of [false, true]) {
    const body = writeAndSplit(H.key_update, (w) => writeKeyUpdate(w, { requestUpdate }));
    assert.deepEqual([...body], [requestUpdate ? 1 : 0]);
    assert.deepEqual(parseKeyUpdate(body), { requestUpdate });
  }
  const eoed = writeAndSplit(H.end_of_early_data, (w) => writeEndOfEarlyData(w));
  assert.equal(eoed.length, 0);
  parseEndOfEarlyData(eoed);
});

test('NewSessionTicket', () => {
  const t: NewSessionTicket = { lifetime: 604800, ageAdd: 0x89abcdef, nonce: bytes(8, 80), ticket: bytes(200, 81), ext: { maxEarlyData: 16384 } };
  assert.deepEqual(parseNewSessionTicket(writeAndSplit(H.new_session_ticket, (w) => writeNewSessionTicket(w, t))), t);
  const u: NewSessionTicket = { lifetime: 0, ageAdd: 0, nonce: new Uint8Array(0), ticket: bytes(1, 82), ext: {} };
  assert.deepEqual(parseNewSessionTicket(writeAndSplit(H.new_session_ticket, (w) => writeNewSessionTicket(w, u))), u);
});

test('message_hash is type 254 with the digest as body (RFC 8446 4.4.1)', () => {
  const digest = bytes(32, 90);
  const body = writeAndSplit(H.message_hash, (w) => writeMessageHash(w, digest));
  assert.deepEqual(body, digest);
  const w = new Writer(new Uint8Array(36));
  writeMessageHash(w, digest);
  assert.deepEqual([...w.written(0).subarray(0, 4)], [254, 0, 0, 32]);
});

test('writers reject values the wire cannot carry', () => {
  const w = new Writer(new Uint8Array(512));
  const base = { legacyVersion: 0x0303, random: bytes(32, 0), sessionId: new Uint8Array(0), cipherSuites: [0x1301] };
  assert.throws(
    () => writeClientHello(w, { ...base, ext: { maxFragmentLength: 1000 } }),
    (e) => e instanceof TlsFailure && e.code === ErrorCode.BAD_CONFIG,
  );
  w.reset();
  assert.throws(
    () => writeClientHello(w, { ...base, ext: { alpn: [new Uint8Array(256)] } }),
    (e) => e instanceof TlsFailure && e.code === ErrorCode.INTERNAL,
  );
  w.reset();
  assert.throws(
    () => writeClientHello(w, { ...base, ext: { cookie: new Uint8Array(600) } }),
    (e) => e instanceof TlsFailure && e.code === ErrorCode.BUFFER_TOO_SMALL,
  );
});
