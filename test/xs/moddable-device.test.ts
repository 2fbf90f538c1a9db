// The ESP32 budget on the real Moddable tools: the device check app
// (moddable-app/main.js) built with `mcconfig -m -p lin`, microtls preloaded
// from the profile's own manifest, XS created with an ESP32 target's fixed
// heap (chunks and slots that never grow, the ESP32 stack), run under Xvfb
// against openssl s_server on 127.0.0.1: three connections in a row, each a
// full handshake, 4 KB each way (openssl -rev answers every line reversed)
// and close. In a fixed heap XS aborts on "memory full" or "stack overflow",
// so a run that prints DONE stayed inside the budget. And no module state is
// mutated at run time: the app counts the preloaded objects and closures
// written to from its start to the end (XS copies each into RAM), and that is
// none.
// Needs MICROTLS_MODDABLE (a writable copy of the SDK, set by .ci/run from
// ../shared/tools/moddable) and xvfb-run; skipped with the reason otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { opensslServer, pki } from '../helpers/peers.js';
import { PSK_HEX, PSK_IDENTITY, opensslPsk } from '../helpers/psk.js';
import { mcconfig, missing, runApp } from './moddable-sdk.js';
import { distReady, root } from './xs.js';

/** Moddable's ESP32 targets' XS heap, and half of it for the PSK client (issue 11). */
const ESP32 = { chunk: 78848, slots: 4928, stack: 512 };
const HALF = { chunk: 39424, slots: 2464, stack: 384 };
const RUNS = 3;
const BYTES = 4096;

interface Budget { chunk: number; slots: number; stack: number }

/** Writes and builds the app for one profile; returns the path of its mc.so. */
function build(name: string, profile: string, budget: Budget, config: Record<string, string | number>): string {
  const dir = join(tmpdir(), 'microtls-' + name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const embed = spawnSync(process.execPath, [join(root, 'ports', 'moddable', 'example', 'embed-ca.mjs'), pki('ca.crt'), join(dir, 'ca.js')], { encoding: 'utf8' });
  assert.equal(embed.status, 0, embed.stderr);
  const manifest = {
    include: [
      '$(MODDABLE)/examples/manifest_base.json',
      '$(MODDABLE)/examples/manifest_net.json',
      '$(MODDABLE)/modules/io/manifest.json',
      join(root, profile === 'full' ? 'manifest.json' : 'manifest_' + profile + '.json'),
    ],
    modules: { '*': [join(root, 'test', 'xs', 'moddable-app', 'main'), join(root, 'test', 'xs', 'moddable-native-app', 'probe'), join(root, 'test', 'xs', 'moddable-echo'), './ca'] },
    preload: ['ca', 'probe', 'moddable-echo'],
    creation: {
      static: 0,
      chunk: { initial: budget.chunk, incremental: 0 },
      heap: { initial: budget.slots, incremental: 0 },
      stack: budget.stack,
    },
    config: { address: '127.0.0.1', server: 'localhost', runs: RUNS, bytes: BYTES, ...config },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, '\t'));
  return mcconfig(dir, 'microtls-' + name, 600_000);
}

function assertCompleted(out: string): void {
  assert.doesNotMatch(out, /XS abort|^FAIL/m, out);
  assert.match(out, /^DONE$/m, out);
  assert.equal(out.match(/^@ echo ok 4096$/gm)?.length, RUNS, out);
  assert.equal(out.match(/^@ closed$/gm)?.length, RUNS, out);
  assert.match(out, /^@ aliases 0$/m, out);
}

// Config values reach the app as strings through mc/config; the port is known only once the server runs.
async function device(t: TestContext, name: string, profile: string, budget: Budget, config: Record<string, string | number>, server: Parameters<typeof opensslServer>[0]): Promise<string> {
  await distReady();
  const s = await opensslServer({ naccept: RUNS, ...server });
  try {
    const app = build(name, profile, budget, { ...config, port: s.port });
    const out = await runApp(app, /^(DONE|FAIL)/m);
    t.diagnostic(out.split('\n').filter((l) => l.startsWith('@ connected')).join('; '));
    return out;
  } finally {
    await s.stop();
  }
}

test('ESP32 heap, preloaded client-ecdhe: x25519, ECDSA P-256 chain with an intermediate, AES-128-GCM, 1 KB records, 3 connections of 4 KB each way', { skip: missing ?? false, timeout: 900_000 }, async (t) => {
  const out = await device(t, 'device-ecdhe-1k', 'client-ecdhe', ESP32, { maxFragmentLength: 1024 }, { ciphersuites: 'TLS_AES_128_GCM_SHA256', groups: 'X25519' });
  assertCompleted(out);
});

test('ESP32 heap, preloaded client-ecdhe: x25519, ECDSA P-256 chain with an intermediate, AES-128-GCM, default 16 KB records, 3 connections of 4 KB each way', { skip: missing ?? false, timeout: 900_000 }, async (t) => {
  const out = await device(t, 'device-ecdhe-16k', 'client-ecdhe', ESP32, {}, { ciphersuites: 'TLS_AES_128_GCM_SHA256', groups: 'X25519' });
  assertCompleted(out);
});

test('half the ESP32 heap, preloaded client-psk: psk_ke, AES-128-CCM, max_fragment_length 1024, 3 connections of 4 KB each way', { skip: missing ?? false, timeout: 900_000 }, async (t) => {
  const out = await device(t, 'device-psk', 'client-psk', HALF, { psk: PSK_HEX, identity: PSK_IDENTITY, maxFragmentLength: 1024 },
    { nocert: true, ciphersuites: 'TLS_AES_128_CCM_SHA256', extra: opensslPsk(true) });
  assertCompleted(out);
});
