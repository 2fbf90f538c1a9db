// RFC 8448 section 4, "Resumed 0-RTT Handshake": the ticket PSK of section 3,
// the PSK binder over the truncated ClientHello, the early secrets and the
// early data record, then the PSK + ECDHE handshake through application data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '../../core/crypto/hash.js';
import { ContentType } from '../../core/registry.js';
import { KeySchedule } from '../../core/handshake/key-schedule.js';
import { Transcript } from '../../core/handshake/transcript.js';
import { resumed as v, simple, appData, body, h, openAt, sealAt, trafficKeys } from './vectors.js';

const BINDERS_LEN = 2 + 1 + 32; // PskBinderEntry list: length, binder length, binder

test('ticket PSK from the resumption master secret and nonce', () => {
  const ks = new KeySchedule(sha256);
  assert.deepEqual(ks.resumptionPsk(simple.resumptionMaster, v.ticketNonce), v.psk);
});

test('binder, early secrets and the early data record', () => {
  const ks = new KeySchedule(sha256);
  ks.early(v.psk);
  const binderKey = ks.binderKey(true);
  assert.deepEqual(binderKey, v.binderKey);
  // An external PSK uses another label, so another key.
  assert.notDeepEqual(ks.binderKey(false), v.binderKey);
  assert.deepEqual(ks.finishedKey(binderKey), v.binderFinishedKey);

  // The client hashes the truncated ClientHello before it knows the suite.
  const t = new Transcript();
  const ch = v.clientHello;
  const truncated = ch.subarray(0, ch.length - BINDERS_LEN);
  const th = new Uint8Array(32);
  assert.deepEqual(t.digestWith(sha256, th, truncated), v.binderHash);
  const binder = ks.verifyData(binderKey, th, new Uint8Array(32));
  assert.deepEqual(binder, v.binder);
  assert.deepEqual(ch.subarray(ch.length - 32), binder);

  // The early secrets hash the whole ClientHello, still before ServerHello.
  t.update(ch);
  assert.deepEqual(t.digestWith(sha256, th), v.clientHelloHash);
  const cets = ks.clientEarlyTrafficSecret(th);
  assert.deepEqual(cets, v.clientEarlyTraffic);
  assert.deepEqual(ks.earlyExporterMasterSecret(th), v.earlyExporterMaster);
  const early = trafficKeys(ks, cets);
  assert.deepEqual(early.key, v.earlyKey);
  assert.deepEqual(early.iv, v.earlyIv);
  assert.deepEqual(sealAt(early, 0, ContentType.application_data, v.earlyData), v.earlyDataRecord);
  assert.deepEqual(openAt(early, 0, v.earlyDataRecord), [ContentType.application_data, v.earlyData]);
});

test('PSK + ECDHE handshake: server flight, EndOfEarlyData, Finished and application data', () => {
  const ks = new KeySchedule(sha256);
  const t = new Transcript();
  const th = new Uint8Array(32);
  ks.early(v.psk);
  t.update(v.clientHello);
  const early = trafficKeys(ks, ks.clientEarlyTrafficSecret(t.digestWith(sha256, th)));

  t.setHash(sha256);
  t.update(v.serverHello);
  const sh = v.serverHello;
  ks.handshake(x25519.getSharedSecret(v.clientPrivate, sh.subarray(sh.length - 38, sh.length - 6)));
  t.digest(th);
  const cHs = ks.clientHandshakeTrafficSecret(th);
  const sHs = ks.serverHandshakeTrafficSecret(th);

  // The server's EncryptedExtensions and Finished, authenticated by its Finished.
  const flight = openAt(trafficKeys(ks, sHs), 0, v.serverHandshakeRecord);
  const ee = v.encryptedExtensions;
  assert.deepEqual(flight, [ContentType.handshake, new Uint8Array([...ee, ...v.serverFinished])]);
  t.update(ee);
  assert.deepEqual(ks.verifyData(sHs, t.digest(th), new Uint8Array(32)), body(v.serverFinished));
  t.update(v.serverFinished);
  ks.master();
  t.digest(th);
  const cAp = trafficKeys(ks, ks.clientApplicationTrafficSecret(th));
  const sAp = trafficKeys(ks, ks.serverApplicationTrafficSecret(th));

  // EndOfEarlyData goes under the early key after the early data record.
  const eoed = h('05000000');
  assert.deepEqual(sealAt(early, 1, ContentType.handshake, eoed), v.endOfEarlyDataRecord);
  t.update(eoed);
  const fin = new Uint8Array(36);
  fin.set(h('14000020'));
  ks.verifyData(cHs, t.digest(th), fin.subarray(4));
  assert.deepEqual(sealAt(trafficKeys(ks, cHs), 0, ContentType.handshake, fin), v.clientFinishedRecord);

  assert.deepEqual(sealAt(cAp, 0, ContentType.application_data, appData), v.clientAppRecord);
  assert.deepEqual(sealAt(sAp, 0, ContentType.application_data, appData), v.serverAppRecord);
});
