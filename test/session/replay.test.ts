import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { ErrorCode, TlsFailure } from '../../core/errors.js';
import { ReplayGuard } from '../../core/session/replay.js';

const T0 = 1_700_000_000_000;
const id = (): Uint8Array => new Uint8Array(randomBytes(16));

test('a ticket use is accepted once; the second use is refused', () => {
  const g = new ReplayGuard(8, 10_000);
  const a = id();
  const b = id();
  assert.equal(g.accept(a, 5000, 5100, T0), true);
  assert.equal(g.accept(a, 5000, 5100, T0), false);
  assert.equal(g.accept(Uint8Array.from(a), 5500, 5600, T0 + 500), false, 'same id in another buffer, later');
  assert.equal(g.accept(b, 5000, 5100, T0), true, 'another id is independent');
});

test('only the first 16 bytes of an id count; shorter ids are a programming error', () => {
  const g = new ReplayGuard(4, 1000);
  const binder = new Uint8Array(randomBytes(32));
  assert.equal(g.accept(binder, 0, 0, T0), true);
  const sameStart = Uint8Array.from(binder);
  sameStart[31] ^= 1;
  assert.equal(g.accept(sameStart, 0, 0, T0), false);
  assert.throws(() => g.accept(new Uint8Array(15), 0, 0, T0), (e: unknown) => e instanceof TlsFailure && e.code === ErrorCode.INTERNAL);
});

test('freshness window in both directions (RFC 8446 8.3)', () => {
  const w = 2000;
  const g = new ReplayGuard(16, w);
  const client = 60_000;
  assert.equal(g.accept(id(), client, client + w, T0), true, 'arrives exactly one window late');
  assert.equal(g.accept(id(), client, client + w + 1, T0), false, 'later than the window');
  assert.equal(g.accept(id(), client, client - w, T0), true, 'client clock exactly one window ahead');
  assert.equal(g.accept(id(), client, client - w - 1, T0), false, 'client clock too far ahead');
  assert.equal(g.accept(id(), NaN, client, T0), false);
  // refused for freshness: nothing recorded, so the same id is accepted once fresh
  const x = id();
  assert.equal(g.accept(x, client, client + w + 1, T0), false);
  assert.equal(g.accept(x, client, client, T0), true);
});

test('a full store refuses new ids without recording them; expiry frees slots', () => {
  const w = 1000;
  const g = new ReplayGuard(3, w);
  const ids = [id(), id(), id()];
  for (const x of ids) assert.equal(g.accept(x, 0, 0, T0), true);
  const late = id();
  assert.equal(g.accept(late, 0, 0, T0 + 1), false, 'full');
  // an entry recorded with age difference 0 lives one window: a replay until then still passes freshness
  assert.equal(g.accept(late, w, w, T0 + w), false, 'still full at the last moment a replay could pass');
  assert.equal(g.accept(ids[0], 0, w, T0 + w), false, 'and that replay is caught');
  assert.equal(g.accept(late, w + 1, w + 1, T0 + w + 1), true, 'expired entries free their slots');
});

test('entries live exactly as long as a replay could pass the freshness check', () => {
  const w = 1000;
  // recorded when the ClientHello arrived w early (late = -w): a replay passes for two windows
  const g = new ReplayGuard(1, w);
  const a = id();
  assert.equal(g.accept(a, 5000, 5000 - w, T0), true);
  assert.equal(g.accept(id(), 0, 0, T0 + 2 * w), false, 'slot still held after 2 windows');
  assert.equal(g.accept(a, 5000, 5000 + w, T0 + 2 * w), false, 'the replay (now late by +w) is caught');
  assert.equal(g.accept(id(), 0, 0, T0 + 2 * w + 1), true, 'slot free after');
  // recorded when it arrived w late: no replay can pass later, the slot frees at once
  const h = new ReplayGuard(1, w);
  assert.equal(h.accept(id(), 0, w, T0), true);
  assert.equal(h.accept(id(), 0, 0, T0 + 1), true);
});

test('property: no replay of an accepted use is ever accepted, whatever the timing and load', () => {
  const w = 500;
  const g = new ReplayGuard(32, w);
  const uses: { id: Uint8Array; client: number; issued: number }[] = [];
  let now = T0;
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    now += randomInt(0, 40);
    if (uses.length > 0 && randomInt(0, 3) === 0) {
      // an attacker replays a recorded ClientHello: same id, same client age; the server's age has moved on
      const u = uses[randomInt(0, uses.length)];
      assert.equal(g.accept(u.id, u.client, now - u.issued, now), false, 'replay accepted at step ' + i);
    } else {
      const client = randomInt(0, 100_000);
      const issued = now - client + randomInt(-w - 50, w + 50);
      const u = { id: id(), client, issued };
      if (g.accept(u.id, client, now - issued, now)) {
        accepted++;
        uses.push(u);
        if (uses.length > 200) uses.shift();
      }
    }
  }
  assert.ok(accepted > 1000, 'fresh uses keep being accepted as entries expire: ' + accepted);
});

test('memory is fixed: the store keeps its arrays and their size', () => {
  const g = new ReplayGuard(64, 100);
  const ids = g['ids'];
  const until = g['until'];
  assert.equal(ids.length, 64 * 16);
  assert.equal(until.length, 64);
  let now = T0;
  for (let i = 0; i < 10_000; i++) {
    now += randomInt(0, 5);
    g.accept(id(), 0, 0, now);
  }
  assert.equal(g['ids'], ids);
  assert.equal(g['until'], until);
  assert.equal(ids.length, 64 * 16);
  assert.equal(until.length, 64);
});

test('bad configuration fails with BAD_CONFIG', () => {
  const badConfig = (e: unknown): boolean => e instanceof TlsFailure && e.code === ErrorCode.BAD_CONFIG;
  for (const c of [0, -1, 1.5, NaN, 2 ** 21]) assert.throws(() => new ReplayGuard(c, 1000), badConfig, 'capacity ' + c);
  for (const w of [-1, NaN, Infinity]) assert.throws(() => new ReplayGuard(4, w), badConfig, 'window ' + w);
});
