// Precomputed curve tables are built when a Context asks (curveTables, off by
// default) and never on demand: a peer naming a group in its ClientHello
// makes the server use the group, not build its table (issue 13 item 6).
// Observed through the groups' precompute() (the only way our code builds a
// table; every base point starts table-free at load, core/crypto/curve-tables.ts).
// Where no table can be built (a preloaded Moddable bundle; checked on the real
// tools by test/xs/moddable-load.test.ts) the Context is refused, naming the option.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Context } from '../../core/index.js';
import { ErrorCode, TlsFailure } from '../../core/errors.js';
import { buildTables, withoutTables } from '../../core/crypto/curve-tables.js';
import { Context as EcdheContext } from '../../core/profiles/client-ecdhe.js';
import { nobleProvider, typedCurvesProvider } from '../../core/crypto/noble.js';
import { NamedGroup } from '../../core/registry.js';
import type { CryptoProvider, KeyExchange, PrivateKey } from '../../core/crypto/types.js';
import { pki } from '../helpers/peers.js';

const random = (d: Uint8Array): void => {
  for (let i = 0; i < d.length; i++) d[i] = (i * 31 + 7) & 0xff;
};

function counting(answer = true): { calls: number[]; restore(): void } {
  const calls: number[] = [];
  const saved: [KeyExchange, KeyExchange['precompute']][] = [];
  for (const code of [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1, NamedGroup.x448]) {
    const g = nobleProvider.group(code)!;
    saved.push([g, g.precompute]);
    g.precompute = () => {
      calls.push(code);
      return answer;
    };
  }
  return { calls, restore: () => { for (const [g, f] of saved) g.precompute = f; } };
}

test('curveTables: a Context asking for them builds tables for its groups at creation; by default no profile does', () => {
  const c = counting();
  try {
    new Context({ side: 'server', random, crypto: nobleProvider, curveTables: true, groups: [NamedGroup.secp521r1, NamedGroup.x25519] });
    assert.deepEqual(c.calls, [NamedGroup.secp521r1, NamedGroup.x25519]);
    c.calls.length = 0;
    // The default provider's X25519 and P-256 are on typed arrays: no tables to build.
    new Context({ side: 'server', random, curveTables: true, groups: [NamedGroup.secp521r1, NamedGroup.x25519, NamedGroup.secp256r1] });
    assert.deepEqual(c.calls, [NamedGroup.secp521r1]);
    assert.equal(typedCurvesProvider.group(NamedGroup.x25519)!.precompute, undefined);
    assert.equal(typedCurvesProvider.group(NamedGroup.secp256r1)!.precompute, undefined);
    c.calls.length = 0;
    new Context({ side: 'server', random, crypto: nobleProvider });
    new EcdheContext({ side: 'client', random, verify: 'none' });
    assert.deepEqual(c.calls, []);
  } finally {
    c.restore();
  }
});

test('a handshake over secp521r1 builds no table when the server Context did not ask for them', () => {
  const c = counting();
  try {
    const server = new Context({ side: 'server', random, curveTables: false, groups: [NamedGroup.secp521r1], pskServer: () => ({ identity: new Uint8Array([1]), key: new Uint8Array(32) }) });
    const client = new Context({ side: 'client', random, curveTables: false, verify: 'none', groups: [NamedGroup.secp521r1], pskClient: () => ({ identity: new Uint8Array([1]), key: new Uint8Array(32) }) });
    const a = client.newConnection();
    const b = server.newConnection();
    const buf = new Uint8Array(32 * 1024);
    let ca = -2;
    let cb = -2;
    for (let i = 0; i < 10 && (ca !== 0 || cb !== 0); i++) {
      ca = a.connect();
      for (let n; (n = a.takeOutput(buf)) > 0; ) b.receive(buf, 0, n);
      cb = b.accept();
      for (let n; (n = b.takeOutput(buf)) > 0; ) a.receive(buf, 0, n);
    }
    assert.equal(ca, 0);
    assert.equal(cb, 0);
    assert.equal(a.negotiated()?.group, NamedGroup.secp521r1);
    assert.deepEqual(c.calls, []);
  } finally {
    c.restore();
  }
});

test('curveTables: a Context builds the table of its own signing key\'s curve when the key is set, not without curveTables', () => {
  const keys: PrivateKey['kind'][] = [];
  let answer = true;
  const crypto: CryptoProvider = { ...nobleProvider, precomputeSigning: (key) => keys.push(key.kind) > 0 && answer };
  const key = readFileSync(pki('server-ecdsa.key'), 'latin1');
  new Context({ side: 'server', random, crypto }).usePrivateKeyBuffer(key);
  assert.deepEqual(keys, []);
  new Context({ side: 'server', random, crypto, curveTables: true }).usePrivateKeyBuffer(key);
  assert.deepEqual(keys, ['ec']);
  // Where no table can be built: refused, naming the option, and the key is not taken.
  answer = false;
  const context = new Context({ side: 'server', random, crypto, curveTables: true });
  assert.throws(() => context.usePrivateKeyBuffer(key), (e) => e instanceof TlsFailure && e.code === ErrorCode.BAD_CONFIG && /curveTables/.test(e.message));
  assert.equal(context.privateKey, null);
});

test('curveTables where no table can be built: the Context is refused with BAD_CONFIG naming the option', () => {
  const c = counting(false);
  try {
    assert.throws(() => new Context({ side: 'client', random, crypto: nobleProvider, curveTables: true, groups: [NamedGroup.secp384r1], verify: 'none' }),
      (e) => e instanceof TlsFailure && e.code === ErrorCode.BAD_CONFIG && /curveTables: no curve tables .*set curveTables: false/.test(e.message));
    // Without the option nothing is tried.
    new Context({ side: 'client', random, crypto: nobleProvider, groups: [NamedGroup.secp384r1], verify: 'none' });
    assert.deepEqual(c.calls, [NamedGroup.secp384r1]);
  } finally {
    c.restore();
  }
});

test('a base point\'s table is built once per Context that asks (its groups and key may share a curve), and not at all where noble cannot key it', () => {
  const windows: number[] = [];
  const base = { precompute: (w: number) => windows.push(w) };
  const context: object[] = [];
  assert.equal(buildTables(base, context), true);
  assert.equal(buildTables(base, context), true);
  assert.deepEqual(windows, [6]);
  assert.equal(buildTables(base, []), true);
  assert.deepEqual(windows, [6, 6]);
  withoutTables(base);
  assert.deepEqual(windows, [6, 6, 1]);
  // XS refuses a preloaded (flash) object as a WeakMap key: noble's precompute throws, buildTables answers false.
  const preloaded = { precompute: () => { throw new TypeError('key: read-only'); } };
  const built: object[] = [];
  assert.equal(buildTables(preloaded, built), false);
  assert.equal(built.length, 0);
});
