// Parses the real handshake messages of RFC 8448 (Example Handshake Traces
// for TLS 1.3) and checks them against the RFC's structure and against
// node:crypto: the key shares match the RFC's private keys, the server's
// CertificateVerify signature verifies over the transcript with the parsed
// certificate, and the PSK binder matches one computed from the RFC's PSK
// over the ClientHello truncated at the parsed binders offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Reader } from '../../core/bytes/reader.js';
import { Writer } from '../../core/bytes/writer.js';
import { asciiString } from '../../core/bytes/ascii.js';
import {
  HRR_RANDOM,
  parseCertificate,
  parseCertificateVerify,
  parseClientHello,
  parseEncryptedExtensions,
  parseFinished,
  parseNewSessionTicket,
  parseServerHello,
  patchBinders,
  readHandshake,
  writeCertificate,
  writeCertificateVerify,
  writeClientHello,
  writeEncryptedExtensions,
  writeFinished,
  writeNewSessionTicket,
  writeServerHello,
  type HandshakeMessage,
} from '../../core/handshake/messages.js';
import { HandshakeType as H } from '../../core/registry.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// RFC 8448 section 3 (simple 1-RTT handshake), handshake messages with their 4-byte headers.
const CLIENT_HELLO = hex(`
  01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef
  62 83 02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b 00 09 00 00 06 73 65 72 76
  65 72 ff 01 00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00
  23 00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e
  51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03
  02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c
  00 02 40 01
`);
const SERVER_HELLO = hex(`
  02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55
  77 2e d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 76 11 20 95 fe 66 76 2b db
  f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04
`);
const ENCRYPTED_EXTENSIONS = hex(`
  08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c
  00 02 40 01 00 00 00 00
`);
const CERTIFICATE = hex(`
  0b 00 01 b9 00 00 01 b5 00 01 b0 30 82 01 ac 30 82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 09 2a
  86 48 86 f7 0d 01 01 0b 05 00 30 0e 31 0c 30 0a 06 03 55 04 03 13 03 72 73 61 30 1e 17 0d 31 36
  30 37 33 30 30 31 32 33 35 39 5a 17 0d 32 36 30 37 33 30 30 31 32 33 35 39 5a 30 0e 31 0c 30 0a
  06 03 55 04 03 13 03 72 73 61 30 81 9f 30 0d 06 09 2a 86 48 86 f7 0d 01 01 01 05 00 03 81 8d 00
  30 81 89 02 81 81 00 b4 bb 49 8f 82 79 30 3d 98 08 36 39 9b 36 c6 98 8c 0c 68 de 55 e1 bd b8 26
  d3 90 1a 24 61 ea fd 2d e4 9a 91 d0 15 ab bc 9a 95 13 7a ce 6c 1a f1 9e aa 6a f9 8c 7c ed 43 12
  09 98 e1 87 a8 0e e0 cc b0 52 4b 1b 01 8c 3e 0b 63 26 4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74 80
  30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0 3e 2b d1 93 ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a
  8d 88 d7 9f 7f 1e 3f 02 03 01 00 01 a3 1a 30 18 30 09 06 03 55 1d 13 04 02 30 00 30 0b 06 03 55
  1d 0f 04 04 03 02 05 a0 30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05 00 03 81 81 00 85 aa d2 a0 e5
  b9 27 6b 90 8c 65 f7 3a 72 67 17 06 18 a5 4c 5f 8a 7b 33 7d 2d f7 a5 94 36 54 17 f2 ea e8 f8 a5
  8c 8f 81 72 f9 31 9c f3 6b 7f d6 c5 5b 80 f2 1a 03 01 51 56 72 60 96 fd 33 5e 5e 67 f2 db f1 02
  70 2e 60 8c ca e6 be c1 fc 63 a4 2a 99 be 5c 3e b7 10 7c 3c 54 e9 b9 eb 2b d5 20 3b 1c 3b 84 e0
  a8 b2 f7 59 40 9b a3 ea c9 d9 1d 40 2d cc 0c c8 f8 96 12 29 ac 91 87 b4 2b 4d e1 00 00
`);
const CERTIFICATE_VERIFY = hex(`
  0f 00 00 84 08 04 00 80 5a 74 7c 5d 88 fa 9b d2 e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a
  b3 ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 3a 5c 14 1a 07 86 53 fa 6b ef 78 0c 5e a2 48 ee
  aa a7 85 c4 f3 94 ca b6 d3 0b be 8d 48 59 ee 51 1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44 5c
  9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09 d3 be 15 2a 3d a5 04 3e 06 3d da 65 cd f5 ae a2
  0d 53 df ac d4 2f 74 f3
`);
const SERVER_FINISHED = hex(`
  14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54
  b7 8f 07 18
`);
const NEW_SESSION_TICKET = hex(`
  04 00 00 c9 00 00 00 1e fa d6 aa c5 02 00 00 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00 00 00
  00 26 2a 64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70 ad 3c 49 88 83 c9 36 7c 09 a2 be 78 5a
  bc 55 cd 22 60 97 a3 a9 82 11 72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6 1d 28 27
  db 27 9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0 37 25 a6 a4 da fc d0 fc 67 d2 ae a7 05 29
  51 3e 3d a2 67 7f a5 90 6c 5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5 ae a6 17 64
  6f ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d e6 50 5e 5b fb c3 88 e9 33 43 69 40 93 93 4a
  e4 d3 57 00 08 00 2a 00 04 00 00 04 00
`);
// section 3 ephemeral X25519 private keys
const CLIENT_X25519_PRIVATE = hex('49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005');
const SERVER_X25519_PRIVATE = hex('b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e');

// RFC 8448 section 4 (resumed 0-RTT): the ClientHello with its PSK binder, and the PSK.
const RESUMED_CLIENT_HELLO = hex(`
  01 00 01 fc 03 03 1b c3 ce b6 bb e3 9c ff 93 83 55 b5 a5 0a db 6d b2 1b 7a 6a f6 49 d7 b4 bc 41
  9d 78 76 48 7d 95 00 00 06 13 01 13 03 13 02 01 00 01 cd 00 00 00 0b 00 09 00 00 06 73 65 72 76
  65 72 ff 01 00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00
  33 00 26 00 24 00 1d 00 20 e4 ff b6 8a c0 5f 8d 96 c9 9d a2 66 98 34 6c 6b e1 64 82 ba dd da fe
  05 1a 66 b4 f1 8d 66 8f 0b 00 2a 00 00 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03
  02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c
  00 02 40 01 00 15 00 57 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  29 00 dd 00 b8 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00 00 00 00 26 2a 64 94 dc 48 6d 2c 8a
  34 cb 33 fa 90 bf 1b 00 70 ad 3c 49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9 82 11
  72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6 1d 28 27 db 27 9c ce 14 50 77 d4 54 a3
  66 4d 4e 6d a4 d2 9e e0 37 25 a6 a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 6c 5b
  3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5 ae a6 17 64 6f ac 5c 03 27 2e 97 07 27 c6
  21 a7 91 41 ef 5f 7d e6 50 5e 5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 fa d6 aa cb 00 21 20
  3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8 8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d
`);
const RESUMPTION_PSK = hex('4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3');

// RFC 8448 section 5 (HelloRetryRequest), as TLS records (as transcribed in Botan's transcripts.vec).
const HRR_RECORD = hex(`
  16 03 03 00 b0 02 00 00 ac 03 03 cf 21 ad 74 e5 9a 61 11 be 1d 8c 02 1e 65 b8 91 c2 a2 11 16 7a
  bb 8c 5e 07 9e 09 e2 c8 a8 33 9c 00 13 01 00 00 84 00 33 00 02 00 17 00 2c 00 74 00 72 71 dc d0
  4b b8 8b c3 18 91 19 39 8a 00 00 00 00 ee fa fc 76 c1 46 b8 23 b0 96 f8 aa ca d3 65 dd 00 30 95
  3f 4e df 62 56 36 e5 f2 1b b2 e2 3f cc 65 4b 1b 5b 40 31 8d 10 d1 37 ab cb b8 75 74 e3 6e 8a 1f
  02 5f 7d fa 5d 6e 50 78 1b 5e da 4a a1 5b 0c 8b e7 78 25 7d 16 aa 30 30 e9 e7 84 1d d9 e4 c0 34
  22 67 e8 ca 0c af 57 1f b2 b7 cf f0 f9 34 b0 00 2b 00 02 03 04
`);
const CLIENT_HELLO_2_RECORD = hex(`
  16 03 03 02 00 01 00 01 fc 03 03 b0 b1 c5 a5 aa 37 c5 91 9f 2e d1 d5 c6 ff f7 fc b7 84 97 16 94
  5a 2b 8c ee 92 58 a3 46 67 7b 6f 00 00 06 13 01 13 03 13 02 01 00 01 cd 00 00 00 0b 00 09 00 00
  06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 08 00 06 00 1d 00 17 00 18 00 33 00 47 00 45 00 17
  00 41 04 a6 da 73 92 ec 59 1e 17 ab fd 53 59 64 b9 98 94 d1 3b ef b2 21 b3 de f2 eb e3 83 0e ac
  8f 01 51 81 26 77 c4 d6 d2 23 7e 85 cf 01 d6 91 0c fb 83 95 4e 76 ba 73 52 83 05 34 15 98 97 e8
  06 57 80 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01
  05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2c 00 74 00 72 71 dc d0 4b b8 8b c3 18 91 19 39 8a
  00 00 00 00 ee fa fc 76 c1 46 b8 23 b0 96 f8 aa ca d3 65 dd 00 30 95 3f 4e df 62 56 36 e5 f2 1b
  b2 e2 3f cc 65 4b 1b 5b 40 31 8d 10 d1 37 ab cb b8 75 74 e3 6e 8a 1f 02 5f 7d fa 5d 6e 50 78 1b
  5e da 4a a1 5b 0c 8b e7 78 25 7d 16 aa 30 30 e9 e7 84 1d d9 e4 c0 34 22 67 e8 ca 0c af 57 1f b2
  b7 cf f0 f9 34 b0 00 2d 00 02 01 01 00 1c 00 02 40 01 00 15 00 af 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00
`);

function split(msg: Uint8Array, type: number): HandshakeMessage {
  const r = new Reader(msg);
  const m = readHandshake(r);
  r.expectEnd();
  assert.equal(m.type, type);
  return m;
}

function rewrite(write: (w: Writer) => void): Uint8Array {
  const w = new Writer(new Uint8Array(4096));
  write(w);
  return w.written(0).slice();
}

function x25519Public(priv: Uint8Array): string {
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), priv]);
  const jwk = crypto.createPublicKey(crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
  return toHex(Buffer.from(jwk.x as string, 'base64url'));
}

test('RFC 8448 ClientHello: fields, and the key share is the RFC private key\'s public key', () => {
  const ch = parseClientHello(split(CLIENT_HELLO, H.client_hello).body);
  assert.equal(ch.legacyVersion, 0x0303);
  assert.equal(toHex(ch.random), 'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7');
  assert.equal(ch.sessionId.length, 0);
  assert.deepEqual(ch.cipherSuites, [0x1301, 0x1303, 0x1302]);
  const e = ch.ext;
  assert.equal(asciiString(e.serverName!), 'server');
  assert.deepEqual(e.supportedGroups, [0x1d, 0x17, 0x18, 0x19, 0x100, 0x101, 0x102, 0x103, 0x104]);
  assert.equal(e.keyShares!.length, 1);
  assert.equal(e.keyShares![0].group, 0x1d);
  assert.equal(toHex(e.keyShares![0].keyExchange), x25519Public(CLIENT_X25519_PRIVATE));
  assert.deepEqual(e.supportedVersions, [0x0304]);
  assert.deepEqual(e.signatureAlgorithms, [
    0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202,
  ]);
  assert.deepEqual(e.pskModes, [1]);
  assert.equal(e.recordSizeLimit, 0x4001);
  // renegotiation_info (0xff01, empty) and session_ticket (35, empty) are TLS 1.2's: a server negotiating 1.2 reads them
  assert.deepEqual(Object.keys(e).sort(), [
    'keyShares', 'pskModes', 'recordSizeLimit', 'renegotiationInfo', 'serverName', 'sessionTicket', 'signatureAlgorithms',
    'supportedGroups', 'supportedVersions',
  ]);
  assert.deepEqual([...e.renegotiationInfo!, ...e.sessionTicket!], []);
  assert.equal(ch.bindersOffset, -1);
  // the views point into the message, not at copies
  assert.equal(ch.random.buffer, CLIENT_HELLO.buffer);
  assert.equal(ch.random.byteOffset, CLIENT_HELLO.byteOffset + 6);
});

test('RFC 8448 ServerHello: fields, key share matches the RFC server key, writer reproduces the bytes', () => {
  const sh = parseServerHello(split(SERVER_HELLO, H.server_hello).body);
  assert.equal(sh.isHelloRetryRequest, false);
  assert.equal(sh.legacyVersion, 0x0303);
  assert.equal(toHex(sh.random), 'a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928');
  assert.equal(sh.sessionIdEcho.length, 0);
  assert.equal(sh.cipherSuite, 0x1301);
  assert.equal(sh.ext.supportedVersion, 0x0304);
  assert.equal(sh.ext.keyShare!.group, 0x1d);
  assert.equal(toHex(sh.ext.keyShare!.keyExchange), x25519Public(SERVER_X25519_PRIVATE));
  assert.deepEqual(rewrite((w) => writeServerHello(w, sh)), SERVER_HELLO);
});

test('RFC 8448 EncryptedExtensions, Certificate, CertificateVerify, Finished', () => {
  const ee = parseEncryptedExtensions(split(ENCRYPTED_EXTENSIONS, H.encrypted_extensions).body);
  assert.deepEqual(ee.ext, {
    supportedGroups: [0x1d, 0x17, 0x18, 0x19, 0x100, 0x101, 0x102, 0x103, 0x104],
    recordSizeLimit: 0x4001,
    serverNameAck: true,
  });
  assert.deepEqual(rewrite((w) => writeEncryptedExtensions(w, ee)), ENCRYPTED_EXTENSIONS);

  const ct = parseCertificate(split(CERTIFICATE, H.certificate).body);
  assert.equal(ct.context.length, 0);
  assert.equal(ct.entries.length, 1);
  assert.equal(ct.entries[0].ocspResponse, undefined);
  const x509 = new crypto.X509Certificate(ct.entries[0].cert);
  assert.equal(x509.subject, 'CN=rsa');
  assert.equal(x509.publicKey.asymmetricKeyDetails!.modulusLength, 1024);
  assert.deepEqual(rewrite((w) => writeCertificate(w, ct)), CERTIFICATE);

  const cv = parseCertificateVerify(split(CERTIFICATE_VERIFY, H.certificate_verify).body);
  assert.equal(cv.scheme, 0x0804); // rsa_pss_rsae_sha256
  assert.equal(cv.signature.length, 128);
  const transcript = crypto.createHash('sha256').update(CLIENT_HELLO).update(SERVER_HELLO).update(ENCRYPTED_EXTENSIONS).update(CERTIFICATE).digest();
  const signed = Buffer.concat([Buffer.alloc(64, 0x20), Buffer.from('TLS 1.3, server CertificateVerify\0', 'latin1'), transcript]);
  const ok = crypto.verify('sha256', signed, { key: x509.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, cv.signature);
  assert.equal(ok, true);
  assert.deepEqual(rewrite((w) => writeCertificateVerify(w, cv)), CERTIFICATE_VERIFY);

  const fin = parseFinished(split(SERVER_FINISHED, H.finished).body, 32);
  assert.equal(toHex(fin), '9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718');
  assert.deepEqual(rewrite((w) => writeFinished(w, fin)), SERVER_FINISHED);
});

test('RFC 8448 NewSessionTicket', () => {
  const t = parseNewSessionTicket(split(NEW_SESSION_TICKET, H.new_session_ticket).body);
  assert.equal(t.lifetime, 30);
  assert.equal(t.ageAdd, 0xfad6aac5);
  assert.equal(toHex(t.nonce), '0000');
  assert.equal(t.ticket.length, 178);
  assert.equal(toHex(t.ticket.subarray(0, 8)), '2c035d829359ee5f');
  assert.equal(t.ext.maxEarlyData, 1024);
  assert.deepEqual(rewrite((w) => writeNewSessionTicket(w, t)), NEW_SESSION_TICKET);
});

// HKDF-Expand-Label for outputs up to one hash block (RFC 8446 7.1), on node:crypto.
function expandLabel(secret: Buffer, label: string, context: Buffer, len: number): Buffer {
  const full = Buffer.from('tls13 ' + label, 'latin1');
  const info = Buffer.concat([Buffer.from([len >> 8, len & 0xff, full.length]), full, Buffer.from([context.length]), context]);
  return crypto.createHmac('sha256', secret).update(info).update(Buffer.from([1])).digest().subarray(0, len);
}

function binderFor(psk: Uint8Array, truncatedHello: Uint8Array): string {
  const early = crypto.createHmac('sha256', Buffer.alloc(32)).update(psk).digest();
  const binderKey = expandLabel(early, 'res binder', crypto.createHash('sha256').digest(), 32);
  const finishedKey = expandLabel(binderKey, 'finished', Buffer.alloc(0), 32);
  return crypto.createHmac('sha256', finishedKey).update(crypto.createHash('sha256').update(truncatedHello).digest()).digest('hex');
}

test('RFC 8448 resumed ClientHello: the PSK binder verifies over the hello truncated at bindersOffset', () => {
  const ticket = parseNewSessionTicket(split(NEW_SESSION_TICKET, H.new_session_ticket).body);
  const ch = parseClientHello(split(RESUMED_CLIENT_HELLO, H.client_hello).body);
  const e = ch.ext;
  assert.equal(e.earlyData, true);
  assert.equal(e.padding, 87);
  assert.equal(e.preSharedKey!.identities.length, 1);
  assert.deepEqual(e.preSharedKey!.identities[0].identity, ticket.ticket);
  // obfuscated_ticket_age = ticket age (ms) + ticket_age_add mod 2^32
  assert.equal(e.preSharedKey!.identities[0].obfuscatedTicketAge, 0xfad6aacb);
  const binder = e.preSharedKey!.binders[0];
  assert.equal(toHex(binder), '3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d');
  // binders list = u16 length 33, u8 length 32, 32 bytes, ending the message
  assert.equal(ch.bindersOffset, RESUMED_CLIENT_HELLO.length - 4 - 35);
  const truncated = RESUMED_CLIENT_HELLO.subarray(0, 4 + ch.bindersOffset);
  assert.equal(binderFor(RESUMPTION_PSK, truncated), toHex(binder));

  // the writer's binders offset serves the same computation: write placeholders, hash, patch
  const out = new Uint8Array(1024);
  const w = new Writer(out, 10);
  const placeholder = { ...e.preSharedKey!, binders: [new Uint8Array(32)] };
  const at = writeClientHello(w, { ...ch, ext: { ...e, preSharedKey: placeholder } });
  const real = hex(binderFor(RESUMPTION_PSK, out.subarray(10, at)));
  patchBinders(out, at, [real]);
  const again = parseClientHello(split(w.written(10), H.client_hello).body);
  assert.equal(again.bindersOffset, at - 14);
  assert.deepEqual(again.ext.preSharedKey!.binders[0], real);
});

test('RFC 8448 HelloRetryRequest and the second ClientHello', () => {
  const hrrMsg = split(HRR_RECORD.subarray(5), H.server_hello);
  const hrr = parseServerHello(hrrMsg.body);
  assert.equal(hrr.isHelloRetryRequest, true);
  assert.deepEqual(hrr.random, HRR_RANDOM);
  assert.equal(toHex(HRR_RANDOM), crypto.createHash('sha256').update('HelloRetryRequest').digest('hex'));
  assert.equal(hrr.cipherSuite, 0x1301);
  assert.equal(hrr.ext.selectedGroup, 0x17);
  assert.equal(hrr.ext.keyShare, undefined);
  assert.equal(hrr.ext.supportedVersion, 0x0304);
  assert.equal(hrr.ext.cookie!.length, 114);
  assert.deepEqual(rewrite((w) => writeServerHello(w, hrr)), HRR_RECORD.subarray(5));

  const ch2 = parseClientHello(split(CLIENT_HELLO_2_RECORD.subarray(5), H.client_hello).body);
  assert.deepEqual(ch2.ext.cookie, hrr.ext.cookie);
  assert.equal(ch2.ext.keyShares!.length, 1);
  assert.equal(ch2.ext.keyShares![0].group, 0x17);
  assert.equal(ch2.ext.keyShares![0].keyExchange.length, 65);
  assert.equal(ch2.ext.keyShares![0].keyExchange[0], 4); // uncompressed point
  assert.deepEqual(ch2.ext.supportedGroups, [0x1d, 0x17, 0x18]);
  assert.equal(ch2.ext.padding, 175);
});
