// RFC 8448 section 5, "HelloRetryRequest": ClientHello1 is replaced in the
// transcript by the synthetic message_hash message; the server's Finished and
// the client's protected Finished record of the trace prove the transcript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { sha256, sha384 } from '../../core/crypto/hash.js';
import { ContentType } from '../../core/registry.js';
import { KeySchedule } from '../../core/handshake/key-schedule.js';
import { Transcript } from '../../core/handshake/transcript.js';
import { hrr as v, body, concat, sealAt, trafficKeys } from './vectors.js';

const P256_SHARE = 65;

test('message_hash transcript matches an independent computation (SHA-256 and SHA-384)', () => {
  for (const [hash, name] of [[sha256, 'sha256'], [sha384, 'sha384']] as const) {
    const t = new Transcript();
    t.update(v.clientHello1);
    t.setHash(hash);
    t.replaceWithMessageHash();
    t.update(v.helloRetryRequest);
    t.update(v.clientHello2);
    const ch1Hash = createHash(name).update(v.clientHello1).digest();
    const expected = createHash(name)
      .update(Uint8Array.of(254, 0, 0, hash.outputLen))
      .update(ch1Hash)
      .update(v.helloRetryRequest)
      .update(v.clientHello2)
      .digest();
    assert.deepEqual(t.digest(new Uint8Array(hash.outputLen)), new Uint8Array(expected));
  }
});

test('handshake after HelloRetryRequest reproduces the server and client Finished', () => {
  // The secp256r1 key shares in ClientHello2 and ServerHello are the trace's keys.
  const ch2 = v.clientHello2;
  const sh = v.serverHello;
  const clientShare = p256.getPublicKey(v.clientP256Private, false);
  const serverShare = sh.subarray(sh.length - 6 - P256_SHARE, sh.length - 6);
  assert.notEqual(Buffer.from(ch2).indexOf(Buffer.from(clientShare)), -1);
  assert.deepEqual(p256.getPublicKey(v.serverP256Private, false), serverShare);
  const shared = p256.getSharedSecret(v.clientP256Private, serverShare).subarray(1);

  const t = new Transcript();
  const ks = new KeySchedule(sha256);
  const th = new Uint8Array(32);
  t.update(v.clientHello1);
  t.setHash(sha256); // the HelloRetryRequest names TLS_AES_128_GCM_SHA256
  t.replaceWithMessageHash();
  t.update(v.helloRetryRequest);
  t.update(ch2);
  t.update(sh);
  ks.handshake(shared);
  t.digest(th);
  const cHs = ks.clientHandshakeTrafficSecret(th);
  const sHs = ks.serverHandshakeTrafficSecret(th);

  t.update(v.encryptedExtensions);
  t.update(v.certificate);
  t.update(v.certificateVerify);
  assert.deepEqual(ks.verifyData(sHs, t.digest(th), new Uint8Array(32)), body(v.serverFinished));
  t.update(v.serverFinished);

  const verify = ks.verifyData(cHs, t.digest(th), new Uint8Array(32));
  const finished = concat(Uint8Array.of(20, 0, 0, 32), verify);
  assert.deepEqual(sealAt(trafficKeys(ks, cHs), 0, ContentType.handshake, finished), v.clientFinishedRecord);
});
