import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { Alert, ErrorCode, TlsFailure } from '../../core/errors.js';
import { decodeSession, encodeSession, obfuscatedAge, sessionUsable, type SessionState } from '../../core/session/session.js';

const DAY = 86400_000;

function state(o: Partial<SessionState> = {}): SessionState {
  return {
    suite: 0x1301,
    psk: new Uint8Array(randomBytes(32)),
    ticket: new Uint8Array(randomBytes(180)),
    lifetime: 7200,
    ageAdd: 0x89abcdef,
    receivedAt: 1_700_000_000_123,
    maxEarlyData: 16384,
    alpn: Uint8Array.of(0x68, 0x32), // "h2"
    serverName: 'device.example.com',
    ...o,
  };
}

/** Decoding must fail with BAD_SESSION / internal_error, nothing else. */
function rejects(bytes: Uint8Array, what: string): TlsFailure {
  try {
    decodeSession(bytes);
  } catch (e) {
    assert.ok(e instanceof TlsFailure, what + ': expected a TlsFailure, got ' + String(e));
    assert.equal(e.code, ErrorCode.BAD_SESSION, what + ': ' + e.message);
    assert.equal(e.alert, Alert.internal_error, what);
    return e;
  }
  return assert.fail(what + ': decoded');
}

function encodeFails(s: SessionState, what: string): void {
  assert.throws(() => encodeSession(s), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.BAD_SESSION, what);
}

test('the encoding follows the documented layout byte for byte', () => {
  const s = state({
    suite: 0x1302,
    psk: new Uint8Array(48).fill(0xaa),
    ticket: Uint8Array.of(1, 2, 3),
    lifetime: 604800,
    ageAdd: 0x01020304,
    receivedAt: 0x0123_4567_89ab, // needs more than 32 bits
    maxEarlyData: 0x4000,
    alpn: Uint8Array.of(0x68, 0x32),
    serverName: 'ab',
  });
  // Built from the format comment in core/session/session.ts, by hand.
  const expected = Buffer.concat([
    Buffer.from('MTLS', 'latin1'),
    Buffer.from([1, 0x03, 0x04]),
    Buffer.from([0x13, 0x02, 48]),
    Buffer.alloc(48, 0xaa),
    Buffer.from([0x00, 0x09, 0x3a, 0x80]), // 604800
    Buffer.from([0x01, 0x02, 0x03, 0x04]),
    Buffer.from([0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab]),
    Buffer.from([0x00, 0x00, 0x40, 0x00]),
    Buffer.from([2, 0x68, 0x32]),
    Buffer.from([2, 0x61, 0x62]),
    Buffer.from([0x00, 0x03, 1, 2, 3]),
  ]);
  assert.deepEqual(Buffer.from(encodeSession(s)), expected);
  assert.deepEqual(decodeSession(new Uint8Array(expected)), s);
});

test('round trips: SHA-256 and SHA-384 suites, no ALPN or name, large times, long tickets', () => {
  const cases: SessionState[] = [
    state(),
    state({ suite: 0x1302, psk: new Uint8Array(randomBytes(48)), alpn: null, serverName: null }),
    state({ suite: 0x1303, receivedAt: 0, lifetime: 0, ageAdd: 0, maxEarlyData: 0 }),
    state({ suite: 0x1305, receivedAt: 2 ** 53 - 1, ageAdd: 0xffffffff, maxEarlyData: 0xffffffff }),
    state({ ticket: new Uint8Array(randomBytes(0xffff)), alpn: new Uint8Array(255).fill(0x61), serverName: 'x'.repeat(255) }),
  ];
  for (const s of cases) {
    const bytes = encodeSession(s);
    assert.deepEqual(decodeSession(bytes), s);
  }
});

test('the decoded session shares no memory with the bytes it came from', () => {
  const s = state();
  const bytes = encodeSession(s);
  const d = decodeSession(bytes);
  bytes.fill(0);
  assert.deepEqual(d, s);
});

test('every truncation and any trailing byte is rejected', () => {
  const bytes = encodeSession(state());
  for (let n = 0; n < bytes.length; n++) rejects(bytes.subarray(0, n), 'truncated to ' + n);
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.match(rejects(longer, 'trailing byte').message, /trailing/);
});

test('wrong magic, format, TLS version, suite and out-of-range fields are rejected', () => {
  const base = encodeSession(state({ alpn: null, serverName: 'ab' }));
  const at = (off: number, ...v: number[]): Uint8Array => {
    const b = Uint8Array.from(base);
    b.set(v, off);
    return b;
  };
  // offsets from the documented layout: psk at 10..42, lifetime 42, ageAdd 46, time 50, maxEarlyData 58, alpn 62, name 63
  rejects(at(0, 0x4e), 'magic');
  rejects(at(4, 2), 'format version 2');
  rejects(at(5, 0x03, 0x03), 'TLS 1.2');
  rejects(at(7, 0x13, 0x06), 'unknown suite');
  rejects(at(7, 0x13, 0x02), 'SHA-384 suite with a 32-byte PSK');
  rejects(at(42, 0x00, 0x09, 0x3a, 0x81), 'lifetime of 7 days + 1 s');
  rejects(at(50, 0x00, 0x20, 0x00, 0x00), 'time above 2^53');
  rejects(at(64, 0x80), 'non-ASCII server name');
  rejects(at(63, 0), 'name length 0 (the name is then misread as the ticket length)');
  assert.equal(decodeSession(at(42, 0x00, 0x09, 0x3a, 0x80)).lifetime, 604800);
  // an empty ticket
  const s = encodeSession(state());
  const noTicket = Uint8Array.from(s.subarray(0, s.length - 180));
  noTicket[noTicket.length - 1] = 0;
  rejects(noTicket, 'empty ticket');
});

test('fuzz: mutations and random bytes either fail with BAD_SESSION or decode to a session that re-encodes identically', () => {
  const base = encodeSession(state({ ticket: new Uint8Array(randomBytes(40)) }));
  let decoded = 0;
  for (let i = 0; i < 5000; i++) {
    let b: Uint8Array;
    if (i % 4 === 0) {
      b = new Uint8Array(randomBytes(randomInt(0, 200)));
      if (i % 8 === 0 && b.length >= 7) b.set([0x4d, 0x54, 0x4c, 0x53, 1, 3, 4]);
    } else {
      b = Uint8Array.from(base);
      for (let k = randomInt(1, 4); k > 0; k--) b[randomInt(0, b.length)] = randomInt(0, 256);
      if (i % 3 === 0) b = b.subarray(0, randomInt(0, b.length + 1));
    }
    let s: SessionState;
    try {
      s = decodeSession(b);
    } catch (e) {
      assert.ok(e instanceof TlsFailure, 'only TlsFailure: ' + String(e));
      assert.equal(e.code, ErrorCode.BAD_SESSION);
      continue;
    }
    decoded++;
    assert.deepEqual(encodeSession(s), Uint8Array.from(b));
  }
  assert.ok(decoded > 0, 'some mutations (of PSK or ticket bytes) still decode');
});

test('encoding refuses states it could not decode', () => {
  encodeFails(state({ lifetime: 604801 }), 'lifetime');
  encodeFails(state({ psk: new Uint8Array(48) }), 'PSK length for SHA-256');
  encodeFails(state({ suite: 0x1300 }), 'suite');
  encodeFails(state({ ageAdd: 2 ** 32 }), 'ageAdd');
  encodeFails(state({ maxEarlyData: -1 }), 'maxEarlyData');
  encodeFails(state({ receivedAt: 1.5 }), 'fractional time');
  encodeFails(state({ receivedAt: 2 ** 53 }), 'time');
  encodeFails(state({ ticket: new Uint8Array(0) }), 'empty ticket');
  encodeFails(state({ ticket: new Uint8Array(0x10000) }), 'ticket too long');
  encodeFails(state({ alpn: new Uint8Array(0) }), 'empty ALPN');
  encodeFails(state({ serverName: '' }), 'empty name');
  encodeFails(state({ serverName: 'caf\u00e9' }), 'non-ASCII name');
});

test('obfuscated ticket age is (age in ms + ticket_age_add) mod 2^32 (RFC 8446 4.2.11.1)', () => {
  const rfc = (ageMs: number, ageAdd: number): number => Number((BigInt(ageMs) + BigInt(ageAdd)) % 2n ** 32n);
  const s = state({ receivedAt: 1_000_000, ageAdd: 0xffffffff });
  assert.equal(obfuscatedAge(s, 1_000_000), 0xffffffff);
  assert.equal(obfuscatedAge(s, 1_000_001), 0); // wraps
  assert.equal(obfuscatedAge(s, 1_000_000 + 5000), 4999);
  assert.equal(obfuscatedAge(state({ receivedAt: 0, ageAdd: 0xfffffff0 }), 0x20), 0x10);
  assert.equal(obfuscatedAge(state({ receivedAt: 500, ageAdd: 7 }), 100), 7, 'a clock behind receivedAt counts as age 0');
  for (let i = 0; i < 1000; i++) {
    const ageAdd = randomInt(0, 2 ** 32 - 1) + randomInt(0, 2);
    const receivedAt = randomInt(0, 2 ** 47);
    const age = randomInt(0, 7 * DAY);
    assert.equal(obfuscatedAge(state({ ageAdd, receivedAt }), receivedAt + age), rfc(age, ageAdd));
  }
});

test('a session is usable only within its lifetime and 7 days, and never with an unknown age', () => {
  const t = 1_700_000_000_000;
  const s = state({ receivedAt: t, lifetime: 7200 });
  assert.equal(sessionUsable(s, t), true);
  assert.equal(sessionUsable(s, t + 7200_000 - 1), true);
  assert.equal(sessionUsable(s, t + 7200_000), false);
  assert.equal(sessionUsable(s, t - 1), false);
  assert.equal(sessionUsable(state({ receivedAt: t, lifetime: 0 }), t), false);
  const week = state({ receivedAt: t, lifetime: 604800 });
  assert.equal(sessionUsable(week, t + 7 * DAY - 1), true);
  assert.equal(sessionUsable(week, t + 7 * DAY), false);
});
