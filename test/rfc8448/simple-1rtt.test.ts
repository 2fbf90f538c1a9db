// RFC 8448 section 3, "Simple 1-RTT Handshake": every published secret, key,
// verify_data and protected record, reproduced from the trace's inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '../../core/crypto/hash.js';
import { hkdfExtract } from '../../core/crypto/hkdf.js';
import { aes128gcm } from '../../core/crypto/aes-gcm.js';
import { ContentType } from '../../core/registry.js';
import { KeySchedule, deriveSecret, hkdfExpandLabel } from '../../core/handshake/key-schedule.js';
import { Transcript } from '../../core/handshake/transcript.js';
import { RecordProtection } from '../../core/record/protection.js';
import { simple as v, resumed, appData, ascii, body, concat, h, openAt, sealAt, trafficKeys } from './vectors.js';

test('HKDF-Expand-Label builds the HkdfLabel the RFC prints', () => {
  // "derive secret for handshake": info = 00 20 0d "tls13 derived" 20 Hash("")
  // and its output; and the traffic "key" info 00 10 09 "tls13 key" 00.
  const emptyHash = h('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.deepEqual(hkdfExpandLabel(sha256, v.earlySecret, ascii('derived'), emptyHash, 32), v.derivedForHandshake);
  assert.deepEqual(hkdfExpandLabel(sha256, v.serverHandshakeTraffic, ascii('key'), new Uint8Array(0), 16), v.serverHandshakeKey);
  assert.deepEqual(deriveSecret(sha256, v.handshakeSecret, ascii('c hs traffic'), v.helloHash), v.clientHandshakeTraffic);
});

test('x25519 shared secret from both sides', () => {
  assert.deepEqual(x25519.getPublicKey(v.clientPrivate), v.clientPublic);
  assert.deepEqual(x25519.getPublicKey(v.serverPrivate), v.serverPublic);
  assert.deepEqual(x25519.getSharedSecret(v.clientPrivate, v.serverPublic), v.sharedSecret);
  assert.deepEqual(x25519.getSharedSecret(v.serverPrivate, v.clientPublic), v.sharedSecret);
  // The key shares inside the hellos are these keys.
  assert.deepEqual(v.serverHello.subarray(90 - 38, 90 - 6), v.serverPublic);
});

test('early, handshake and master secrets (the chain the schedule walks)', () => {
  const zeros = new Uint8Array(32);
  const early = hkdfExtract(sha256, zeros, zeros);
  assert.deepEqual(early, v.earlySecret);
  const emptyHash = sha256.create();
  const eh = new Uint8Array(32);
  emptyHash.digestInto(eh);
  assert.deepEqual(deriveSecret(sha256, early, ascii('derived'), eh), v.derivedForHandshake);
  const hs = hkdfExtract(sha256, v.derivedForHandshake, v.sharedSecret);
  assert.deepEqual(hs, v.handshakeSecret);
  assert.deepEqual(deriveSecret(sha256, hs, ascii('derived'), eh), v.derivedForMaster);
  assert.deepEqual(hkdfExtract(sha256, v.derivedForMaster, zeros), v.masterSecret);
});

test('full handshake: transcript, key schedule, Finished and every record', () => {
  const t = new Transcript();
  const ks = new KeySchedule(sha256);
  const th = new Uint8Array(32);

  // The client sends ClientHello before it knows the hash: the transcript holds it.
  t.update(v.clientHello);
  t.setHash(sha256);
  t.update(v.serverHello);
  assert.deepEqual(t.digest(th), v.helloHash);

  ks.handshake(x25519.getSharedSecret(v.clientPrivate, v.serverHello.subarray(90 - 38, 90 - 6)));
  const cHs = ks.clientHandshakeTrafficSecret(th);
  const sHs = ks.serverHandshakeTrafficSecret(th);
  assert.deepEqual(cHs, v.clientHandshakeTraffic);
  assert.deepEqual(sHs, v.serverHandshakeTraffic);
  const sHsKeys = trafficKeys(ks, sHs);
  const cHsKeys = trafficKeys(ks, cHs);
  assert.deepEqual(sHsKeys.key, v.serverHandshakeKey);
  assert.deepEqual(sHsKeys.iv, v.serverHandshakeIv);
  assert.deepEqual(cHsKeys.key, v.clientHandshakeKey);
  assert.deepEqual(cHsKeys.iv, v.clientHandshakeIv);

  // Server flight: EE, Certificate, CertificateVerify, Finished in one protected record.
  t.update(v.encryptedExtensions);
  t.update(v.certificate);
  t.update(v.certificateVerify);
  assert.deepEqual(ks.finishedKey(sHs), v.serverFinishedKey);
  const sVerify = ks.verifyData(sHs, t.digest(th), new Uint8Array(32));
  assert.deepEqual(sVerify, body(v.serverFinished));
  t.update(v.serverFinished);
  const flight = concat(v.encryptedExtensions, v.certificate, v.certificateVerify, v.serverFinished);
  assert.deepEqual(sealAt(sHsKeys, 0, ContentType.handshake, flight), v.serverHandshakeRecord);
  assert.deepEqual(openAt(sHsKeys, 0, v.serverHandshakeRecord), [ContentType.handshake, flight]);

  // Application secrets over ClientHello .. server Finished.
  assert.deepEqual(t.digest(th), v.serverFinishedHash);
  ks.master();
  const cAp = ks.clientApplicationTrafficSecret(th);
  const sAp = ks.serverApplicationTrafficSecret(th);
  assert.deepEqual(cAp, v.clientApplicationTraffic);
  assert.deepEqual(sAp, v.serverApplicationTraffic);
  assert.deepEqual(ks.exporterMasterSecret(th), v.exporterMaster);
  const sApKeys = trafficKeys(ks, sAp);
  const cApKeys = trafficKeys(ks, cAp);
  assert.deepEqual(sApKeys.key, v.serverApplicationKey);
  assert.deepEqual(sApKeys.iv, v.serverApplicationIv);
  assert.deepEqual(cApKeys.key, v.clientApplicationKey);
  assert.deepEqual(cApKeys.iv, v.clientApplicationIv);

  // Client Finished, over ClientHello .. server Finished.
  assert.deepEqual(ks.finishedKey(cHs), v.clientFinishedKey);
  assert.deepEqual(ks.verifyData(cHs, th, new Uint8Array(32)), body(v.clientFinished));
  assert.deepEqual(sealAt(cHsKeys, 0, ContentType.handshake, v.clientFinished), v.clientFinishedRecord);
  assert.deepEqual(openAt(cHsKeys, 0, v.clientFinishedRecord), [ContentType.handshake, v.clientFinished]);
  t.update(v.clientFinished);

  // Resumption master secret and the ticket's PSK (nonce 00 00 from the NewSessionTicket).
  assert.deepEqual(t.digest(th), v.clientFinishedHash);
  const rms = ks.resumptionMasterSecret(th);
  assert.deepEqual(rms, v.resumptionMaster);
  const nonce = v.newSessionTicket.subarray(13, 15);
  assert.equal(v.newSessionTicket[12], 2);
  assert.deepEqual(ks.resumptionPsk(rms, nonce), resumed.psk);
  // The master secret is gone now.
  assert.throws(() => ks.exporterMasterSecret(th), { name: 'INTERNAL' });

  // Records under the application keys, in the order of the trace.
  assert.deepEqual(sealAt(sApKeys, 0, ContentType.handshake, v.newSessionTicket), v.ticketRecord);
  assert.deepEqual(sealAt(cApKeys, 0, ContentType.application_data, appData), v.clientAppRecord);
  assert.deepEqual(sealAt(sApKeys, 1, ContentType.application_data, appData), v.serverAppRecord);
  const closeNotify = h('0100');
  assert.deepEqual(sealAt(cApKeys, 1, ContentType.alert, closeNotify), v.clientAlertRecord);
  assert.deepEqual(sealAt(sApKeys, 2, ContentType.alert, closeNotify), v.serverAlertRecord);
  assert.deepEqual(openAt(sApKeys, 0, v.ticketRecord), [ContentType.handshake, v.newSessionTicket]);
  assert.deepEqual(openAt(cApKeys, 0, v.clientAppRecord), [ContentType.application_data, appData]);
  assert.deepEqual(openAt(sApKeys, 1, v.serverAppRecord), [ContentType.application_data, appData]);
  assert.deepEqual(openAt(cApKeys, 1, v.clientAlertRecord), [ContentType.alert, closeNotify]);
  assert.deepEqual(openAt(sApKeys, 2, v.serverAlertRecord), [ContentType.alert, closeNotify]);
});

test('one RecordProtection per direction carries the whole server side in sequence', () => {
  const ks = new KeySchedule(sha256);
  const sHsKeys = trafficKeys(ks, v.serverHandshakeTraffic);
  const sApKeys = trafficKeys(ks, v.serverApplicationTraffic);
  const w = new RecordProtection();
  const buf = new Uint8Array(1024);
  const send = (type: number, content: Uint8Array) => {
    buf.set(content, 5);
    return buf.slice(0, w.seal(buf, 0, type, content.length, 0));
  };
  w.setKeys(aes128gcm, sHsKeys.key, sHsKeys.iv);
  const flight = concat(v.encryptedExtensions, v.certificate, v.certificateVerify, v.serverFinished);
  assert.deepEqual(send(ContentType.handshake, flight), v.serverHandshakeRecord);
  // Switching to the application key rekeys the same AEAD state and restarts at 0.
  w.setKeys(aes128gcm, sApKeys.key, sApKeys.iv);
  assert.equal(w.records, 0);
  assert.deepEqual(send(ContentType.handshake, v.newSessionTicket), v.ticketRecord);
  assert.deepEqual(send(ContentType.application_data, appData), v.serverAppRecord);
  assert.deepEqual(send(ContentType.alert, h('0100')), v.serverAlertRecord);
  assert.equal(w.records, 3);

  // And the client reads them with one state, in place in a single buffer.
  const r = new RecordProtection();
  r.setKeys(aes128gcm, sHsKeys.key, sHsKeys.iv);
  const stream = concat(v.serverHandshakeRecord, v.ticketRecord, v.serverAppRecord, v.serverAlertRecord);
  let off = 0;
  const got: [number, number][] = [];
  while (off < stream.length) {
    const len = (stream[off + 3] << 8) | stream[off + 4];
    got.push([r.open(stream, off, len), r.lastLength]);
    if (off === 0) r.setKeys(aes128gcm, sApKeys.key, sApKeys.iv);
    off += 5 + len;
  }
  assert.deepEqual(got, [
    [ContentType.handshake, flight.length],
    [ContentType.handshake, v.newSessionTicket.length],
    [ContentType.application_data, appData.length],
    [ContentType.alert, 2],
  ]);
  const appOff = v.serverHandshakeRecord.length + v.ticketRecord.length + 5;
  assert.deepEqual(stream.subarray(appOff, appOff + appData.length), appData);
});
