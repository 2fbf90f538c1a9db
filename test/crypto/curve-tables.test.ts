// Precomputed curve tables are built when a Context asks (curveTables) and
// never on demand: a peer naming a group in its ClientHello makes the server
// use the group, not build its table (issue 13 item 6). Observed through the
// groups' precompute() (the only way our code builds a table; every base
// point starts table-free at load, core/crypto/curve-tables.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Context } from '../../core/index.js';
import { buildTables, withoutTables } from '../../core/crypto/curve-tables.js';
import { Context as EcdheContext } from '../../core/profiles/client-ecdhe.js';
import { nobleProvider, typedCurvesProvider } from '../../core/crypto/noble.js';
import { NamedGroup } from '../../core/registry.js';
import type { CryptoProvider, KeyExchange, PrivateKey } from '../../core/crypto/types.js';
import { pki } from '../helpers/peers.js';

const random = (d: Uint8Array): void => {
  for (let i = 0; i < d.length; i++) d[i] = (i * 31 + 7) & 0xff;
};

function counting(): { calls: number[]; restore(): void } {
  const calls: number[] = [];
  const saved: [KeyExchange, KeyExchange['precompute']][] = [];
  for (const code of [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1, NamedGroup.x448]) {
    const g = nobleProvider.group(code)!;
    saved.push([g, g.precompute]);
    (g as { precompute?: () => void }).precompute = () => calls.push(code);
  }
  return { calls, restore: () => { for (const [g, f] of saved) (g as { precompute?: () => void }).precompute = f; } };
}

test('curveTables: the full profile builds tables for its groups at Context creation, a device profile never', () => {
  const c = counting();
  try {
    new Context({ side: 'server', random, crypto: nobleProvider, groups: [NamedGroup.secp521r1, NamedGroup.x25519] });
    assert.deepEqual(c.calls, [NamedGroup.secp521r1, NamedGroup.x25519]);
    c.calls.length = 0;
    // The default provider's X25519 and P-256 are on typed arrays: no tables to build.
    new Context({ side: 'server', random, groups: [NamedGroup.secp521r1, NamedGroup.x25519, NamedGroup.secp256r1] });
    assert.deepEqual(c.calls, [NamedGroup.secp521r1]);
    assert.equal(typedCurvesProvider.group(NamedGroup.x25519)!.precompute, undefined);
    assert.equal(typedCurvesProvider.group(NamedGroup.secp256r1)!.precompute, undefined);
    c.calls.length = 0;
    new Context({ side: 'server', random, curveTables: false });
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
  const crypto: CryptoProvider = { ...nobleProvider, precomputeSigning: (key) => keys.push(key.kind) };
  const key = readFileSync(pki('server-ecdsa.key'), 'latin1');
  new Context({ side: 'server', random, crypto, curveTables: false }).usePrivateKeyBuffer(key);
  assert.deepEqual(keys, []);
  new Context({ side: 'server', random, crypto }).usePrivateKeyBuffer(key);
  assert.deepEqual(keys, ['ec']);
});

test('a base point\'s table is built once, however many Contexts ask, and again after withoutTables', () => {
  const windows: number[] = [];
  const base = { precompute: (w: number) => windows.push(w) };
  buildTables(base);
  buildTables(base);
  assert.deepEqual(windows, [6]);
  withoutTables(base);
  buildTables(base);
  assert.deepEqual(windows, [6, 1, 6]);
});
