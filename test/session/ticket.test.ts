import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes, randomInt } from 'node:crypto';
import { nobleProvider } from '../../core/crypto/noble.js';
import type { CryptoProvider } from '../../core/crypto/types.js';
import { ErrorCode, TlsFailure } from '../../core/errors.js';
import { MAX_KEYS, MAX_TICKET, TicketKeys, ticketReplayId, type TicketKey, type TicketState } from '../../core/session/ticket.js';
import { random } from '../engine/pair.js';

const T0 = 1_700_000_000_000;
const HOUR = 3600_000;

function key(fill?: number, notAfter?: number): TicketKey {
  const k: TicketKey = {
    name: new Uint8Array(fill === undefined ? randomBytes(16) : Buffer.alloc(16, fill)),
    key: new Uint8Array(randomBytes(32)),
  };
  if (notAfter !== undefined) k.notAfter = notAfter;
  return k;
}

function state(o: Partial<TicketState> = {}): TicketState {
  return {
    suite: 0x1301,
    psk: new Uint8Array(randomBytes(32)),
    ageAdd: randomInt(0, 2 ** 32 - 1),
    issuedAt: T0,
    lifetime: 7200,
    maxEarlyData: 1024,
    alpn: Uint8Array.of(0x68, 0x32),
    serverName: 'localhost',
    ...o,
  };
}

/** AES-256-GCM with node:crypto, as an independent implementation of the documented ticket layout. */
function nodeSeal(k: TicketKey, plain: Uint8Array): Uint8Array {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', k.key, nonce);
  c.setAAD(k.name);
  return new Uint8Array(Buffer.concat([k.name, nonce, c.update(plain), c.final(), c.getAuthTag()]));
}

function nodeOpen(k: TicketKey, ticket: Uint8Array): Buffer {
  const t = Buffer.from(ticket);
  assert.deepEqual(t.subarray(0, 16), Buffer.from(k.name), 'key name first');
  const d = createDecipheriv('aes-256-gcm', k.key, t.subarray(16, 28));
  d.setAAD(k.name);
  d.setAuthTag(t.subarray(t.length - 16));
  return Buffer.concat([d.update(t.subarray(28, t.length - 16)), d.final()]);
}

test('a ticket is name || nonce || AES-256-GCM(format 1 || state) || tag, and opens to the same state', () => {
  const k = key();
  const keys = new TicketKeys(nobleProvider, random, [k]);
  const s = state({
    suite: 0x1302,
    psk: new Uint8Array(48).fill(0x5a),
    ageAdd: 0xdeadbeef,
    issuedAt: 0x0123_4567_89ab,
    lifetime: 3600,
    maxEarlyData: 0,
    alpn: null,
    serverName: 'a',
  });
  const ticket = keys.seal(s);
  // The plaintext, built by hand from the format comments of ticket.ts and resumption.ts.
  const expected = Buffer.concat([
    Buffer.from([1, 0x13, 0x02, 48]),
    Buffer.alloc(48, 0x5a),
    Buffer.from([0x00, 0x00, 0x0e, 0x10]),
    Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    Buffer.from([0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab]),
    Buffer.from([0, 0, 0, 0, 0, 1, 0x61]),
  ]);
  assert.deepEqual(nodeOpen(k, ticket), expected);
  assert.equal(ticket.length, 16 + 12 + expected.length + 16);
  assert.ok(ticket.length <= MAX_TICKET);
  const copy = Uint8Array.from(ticket);
  assert.deepEqual(keys.open(ticket, 0x0123_4567_89ab + 1000), s);
  assert.deepEqual(ticket, copy, 'open leaves the ticket untouched (it is in the transcript)');
  // and a ticket sealed by node:crypto opens here
  assert.deepEqual(keys.open(nodeSeal(k, expected), 0x0123_4567_89ab), s);
});

test('round trips with the default random key; nonces differ; ALPN and name may be absent', () => {
  const keys = new TicketKeys(nobleProvider, random);
  for (const s of [state(), state({ alpn: null, serverName: null, suite: 0x1303 }), state({ maxEarlyData: 0xffffffff, ageAdd: 0 })]) {
    const a = keys.seal(s);
    const b = keys.seal(s);
    assert.notDeepEqual(a, b);
    assert.deepEqual(a.subarray(0, 16), b.subarray(0, 16), 'same key name');
    assert.deepEqual(keys.open(a, T0), s);
    assert.deepEqual(keys.open(b, T0), s);
    assert.notDeepEqual(ticketReplayId(a), ticketReplayId(b));
    assert.deepEqual(ticketReplayId(a), a.subarray(a.length - 16));
  }
});

test('the opened state shares no memory with the ticket or the sealer', () => {
  const keys = new TicketKeys(nobleProvider, random);
  const s = state();
  const ticket = keys.seal(s);
  const opened = keys.open(ticket, T0)!;
  keys.open(keys.seal(state()), T0); // reuses the sealer's scratch
  ticket.fill(0);
  assert.deepEqual(opened, s);
});

test('expired tickets and tickets issued for longer than 7 days do not open', () => {
  const keys = new TicketKeys(nobleProvider, random);
  const t = keys.seal(state({ lifetime: 60 }));
  assert.ok(keys.open(t, T0 + 60_000), 'issuedAt + lifetime is still valid');
  assert.equal(keys.open(t, T0 + 60_001), null);
  assert.throws(() => keys.seal(state({ lifetime: 604801 })), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_SESSION);
});

test('rotation: the new key seals, the old one opens within the window and not after', () => {
  const a = key(0xa1);
  const b = key(0xb2);
  const keys = new TicketKeys(nobleProvider, random, [a]);
  const long = state({ lifetime: 604800 });
  const ta = keys.seal(long);
  keys.rotate(T0, b, HOUR);
  const tb = keys.seal(long);
  assert.deepEqual(tb.subarray(0, 16), b.name);
  assert.deepEqual(keys.open(ta, T0 + HOUR), long);
  assert.equal(keys.open(ta, T0 + HOUR + 1), null, 'old key past its window');
  assert.deepEqual(keys.open(tb, T0 + HOUR + 1), long);
  // default window: the longest ticket lifetime, so a 7-day ticket under the old key still opens after 6 days
  keys.rotate(T0 + 1000);
  assert.deepEqual(keys.open(tb, T0 + 6 * 24 * HOUR), long);
  assert.notDeepEqual(keys.seal(long).subarray(0, 16), b.name, 'a random new key seals');
  // window 0 drops the old keys at once
  keys.rotate(T0 + 2000, undefined, 0);
  assert.equal(keys.open(tb, T0 + 2000), null);
});

test('a key past its configured notAfter, or an unknown key name, opens nothing', () => {
  const k = key(0x11, T0 + 1000);
  const keys = new TicketKeys(nobleProvider, random, [k]);
  const t = keys.seal(state());
  assert.ok(keys.open(t, T0 + 1000));
  assert.equal(keys.open(t, T0 + 1001), null);
  const other = new TicketKeys(nobleProvider, random);
  assert.equal(other.open(t, T0), null);
  // same name, different key: the tag fails
  assert.equal(new TicketKeys(nobleProvider, random, [{ name: k.name, key: new Uint8Array(32) }]).open(t, T0), null);
});

test('rotation keeps at most MAX_KEYS keys, dropping the oldest', () => {
  const first = key(0);
  const keys = new TicketKeys(nobleProvider, random, [first]);
  const tickets = [keys.seal(state())];
  for (let i = 1; i <= MAX_KEYS; i++) {
    keys.rotate(T0, key(i));
    tickets.push(keys.seal(state()));
  }
  assert.equal(keys.open(tickets[0], T0), null, 'the oldest key was dropped');
  for (let i = 1; i <= MAX_KEYS; i++) assert.ok(keys.open(tickets[i], T0), 'key ' + i);
});

test('any changed, missing or added byte makes a ticket not open', () => {
  const keys = new TicketKeys(nobleProvider, random);
  const t = keys.seal(state());
  for (let i = 0; i < t.length; i++) {
    const m = Uint8Array.from(t);
    m[i] ^= 1 << (i % 8);
    assert.equal(keys.open(m, T0), null, 'byte ' + i);
  }
  for (let n = 0; n < t.length; n++) assert.equal(keys.open(t.subarray(0, n), T0), null, 'truncated to ' + n);
  const longer = new Uint8Array(t.length + 1);
  longer.set(t);
  assert.equal(keys.open(longer, T0), null);
});

test('authentic tickets with a malformed plaintext do not open', () => {
  const k = key();
  const keys = new TicketKeys(nobleProvider, random, [k]);
  const good = nodeOpen(k, keys.seal(state()));
  const variants: [string, Uint8Array][] = [
    ['format 2', Uint8Array.from(good).fill(2, 0, 1)],
    ['trailing byte', new Uint8Array(Buffer.concat([good, Buffer.from([0])]))],
    ['truncated', new Uint8Array(good.subarray(0, good.length - 1))],
    ['unknown suite', Uint8Array.from(good).fill(0x07, 2, 3)],
    ['one byte', Uint8Array.of(1)],
    ['too long to be ours', new Uint8Array(MAX_TICKET)],
  ];
  for (const [what, plain] of variants) assert.equal(keys.open(nodeSeal(k, plain), T0), null, what);
  assert.ok(keys.open(nodeSeal(k, good), T0), 'the unmodified plaintext opens');
});

test('thousands of random tickets, with and without a known key name, open to null without throwing', () => {
  const k = key();
  const keys = new TicketKeys(nobleProvider, random, [k]);
  for (let i = 0; i < 5000; i++) {
    const t = new Uint8Array(randomBytes(randomInt(0, MAX_TICKET + 64)));
    if (i % 2 === 0 && t.length >= 16) t.set(k.name);
    assert.equal(keys.open(t, T0), null);
  }
});

test('bad configuration fails with BAD_CONFIG', () => {
  const badConfig = (e: unknown): boolean => e instanceof TlsFailure && e.code === ErrorCode.BAD_CONFIG;
  assert.throws(() => new TicketKeys(nobleProvider, random, []), badConfig);
  assert.throws(() => new TicketKeys(nobleProvider, random, [{ name: new Uint8Array(15), key: new Uint8Array(32) }]), badConfig);
  assert.throws(() => new TicketKeys(nobleProvider, random, [{ name: new Uint8Array(16), key: new Uint8Array(16) }]), badConfig);
  assert.throws(() => new TicketKeys(nobleProvider, random, [{ name: new Uint8Array(16), key: new Uint8Array(32), notAfter: NaN }]), badConfig);
  assert.throws(() => new TicketKeys(nobleProvider, random, Array.from({ length: MAX_KEYS + 1 }, () => key())), badConfig);
  const noAead: CryptoProvider = { ...nobleProvider, aead: () => undefined };
  assert.throws(() => new TicketKeys(noAead, random), badConfig);
});
