// The key schedule beyond the SHA-256 traces: the whole SHA-384 chain, KeyUpdate
// and the PSK paths against an independent HKDF built on node:crypto's HMAC,
// and the order the stages must be walked in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { sha256, sha384 } from '../../core/crypto/hash.js';
import { Alert, ErrorCode } from '../../core/errors.js';
import { KeySchedule, hkdfExpandLabel } from '../../core/handshake/key-schedule.js';
import { simple } from './vectors.js';

// --- reference HKDF (RFC 5869) and HKDF-Expand-Label (RFC 8446 7.1) on node:crypto ---
const u8 = (b: Buffer) => new Uint8Array(b);
function reference(alg: 'sha256' | 'sha384') {
  const len = alg === 'sha256' ? 32 : 48;
  const extract = (salt: Uint8Array, ikm: Uint8Array) => u8(createHmac(alg, salt).update(ikm).digest());
  function expand(prk: Uint8Array, info: Buffer, n: number): Uint8Array {
    let t = Buffer.alloc(0);
    let okm = Buffer.alloc(0);
    for (let i = 1; okm.length < n; i++) {
      t = createHmac(alg, prk).update(Buffer.concat([t, info, Buffer.from([i])])).digest();
      okm = Buffer.concat([okm, t]);
    }
    return u8(okm.subarray(0, n));
  }
  function expandLabel(secret: Uint8Array, label: string, ctx: Uint8Array, n: number): Uint8Array {
    const full = Buffer.from('tls13 ' + label, 'latin1');
    const info = Buffer.concat([Buffer.from([n >> 8, n & 0xff, full.length]), full, Buffer.from([ctx.length]), ctx]);
    return expand(secret, info, n);
  }
  const derive = (secret: Uint8Array, label: string, th: Uint8Array) => expandLabel(secret, label, th, len);
  return { len, extract, expandLabel, derive, emptyHash: u8(createHash(alg).digest()) };
}
const { len: N, extract, expandLabel, derive, emptyHash } = reference('sha384');
const failure = (code: number, alert: number) => ({ code, alert });

test('SHA-384 schedule with a PSK matches the reference at every step', () => {
  const psk = randomBytes(N);
  const ecdhe = randomBytes(48);
  const [th1, th2, th3, th4] = [0, 1, 2, 3].map(() => randomBytes(N));
  const zeros = new Uint8Array(N);

  const early = extract(zeros, psk);
  const hs = extract(derive(early, 'derived', emptyHash), ecdhe);
  const ms = extract(derive(hs, 'derived', emptyHash), zeros);

  const ks = new KeySchedule(sha384);
  ks.early(psk);
  assert.deepEqual(ks.binderKey(false), derive(early, 'ext binder', emptyHash));
  assert.deepEqual(ks.binderKey(true), derive(early, 'res binder', emptyHash));
  assert.deepEqual(ks.clientEarlyTrafficSecret(th1), derive(early, 'c e traffic', th1));
  assert.deepEqual(ks.earlyExporterMasterSecret(th1), derive(early, 'e exp master', th1));
  ks.handshake(ecdhe);
  const cHs = ks.clientHandshakeTrafficSecret(th2);
  assert.deepEqual(cHs, derive(hs, 'c hs traffic', th2));
  assert.deepEqual(ks.serverHandshakeTrafficSecret(th2), derive(hs, 's hs traffic', th2));
  ks.master();
  const cAp = ks.clientApplicationTrafficSecret(th3);
  assert.deepEqual(cAp, derive(ms, 'c ap traffic', th3));
  assert.deepEqual(ks.serverApplicationTrafficSecret(th3), derive(ms, 's ap traffic', th3));
  assert.deepEqual(ks.exporterMasterSecret(th3), derive(ms, 'exp master', th3));
  const rms = ks.resumptionMasterSecret(th4);
  assert.deepEqual(rms, derive(ms, 'res master', th4));

  // Finished (RFC 8446 4.4.4) and traffic keys for a 32-byte key.
  const fk = expandLabel(cHs, 'finished', new Uint8Array(0), N);
  assert.deepEqual(ks.finishedKey(cHs), fk);
  assert.deepEqual(ks.verifyData(cHs, th3, new Uint8Array(N)), u8(createHmac('sha384', fk).update(th3).digest()));
  const out = { key: new Uint8Array(32), iv: new Uint8Array(12) };
  ks.trafficKeys(cAp, 32, out);
  assert.deepEqual(out.key, expandLabel(cAp, 'key', new Uint8Array(0), 32));
  assert.deepEqual(out.iv, expandLabel(cAp, 'iv', new Uint8Array(0), 12));

  // Ticket PSK with a longer nonce.
  const nonce = randomBytes(8);
  assert.deepEqual(ks.resumptionPsk(rms, nonce), expandLabel(rms, 'resumption', nonce, N));
});

test('KeyUpdate: next application traffic secret, new or in place, after clear()', () => {
  const ks = new KeySchedule(sha384);
  ks.clear(); // the engine keeps the schedule for KeyUpdate after the handshake
  const secret = new Uint8Array(randomBytes(N));
  const want1 = expandLabel(secret, 'traffic upd', new Uint8Array(0), N);
  const want2 = expandLabel(want1, 'traffic upd', new Uint8Array(0), N);
  const next = ks.nextApplicationTrafficSecret(secret);
  assert.notEqual(next, secret);
  assert.deepEqual(next, want1);
  assert.equal(ks.nextApplicationTrafficSecret(next, next), next);
  assert.deepEqual(next, want2);
});

test('psk_ke (no ECDHE) extracts zeros into the Handshake Secret', () => {
  const r = reference('sha256');
  const psk = randomBytes(32);
  const zeros = new Uint8Array(32);
  const th = randomBytes(32);
  const hs = r.extract(r.derive(r.extract(zeros, psk), 'derived', r.emptyHash), zeros);
  const ks = new KeySchedule(sha256);
  ks.early(psk);
  ks.handshake(null);
  assert.deepEqual(ks.clientHandshakeTrafficSecret(th), r.derive(hs, 'c hs traffic', th));
});

test('without early(), handshake() starts from the zero Early Secret (RFC 8448 section 3)', () => {
  const ks = new KeySchedule(sha256);
  ks.handshake(simple.sharedSecret);
  assert.deepEqual(ks.clientHandshakeTrafficSecret(simple.helloHash), simple.clientHandshakeTraffic);
});

test('stages are walked in order; misuse is an internal error', () => {
  const th = new Uint8Array(32);
  const internal = failure(ErrorCode.INTERNAL, Alert.internal_error);
  const ks = new KeySchedule(sha256);
  assert.throws(() => ks.binderKey(true), internal);
  assert.throws(() => ks.master(), internal);
  ks.early(null);
  assert.throws(() => ks.early(null), internal);
  assert.throws(() => ks.clientHandshakeTrafficSecret(th), internal);
  ks.handshake(new Uint8Array(32));
  assert.throws(() => ks.clientEarlyTrafficSecret(th), internal);
  assert.throws(() => ks.clientApplicationTrafficSecret(th), internal);
  assert.throws(() => ks.serverHandshakeTrafficSecret(new Uint8Array(48)), internal); // wrong hash length
  ks.master();
  assert.throws(() => ks.handshake(null), internal);
  ks.clear();
  assert.throws(() => ks.clientApplicationTrafficSecret(th), internal);
  // Label and context lengths are bounded by their one-byte length fields.
  assert.throws(() => hkdfExpandLabel(sha256, th, new Uint8Array(250), new Uint8Array(0), 32), internal);
  assert.throws(() => hkdfExpandLabel(sha256, th, new Uint8Array(3), new Uint8Array(256), 32), internal);
});
