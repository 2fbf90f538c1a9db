// The dist/moddable bundle of the full profile on XS (xsnap) against the same
// bundle on Node: one program (wire-run.ts) with seeded randomness and a
// fixed clock runs every suite x group handshake, each server key type,
// mutual authentication, HelloRetryRequest, external PSK (psk_ke,
// psk_dhe_ke) and ticket resumption, then application records each way per
// suite. The engine must produce identical bytes on both: every line
// (negotiated parameters, wire and plaintext checksums) has to match.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type * as Microtls from '../../core/index.js';
import { runWire, type Pki, type RunOptions } from './wire-run.js';
import { built, dist, pkiFiles, pkiModule, prepare, runXsModule, spec } from './xs.js';

// 64-byte records keep XS's per-byte cost (30-160x Node's) within CI time.
const OPTIONS: RunOptions = { now: Date.now(), records: 1000, recordSize: 64 };
const XS_TIMEOUT_MS = 600_000;

test('full profile on XS: same negotiation and same bytes on the wire as on Node', { timeout: XS_TIMEOUT_MS + 120_000 }, async (t) => {
  const xsnap = await prepare();
  const bundle = dist('moddable/full.js');
  const driver = built('test/xs/wire-run.js');
  const main = [
    `import * as lib from ${spec(bundle)};`,
    `import { runWire } from ${spec(driver)};`,
    `import pki from './pki.js';`,
    `try {`,
    `  runWire(lib, pki, ${JSON.stringify(OPTIONS)}, print);`,
    `} catch (e) {`,
    `  print('ERROR ' + e + (e && e.stack ? '\\n' + e.stack : ''));`,
    `}`,
  ].join('\n');
  const xs = await runXsModule(xsnap, { 'main.mjs': main, 'pki.js': pkiModule() }, 'main.mjs', XS_TIMEOUT_MS);

  const lib = (await import(pathToFileURL(bundle).href)) as typeof Microtls;
  const pki: Pki = pkiFiles();
  const nodeLines: string[] = [];
  const started = performance.now();
  runWire(lib, pki, OPTIONS, (line) => nodeLines.push(line));
  const nodeMs = performance.now() - started;

  const xsLines = xs.stdout.trim().split('\n');
  t.diagnostic(`XS ${(xs.ms / 1000).toFixed(1)} s, Node ${(nodeMs / 1000).toFixed(1)} s (ratio ${(xs.ms / nodeMs).toFixed(0)}x, XS time includes loading)`);
  assert.equal(xs.status, 0, 'xsnap exit status; stderr: ' + xs.stderr);
  assert.deepEqual(xsLines, nodeLines);

  // What each case must have negotiated (checked on the Node run; XS matched it line for line).
  const byName = new Map(nodeLines.map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
  const field = (name: string, key: string): string | undefined => byName.get(name)?.match(new RegExp('(?:^| )' + key + '=(\\S+)'))?.[1];
  const suites = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];
  const groups = ['x25519', 'secp256r1', 'secp384r1', 'secp521r1', 'x448'];
  for (const suite of suites) {
    for (const group of groups) {
      const name = `full ${suite} ${group}`;
      assert.equal(field(name, 'c'), '0', name + ': ' + byName.get(name));
      assert.equal(field(name, 's'), '0', name);
      assert.equal(field(name, 'suite'), suite, name);
      assert.equal(field(name, 'group'), group, name);
      assert.equal(field(name, 'scheme'), 'ecdsa_secp256r1_sha256', name);
      assert.equal(field(name, 'mode'), 'full', name);
      assert.equal(field(name, 'server-agrees'), 'true', name);
    }
    const records = byName.get('records ' + suite) ?? '';
    const bytes = String(OPTIONS.records * OPTIONS.recordSize);
    assert.match(records, new RegExp(`^up=${bytes}:\\w{16} down=${bytes}:\\w{16} `), 'records ' + suite);
  }
  const schemes: Record<string, string> = {
    'cert server-rsa': 'rsa_pss_rsae_sha256',
    'cert server-rsapss': 'rsa_pss_pss_sha256',
    'cert server-ed25519': 'ed25519',
    'cert server-ecdsa384': 'ecdsa_secp384r1_sha384',
    'cert server-ed448': 'ed448',
    'mutual client-ecdsa': 'ecdsa_secp256r1_sha256',
    'mutual client-rsa': 'ecdsa_secp256r1_sha256',
  };
  for (const [name, scheme] of Object.entries(schemes)) {
    assert.equal(field(name, 'c') + ' ' + field(name, 's'), '0 0', name + ': ' + byName.get(name));
    assert.equal(field(name, 'scheme'), scheme, name);
  }
  assert.equal(field('hrr', 'group'), 'secp256r1', 'hrr: ' + byName.get('hrr'));
  assert.equal(field('psk psk_ke', 'mode'), 'psk/psk_ke', 'psk_ke: ' + byName.get('psk psk_ke'));
  assert.equal(field('psk psk_ke', 'group'), '-');
  assert.equal(field('psk psk_dhe_ke', 'mode'), 'psk/psk_dhe_ke', 'psk_dhe_ke: ' + byName.get('psk psk_dhe_ke'));
  assert.equal(field('psk psk_dhe_ke', 'group'), 'x25519');
  assert.equal(field('resume', 'mode'), 'resumed/psk_dhe_ke', 'resume: ' + byName.get('resume'));
  assert.equal(nodeLines[nodeLines.length - 1], 'DONE');
});
