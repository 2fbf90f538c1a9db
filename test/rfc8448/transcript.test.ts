// The running transcript hash against node:crypto: the held ClientHello,
// digests that do not end the running state, uncommitted suffixes, misuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { sha256, sha384 } from '../../core/crypto/hash.js';
import { Alert, ErrorCode } from '../../core/errors.js';
import type { Hash, HashState } from '../../core/crypto/types.js';
import { Transcript } from '../../core/handshake/transcript.js';

const ref = (alg: string, ...parts: Uint8Array[]) => {
  const hh = createHash(alg);
  for (const p of parts) hh.update(p);
  return new Uint8Array(hh.digest());
};
const internal = { code: ErrorCode.INTERNAL, alert: Alert.internal_error };

test('the ClientHello is held until the hash is known, then hashed once', () => {
  const ch = new Uint8Array(randomBytes(300));
  const sh = randomBytes(90);
  const ee = randomBytes(40);
  const t = new Transcript();
  t.update(ch);
  assert.equal(t.hash, null);
  t.setHash(sha384);
  assert.equal(t.hash, sha384);
  t.update(sh);
  const out = new Uint8Array(48);
  assert.deepEqual(t.digest(out), ref('sha384', ch, sh));
  // Digests do not end the running state; later messages keep adding up.
  assert.deepEqual(t.digest(new Uint8Array(48)), ref('sha384', ch, sh));
  t.update(ee);
  assert.deepEqual(t.digest(out), ref('sha384', ch, sh, ee));
  // The held bytes were consumed at setHash: changing them now changes nothing.
  const original = new Uint8Array(ch);
  ch.fill(0);
  assert.deepEqual(t.digest(out), ref('sha384', original, sh, ee));
});

test('a server may choose the hash before the first message', () => {
  const ch = randomBytes(100);
  const t = new Transcript();
  t.setHash(sha256);
  t.update(ch);
  assert.deepEqual(t.digest(new Uint8Array(32)), ref('sha256', ch));
});

test('digestWith adds a suffix without committing it, before and after setHash', () => {
  const ch = randomBytes(200);
  const prefix = ch.subarray(0, 165);
  const t = new Transcript();
  const out = new Uint8Array(32);
  // Before any message and before the hash: Hash(prefix) for a first ClientHello's binder.
  assert.deepEqual(t.digestWith(sha256, out, prefix), ref('sha256', prefix));
  t.update(ch);
  assert.deepEqual(t.digestWith(sha256, out), ref('sha256', ch));
  assert.deepEqual(t.digestWith(sha384, new Uint8Array(48)), ref('sha384', ch));
  t.setHash(sha256);
  const hrr = randomBytes(80);
  t.update(hrr);
  assert.deepEqual(t.digestWith(sha256, out, prefix), ref('sha256', ch, hrr, prefix));
  assert.deepEqual(t.digest(out), ref('sha256', ch, hrr));
  // Once the hash is chosen, a PSK of another hash cannot be used.
  assert.throws(() => t.digestWith(sha384, new Uint8Array(48), prefix), internal);
});

test('the held ClientHello is hashed once when the PSK hash is the suite hash', () => {
  let hashed = 0;
  const counting: Hash = {
    ...sha256,
    create() {
      const wrap = (st: HashState): HashState => ({
        update(d) {
          hashed += d.length;
          st.update(d);
          return this;
        },
        digestInto: (o) => st.digestInto(o),
        clone: () => wrap(st.clone()),
      });
      return wrap(sha256.create());
    },
  };
  const ch = randomBytes(500);
  const sh = randomBytes(90);
  const t = new Transcript();
  t.update(ch);
  const out = new Uint8Array(32);
  assert.deepEqual(t.digestWith(counting, out), ref('sha256', ch)); // client_early_traffic_secret's hash
  t.setHash(counting);
  t.update(sh);
  assert.deepEqual(t.digest(out), ref('sha256', ch, sh));
  assert.equal(hashed, ch.length + sh.length);
  // When the server picks another hash, the held message is hashed again under it.
  const t2 = new Transcript();
  t2.update(ch);
  t2.digestWith(sha384, new Uint8Array(48));
  t2.setHash(sha256);
  assert.deepEqual(t2.digest(out), ref('sha256', ch));
});

test('misuse is an internal error', () => {
  const t = new Transcript();
  assert.throws(() => t.digest(new Uint8Array(32)), internal);
  assert.throws(() => t.replaceWithMessageHash(), internal);
  t.update(randomBytes(10));
  assert.throws(() => t.update(randomBytes(10)), internal);
  t.setHash(sha256);
  assert.throws(() => t.setHash(sha256), internal);
});
