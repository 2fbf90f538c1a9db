// Malformed messages and extensions end in a TlsFailure carrying the alert
// RFC 8446 (4.2, 6.2) and the extension RFCs call for, never in another
// exception. Inputs are assembled byte by byte here, not by the writers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader } from '../../core/bytes/reader.js';
import { Writer } from '../../core/bytes/writer.js';
import { Alert, TlsFailure, alertName } from '../../core/errors.js';
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
  writeClientHello,
  writeEncryptedExtensions,
  writeNewSessionTicket,
  writeServerHello,
} from '../../core/handshake/messages.js';

// --- byte assembly -------------------------------------------------------

type Bytes = number[];
const len8 = (b: Bytes): Bytes => [b.length, ...b];
const len16 = (b: Bytes): Bytes => [b.length >> 8, b.length & 0xff, ...b];
const len24 = (b: Bytes): Bytes => [b.length >> 16, (b.length >> 8) & 0xff, b.length & 0xff, ...b];
const v8 = (...p: Bytes[]): Bytes => len8(p.flat());
const v16 = (...p: Bytes[]): Bytes => len16(p.flat());
const v24 = (...p: Bytes[]): Bytes => len24(p.flat());
const u16 = (n: number): Bytes => [n >> 8, n & 0xff];
const fill = (n: number, v = 0): Bytes => new Array<number>(n).fill(v);
const ext = (type: number, body: Bytes = []): Bytes => [...u16(type), ...len16(body)];
const u8a = (b: Bytes): Uint8Array => Uint8Array.from(b);

const random = fill(32, 0x42);
const hello = (opts: { sid?: Bytes; suites?: Bytes; comp?: Bytes } = {}): Bytes => [
  3, 3, ...random, ...v8(opts.sid ?? []), ...v16(opts.suites ?? u16(0x1301)), ...v8(opts.comp ?? [0]),
];
const CH = (...exts: Bytes[]): Uint8Array => u8a([...hello(), ...v16(...exts)]);
const serverHello = (rnd: Bytes, ...exts: Bytes[]): Uint8Array => u8a([3, 3, ...rnd, 0, ...u16(0x1301), 0, ...v16(...exts)]);
const SH = (...exts: Bytes[]): Uint8Array => serverHello(random, ...exts);
const HRR = (...exts: Bytes[]): Uint8Array => serverHello([...HRR_RANDOM], ...exts);
const EE = (...exts: Bytes[]): Uint8Array => u8a(v16(...exts));
const CR = (...exts: Bytes[]): Uint8Array => u8a([0, ...v16(...exts)]);
const entry = (cert: Bytes, ...exts: Bytes[]): Bytes => [...v24(cert), ...v16(...exts)];
const CT = (...entries: Bytes[]): Uint8Array => u8a([0, ...v24(...entries)]);
const nst = (lifetime: number, ticket: Bytes, ...exts: Bytes[]): Uint8Array =>
  u8a([lifetime >>> 24, (lifetime >> 16) & 0xff, (lifetime >> 8) & 0xff, lifetime & 0xff, 1, 2, 3, 4, ...v8([0]), ...v16(ticket), ...v16(...exts)]);

const X = {
  sni: 0, mfl: 1, status: 5, groups: 10, sigalgs: 13, alpn: 16, padding: 21, rsl: 28, psk: 41, early: 42,
  versions: 43, cookie: 44, modes: 45, cas: 47, oid: 48, pha: 49, sigcert: 50, keyshare: 51, unknown: 0x1234,
} as const;
const svCH = ext(X.versions, v8(u16(0x0304)));
const svSH = ext(X.versions, u16(0x0304));
const sigalgs = ext(X.sigalgs, v16(u16(0x0807)));
const identity = (id: Bytes): Bytes => [...v16(id), 0, 0, 0, 1];
const pskCH = (ids: Bytes[], binders: Bytes[]): Bytes => ext(X.psk, [...v16(...ids), ...v16(...binders.map((b) => len8(b)))]);
const share = (group: number, key: Bytes): Bytes => [...u16(group), ...len16(key)];

function expectAlert(fn: () => unknown, alert: number): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TlsFailure, 'expected a TlsFailure, got ' + String(e));
    assert.equal(alertName(e.alert), alertName(alert), e.message);
    return;
  }
  assert.fail('accepted; expected ' + alertName(alert));
}

const { decode_error: DECODE, illegal_parameter: ILLEGAL, unsupported_extension: UNSUPPORTED, missing_extension: MISSING } = Alert;

const cases: [string, () => unknown, number][] = [
  // RFC 8446 4.2 rules, enforced by the one extension walker
  ['duplicate extension in ClientHello', () => parseClientHello(CH(svCH, svCH)), ILLEGAL],
  ['duplicate unknown extension in ClientHello', () => parseClientHello(CH(ext(X.unknown), svCH, ext(X.unknown))), ILLEGAL],
  ['duplicate extension in EncryptedExtensions', () => parseEncryptedExtensions(EE(ext(X.sni), ext(X.sni))), ILLEGAL],
  ['duplicate extension in ServerHello', () => parseServerHello(SH(svSH, svSH)), ILLEGAL],
  ['duplicate extension in a CertificateEntry', () => parseCertificate(CT(entry([1], ext(X.status, [1, ...v24([9])]), ext(X.status, [1, ...v24([9])])))), ILLEGAL],
  ['padding in EncryptedExtensions', () => parseEncryptedExtensions(EE(ext(X.padding, [0, 0]))), ILLEGAL],
  ['key_share in EncryptedExtensions', () => parseEncryptedExtensions(EE(ext(X.keyshare, share(0x1d, [5])))), ILLEGAL],
  ['signature_algorithms in EncryptedExtensions', () => parseEncryptedExtensions(EE(sigalgs)), ILLEGAL],
  ['early_data in CertificateRequest', () => parseCertificateRequest(CR(sigalgs, ext(X.early))), ILLEGAL],
  ['cookie in ServerHello', () => parseServerHello(SH(svSH, ext(X.cookie, v16([1])))), ILLEGAL],
  ['status_request in ServerHello', () => parseServerHello(SH(svSH, ext(X.status))), ILLEGAL],
  ['pre_shared_key in HelloRetryRequest', () => parseServerHello(HRR(svSH, ext(X.psk, u16(0)))), ILLEGAL],
  ['server_name in a CertificateEntry', () => parseCertificate(CT(entry([1], ext(X.sni)))), ILLEGAL],
  ['supported_groups in NewSessionTicket', () => parseNewSessionTicket(nst(60, [1], ext(X.groups, v16(u16(0x1d))))), ILLEGAL],
  ['oid_filters in ClientHello', () => parseClientHello(CH(svCH, ext(X.oid, v16()))), ILLEGAL],
  ['post_handshake_auth in CertificateRequest', () => parseCertificateRequest(CR(sigalgs, ext(X.pha))), ILLEGAL],
  ['unknown extension in EncryptedExtensions', () => parseEncryptedExtensions(EE(ext(X.unknown))), UNSUPPORTED],
  ['unknown extension in ServerHello', () => parseServerHello(SH(svSH, ext(X.unknown, [1]))), UNSUPPORTED],
  ['unknown extension in HelloRetryRequest', () => parseServerHello(HRR(ext(X.unknown), svSH, ext(X.keyshare, u16(0x17)))), UNSUPPORTED],
  ['unknown extension in a CertificateEntry', () => parseCertificate(CT(entry([1], ext(X.unknown)))), UNSUPPORTED],
  ['pre_shared_key not last in ClientHello', () => parseClientHello(CH(pskCH([identity([1])], [fill(32)]), svCH)), ILLEGAL],
  ['extension block longer than the message', () => parseClientHello(u8a([...hello(), 0, 9, ...svCH])), DECODE],
  ['extension data longer than the block', () => parseEncryptedExtensions(u8a([0, 4, 0, 0, 0, 1])), DECODE],
  ['extension header cut in the block', () => parseEncryptedExtensions(u8a([0, 3, 0, 0, 0])), DECODE],
  ['extension block shorter than the message', () => parseEncryptedExtensions(u8a([0, 0, 0])), DECODE],
  ['extension body longer than its contents', () => parseClientHello(CH(ext(X.versions, [...v8(u16(0x0304)), 0]))), DECODE],
  // server_name (RFC 6066 3)
  ['empty server_name_list', () => parseClientHello(CH(ext(X.sni, v16()))), DECODE],
  ['empty host_name', () => parseClientHello(CH(ext(X.sni, v16([0, ...v16()])))), DECODE],
  ['two host_names', () => parseClientHello(CH(ext(X.sni, v16([0, ...v16([0x61])], [0, ...v16([0x62])])))), ILLEGAL],
  ['unknown server name type', () => parseClientHello(CH(ext(X.sni, v16([1, ...v16([0x61])])))), DECODE],
  ['server_name_list cut short', () => parseClientHello(CH(ext(X.sni, v16([0, 0, 5, 0x61])))), DECODE],
  ['non-empty server_name in EncryptedExtensions', () => parseEncryptedExtensions(EE(ext(X.sni, [0]))), DECODE],
  // supported_versions, supported_groups, signature_algorithms(_cert)
  ['odd supported_versions', () => parseClientHello(CH(ext(X.versions, v8([3, 4, 3])))), DECODE],
  ['empty supported_versions', () => parseClientHello(CH(ext(X.versions, v8()))), DECODE],
  ['ServerHello selected_version of 3 bytes', () => parseServerHello(SH(ext(X.versions, [3, 4, 0]))), DECODE],
  ['ServerHello selected_version of 1 byte', () => parseServerHello(SH(ext(X.versions, [3]))), DECODE],
  ['empty supported_groups', () => parseClientHello(CH(ext(X.groups, v16()))), DECODE],
  ['odd supported_groups', () => parseEncryptedExtensions(EE(ext(X.groups, v16([0, 0x1d, 0])))), DECODE],
  ['odd signature_algorithms', () => parseCertificateRequest(CR(ext(X.sigalgs, v16([8, 7, 8])))), DECODE],
  ['empty signature_algorithms_cert', () => parseClientHello(CH(ext(X.sigcert, v16()))), DECODE],
  ['CertificateRequest without signature_algorithms', () => parseCertificateRequest(CR(ext(X.sigcert, v16(u16(0x0807))))), MISSING],
  ['CertificateRequest with no extensions', () => parseCertificateRequest(CR()), MISSING],
  // key_share (RFC 8446 4.2.8)
  ['two client shares for one group', () => parseClientHello(CH(ext(X.keyshare, v16(share(0x1d, [1]), share(0x17, [2]), share(0x1d, [3]))))), ILLEGAL],
  ['empty key_exchange', () => parseClientHello(CH(ext(X.keyshare, v16(share(0x1d, []))))), DECODE],
  ['client share cut short', () => parseClientHello(CH(ext(X.keyshare, v16([0, 0x1d, 0, 9, 1, 2])))), DECODE],
  ['ServerHello key_share with trailing bytes', () => parseServerHello(SH(svSH, ext(X.keyshare, [...share(0x1d, [1]), 0]))), DECODE],
  ['ServerHello key_share with only a group', () => parseServerHello(SH(svSH, ext(X.keyshare, u16(0x1d)))), DECODE],
  ['HelloRetryRequest key_share with a key', () => parseServerHello(HRR(svSH, ext(X.keyshare, share(0x17, [1])))), DECODE],
  // cookie, psk_key_exchange_modes
  ['empty cookie in ClientHello', () => parseClientHello(CH(ext(X.cookie, v16()))), DECODE],
  ['empty cookie in HelloRetryRequest', () => parseServerHello(HRR(svSH, ext(X.cookie, v16()))), DECODE],
  ['empty psk_key_exchange_modes', () => parseClientHello(CH(ext(X.modes, v8()))), DECODE],
  // pre_shared_key (RFC 8446 4.2.11)
  ['fewer binders than identities', () => parseClientHello(CH(pskCH([identity([1]), identity([2])], [fill(32)]))), ILLEGAL],
  ['more binders than identities', () => parseClientHello(CH(pskCH([identity([1])], [fill(32), fill(32)]))), ILLEGAL],
  ['binder shorter than 32 bytes', () => parseClientHello(CH(pskCH([identity([1])], [fill(31)]))), DECODE],
  ['empty PSK identity', () => parseClientHello(CH(pskCH([identity([])], [fill(32)]))), DECODE],
  ['no PSK identities', () => parseClientHello(CH(pskCH([], [fill(32)]))), DECODE],
  ['no binders', () => parseClientHello(CH(pskCH([identity([1])], []))), DECODE],
  ['identity without obfuscated_ticket_age', () => parseClientHello(CH(ext(X.psk, [...v16(v16([1])), ...v16(len8(fill(32)))]))), DECODE],
  ['ServerHello selected_identity of 3 bytes', () => parseServerHello(SH(svSH, ext(X.psk, [0, 0, 0]))), DECODE],
  // early_data
  ['early_data with a body in ClientHello', () => parseClientHello(CH(ext(X.early, [0]))), DECODE],
  ['early_data with a body in EncryptedExtensions', () => parseEncryptedExtensions(EE(ext(X.early, [0, 0, 0, 0]))), DECODE],
  ['max_early_data_size of 2 bytes', () => parseNewSessionTicket(nst(60, [1], ext(X.early, [0, 1]))), DECODE],
  ['max_early_data_size of 5 bytes', () => parseNewSessionTicket(nst(60, [1], ext(X.early, [0, 0, 0, 1, 0]))), DECODE],
  // application_layer_protocol_negotiation (RFC 7301)
  ['empty protocol_name_list', () => parseClientHello(CH(ext(X.alpn, v16()))), DECODE],
  ['empty protocol name', () => parseClientHello(CH(ext(X.alpn, v16(v8([0x68]), v8())))), DECODE],
  ['ALPN answer with two protocols', () => parseEncryptedExtensions(EE(ext(X.alpn, v16(v8([0x68]), v8([0x69]))))), DECODE],
  ['ALPN answer with no protocol', () => parseEncryptedExtensions(EE(ext(X.alpn, v16()))), DECODE],
  ['protocol name cut short', () => parseClientHello(CH(ext(X.alpn, v16([5, 0x68, 0x32])))), DECODE],
  // max_fragment_length, record_size_limit
  ['max_fragment_length 0', () => parseClientHello(CH(ext(X.mfl, [0]))), ILLEGAL],
  ['max_fragment_length 5', () => parseEncryptedExtensions(EE(ext(X.mfl, [5]))), ILLEGAL],
  ['empty max_fragment_length', () => parseClientHello(CH(ext(X.mfl, []))), DECODE],
  ['max_fragment_length of 2 bytes', () => parseClientHello(CH(ext(X.mfl, [1, 1]))), DECODE],
  ['record_size_limit 63', () => parseEncryptedExtensions(EE(ext(X.rsl, u16(63)))), ILLEGAL],
  ['record_size_limit 0', () => parseClientHello(CH(ext(X.rsl, u16(0)))), ILLEGAL],
  ['record_size_limit of 1 byte', () => parseClientHello(CH(ext(X.rsl, [64]))), DECODE],
  // status_request (RFC 6066 8, RFC 8446 4.4.2.1)
  ['OCSP status_request without its lists', () => parseClientHello(CH(ext(X.status, [1]))), DECODE],
  ['status_request with a body in CertificateRequest', () => parseCertificateRequest(CR(sigalgs, ext(X.status, [1, 0, 0, 0, 0]))), DECODE],
  ['CertificateStatus of another type', () => parseCertificate(CT(entry([1], ext(X.status, [2, ...v24([9])])))), DECODE],
  ['empty OCSPResponse', () => parseCertificate(CT(entry([1], ext(X.status, [1, ...v24([])])))), DECODE],
  // certificate_authorities, post_handshake_auth
  ['empty certificate_authorities', () => parseCertificateRequest(CR(sigalgs, ext(X.cas, v16()))), DECODE],
  ['empty DistinguishedName', () => parseClientHello(CH(ext(X.cas, v16(v16([0x30]), v16())))), DECODE],
  ['post_handshake_auth with a body', () => parseClientHello(CH(ext(X.pha, [0]))), DECODE],
  // ClientHello fields (RFC 8446 4.1.2)
  ['compression methods [1]', () => parseClientHello(u8a([...hello({ comp: [1] }), ...v16(svCH)])), ILLEGAL],
  ['compression methods [0, 1]', () => parseClientHello(u8a([...hello({ comp: [0, 1] }), ...v16(svCH)])), ILLEGAL],
  ['empty compression methods', () => parseClientHello(u8a([...hello({ comp: [] }), ...v16(svCH)])), DECODE],
  ['legacy_session_id of 33 bytes', () => parseClientHello(u8a([...hello({ sid: fill(33) }), ...v16(svCH)])), DECODE],
  ['odd cipher_suites', () => parseClientHello(u8a([...hello({ suites: [0x13, 0x01, 0x13] }), ...v16(svCH)])), DECODE],
  ['empty cipher_suites', () => parseClientHello(u8a([...hello({ suites: [] }), ...v16(svCH)])), DECODE],
  ['bytes after the ClientHello extensions', () => parseClientHello(u8a([...hello(), ...v16(svCH), 0])), DECODE],
  ['ClientHello shorter than its random', () => parseClientHello(u8a([3, 3, ...fill(31)])), DECODE],
  // ServerHello fields (RFC 8446 4.1.3)
  ['ServerHello compression method 1', () => parseServerHello(u8a([3, 3, ...random, 0, 0x13, 0x01, 1, ...v16(svSH)])), ILLEGAL],
  ['ServerHello session id of 33 bytes', () => parseServerHello(u8a([3, 3, ...random, ...v8(fill(33)), 0x13, 0x01, 0, ...v16(svSH)])), DECODE],
  ['bytes after the ServerHello extensions', () => parseServerHello(u8a([...SH(svSH), 0])), DECODE],
  // Certificate (RFC 8446 4.4.2)
  ['empty cert_data', () => parseCertificate(CT(entry([1]), entry([]))), DECODE],
  ['more certificates than allowed', () => parseCertificate(CT(entry([1]), entry([2]), entry([3])), 2), Alert.bad_certificate],
  ['certificate_list longer than the message', () => parseCertificate(u8a([0, 0, 0, 9, ...entry([1])])), DECODE],
  ['CertificateEntry without its extensions', () => parseCertificate(u8a([0, ...v24(v24([1]))])), DECODE],
  ['bytes after the certificate_list', () => parseCertificate(u8a([...CT(entry([1])), 0])), DECODE],
  // CertificateVerify, Finished
  ['signature cut short', () => parseCertificateVerify(u8a([8, 7, 0, 64, ...fill(63)])), DECODE],
  ['bytes after the signature', () => parseCertificateVerify(u8a([8, 7, ...v16([1]), 0])), DECODE],
  ['Finished shorter than the hash', () => parseFinished(u8a(fill(31)), 32), DECODE],
  ['Finished longer than the hash', () => parseFinished(u8a(fill(33)), 32), DECODE],
  // NewSessionTicket (RFC 8446 4.6.1)
  ['ticket_lifetime over 7 days', () => parseNewSessionTicket(nst(604801, [1])), ILLEGAL],
  ['ticket_lifetime 2^32-1', () => parseNewSessionTicket(nst(0xffffffff, [1])), ILLEGAL],
  ['empty ticket', () => parseNewSessionTicket(nst(60, [])), DECODE],
  // KeyUpdate, EndOfEarlyData, the handshake header
  ['request_update 2', () => parseKeyUpdate(u8a([2])), ILLEGAL],
  ['request_update 255', () => parseKeyUpdate(u8a([255])), ILLEGAL],
  ['KeyUpdate of 2 bytes', () => parseKeyUpdate(u8a([0, 0])), DECODE],
  ['empty KeyUpdate', () => parseKeyUpdate(u8a([])), DECODE],
  ['EndOfEarlyData with a body', () => parseEndOfEarlyData(u8a([0])), DECODE],
  ['handshake body shorter than its length', () => readHandshake(new Reader(u8a([20, 0, 0, 32, ...fill(31)]))), DECODE],
  ['handshake header cut short', () => readHandshake(new Reader(u8a([20, 0, 0]))), DECODE],
];

for (const [name, fn, alert] of cases) {
  test(`${name} -> ${alertName(alert)}`, () => expectAlert(fn, alert));
}

test('unknown extensions are ignored where RFC 8446 says so', () => {
  assert.deepEqual(parseClientHello(CH(ext(X.unknown, [1, 2]), svCH)).ext, { supportedVersions: [0x0304] });
  assert.deepEqual(parseCertificateRequest(CR(ext(X.unknown), sigalgs, ext(X.oid, v16()))).ext, { signatureAlgorithms: [0x0807] });
  assert.deepEqual(parseNewSessionTicket(nst(60, [1], ext(X.unknown, [7]))).ext, {});
  // a status_request of an unknown status_type is skipped, not treated as OCSP
  assert.deepEqual(parseClientHello(CH(ext(X.status, [2, 9, 9, 9]))).ext, {});
  // boundary values that are valid
  assert.equal(parseEncryptedExtensions(EE(ext(X.rsl, u16(64)))).ext.recordSizeLimit, 64);
  assert.equal(parseNewSessionTicket(nst(604800, [1])).lifetime, 604800);
  assert.deepEqual(parseClientHello(CH(ext(X.keyshare, v16()))).ext, { keyShares: [] });
  assert.equal(parseCertificate(CT(entry([1]), entry([2])), 2).entries.length, 2);
});

// --- truncation and mutation over full-featured samples ------------------

type Parse = (body: Uint8Array) => unknown;

function sample(write: (w: Writer) => unknown): Uint8Array {
  const w = new Writer(new Uint8Array(8192));
  write(w);
  return w.written(0).slice(4); // body only
}

const b = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);
const chFields = {
  legacyVersion: 0x0303,
  random: b(32, 1),
  sessionId: b(32, 2),
  cipherSuites: [0x1301, 0x1303],
  ext: {
    serverName: Uint8Array.of(0x61, 0x2e, 0x62),
    maxFragmentLength: 1024,
    statusRequest: true,
    supportedGroups: [0x1d, 0x17],
    signatureAlgorithms: [0x0403, 0x0807],
    signatureAlgorithmsCert: [0x0401],
    alpn: [Uint8Array.of(0x68, 0x32)],
    recordSizeLimit: 1000,
    supportedVersions: [0x0304],
    cookie: b(5, 3),
    pskModes: [1],
    certificateAuthorities: [b(4, 4)],
    postHandshakeAuth: true,
    keyShares: [{ group: 0x1d, keyExchange: b(32, 5) }],
    earlyData: true,
    padding: 3,
    preSharedKey: { identities: [{ identity: b(9, 6), obfuscatedTicketAge: 77 }], binders: [b(32, 7)] },
  },
};
const samples: [string, Parse, Uint8Array, number][] = [
  // [name, parser, valid body, length at which a prefix is itself a complete (extension-less) message or -1]
  ['ClientHello', parseClientHello, sample((w) => writeClientHello(w, chFields)), 2 + 32 + 33 + 2 + 4 + 2],
  [
    'ServerHello',
    parseServerHello,
    sample((w) =>
      writeServerHello(w, {
        legacyVersion: 0x0303, random: b(32, 8), sessionIdEcho: b(32, 9), cipherSuite: 0x1301, isHelloRetryRequest: false,
        ext: { supportedVersion: 0x0304, keyShare: { group: 0x1d, keyExchange: b(32, 10) }, preSharedKey: 0 },
      }),
    ),
    2 + 32 + 33 + 2 + 1,
  ],
  [
    'HelloRetryRequest',
    parseServerHello,
    sample((w) =>
      writeServerHello(w, {
        legacyVersion: 0x0303, random: HRR_RANDOM, sessionIdEcho: b(32, 9), cipherSuite: 0x1301, isHelloRetryRequest: true,
        ext: { supportedVersion: 0x0304, selectedGroup: 0x17, cookie: b(20, 11) },
      }),
    ),
    2 + 32 + 33 + 2 + 1,
  ],
  [
    'EncryptedExtensions',
    parseEncryptedExtensions,
    sample((w) =>
      writeEncryptedExtensions(w, {
        ext: { serverNameAck: true, supportedGroups: [0x1d], alpn: Uint8Array.of(0x68, 0x32), maxFragmentLength: 4096, recordSizeLimit: 500, earlyData: true },
      }),
    ),
    -1,
  ],
  [
    'CertificateRequest',
    parseCertificateRequest,
    sample((w) =>
      writeCertificateRequest(w, {
        context: b(3, 12),
        ext: { signatureAlgorithms: [0x0807], signatureAlgorithmsCert: [0x0403], certificateAuthorities: [b(5, 13)], statusRequest: true },
      }),
    ),
    -1,
  ],
  [
    'Certificate',
    (body) => parseCertificate(body, 3),
    sample((w) => writeCertificate(w, { context: new Uint8Array(0), entries: [{ cert: b(40, 14), ocspResponse: b(10, 15) }, { cert: b(30, 16) }] })),
    -1,
  ],
  ['CertificateVerify', parseCertificateVerify, u8a([8, 4, ...v16(fill(64, 17))]), -1],
  ['Finished', (body) => parseFinished(body, 32), b(32, 18), -1],
  [
    'NewSessionTicket',
    parseNewSessionTicket,
    sample((w) => writeNewSessionTicket(w, { lifetime: 3600, ageAdd: 5, nonce: b(8, 19), ticket: b(50, 20), ext: { maxEarlyData: 1000 } })),
    -1,
  ],
  ['KeyUpdate', parseKeyUpdate, u8a([1]), -1],
];

test('the fuzz samples are valid', () => {
  for (const [, parse, body] of samples) parse(body);
});

test('truncation at every byte position is decode_error', () => {
  for (const [name, parse, body, complete] of samples) {
    for (let n = 0; n < body.length; n++) {
      if (n === complete) {
        parse(body.subarray(0, n)); // a hello without extensions: legal framing, the machine rejects the version
        continue;
      }
      try {
        parse(body.subarray(0, n));
      } catch (e) {
        assert.ok(e instanceof TlsFailure, `${name} cut at ${n}: ${String(e)}`);
        assert.equal(e.alert, Alert.decode_error, `${name} cut at ${n}: ${e.message}`);
        continue;
      }
      assert.fail(`${name} cut at ${n} of ${body.length} was accepted`);
    }
  }
});

test('every byte off by one: accepted or a TlsFailure, nothing else', () => {
  for (const [name, parse, body] of samples) {
    const m = body.slice();
    for (let i = 0; i < m.length; i++) {
      for (const d of [1, 255]) {
        m[i] = (body[i] + d) & 0xff;
        try {
          parse(m);
        } catch (e) {
          assert.ok(e instanceof TlsFailure, `${name} byte ${i} ${d === 1 ? '+' : '-'}1: ${String(e)}`);
        }
        m[i] = body[i];
      }
    }
  }
});

test('random mutations only ever end in a TlsFailure with a handshake alert', () => {
  // protocol_version: a ClientHello whose legacy_version became 0x0300 or lower (RFC 8446 D.5).
  const allowed = new Set<number>([Alert.decode_error, Alert.illegal_parameter, Alert.missing_extension, Alert.unsupported_extension, Alert.bad_certificate, Alert.protocol_version]);
  let seed = 0x9e3779b9;
  const rnd = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  for (const [name, parse, body] of samples) {
    let rejected = 0;
    for (let iter = 0; iter < 4000; iter++) {
      let m = Array.from(body);
      for (let k = 1 + rnd(3); k > 0; k--) {
        const at = rnd(m.length + 1);
        switch (rnd(6)) {
          case 0: // flip a bit
            if (m.length) m[at % m.length] ^= 1 << rnd(8);
            break;
          case 1: // set a byte to a boundary or random value
            if (m.length) m[at % m.length] = [0, 1, 0x7f, 0x80, 0xff, rnd(256)][rnd(6)];
            break;
          case 2: // insert bytes
            m.splice(at, 0, ...Array.from({ length: 1 + rnd(4) }, () => rnd(256)));
            break;
          case 3: // delete bytes
            m.splice(at, 1 + rnd(4));
            break;
          case 4: // duplicate a slice (repeats extensions, entries)
            m.splice(at, 0, ...m.slice(rnd(m.length + 1), rnd(m.length + 1)));
            break;
          case 5: // truncate
            m = m.slice(0, at);
            break;
        }
      }
      try {
        parse(Uint8Array.from(m));
      } catch (e) {
        assert.ok(e instanceof TlsFailure, `${name} mutation ${iter}: ${String(e)} on ${Buffer.from(m).toString('hex')}`);
        assert.ok(allowed.has(e.alert), `${name} mutation ${iter}: alert ${alertName(e.alert)}`);
        rejected++;
      }
    }
    assert.ok(rejected > 1000, `${name}: only ${rejected} mutations rejected`);
  }
});
