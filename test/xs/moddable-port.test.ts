// The Moddable port on XS: TlsClient over TcpIo from the dist/moddable
// bundles (client-ecdhe and client-psk profiles) against a simulated
// ECMA-419 socket with Moddable's behaviour (tcp-sim.ts), checked event by
// event and against the same run on Node; and the port's files as the
// Moddable tools will see them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type * as Microtls from '../../core/index.js';
import { runScenarios } from './tcp-scenarios.js';
import type { Bundle } from './tcp-sim.js';
import { built, dist, pkiFiles, pkiModule, prepare, root, runXsModule, spec } from './xs.js';

const NOW = Date.now();

test('TlsClient over a simulated ECMA-419 socket: same events on XS and Node', { timeout: 300_000 }, async (t) => {
  const xsnap = await prepare();
  const bundles = ['full', 'client-ecdhe', 'client-psk'].map((p) => dist('moddable/' + p + '.js'));
  const main = [
    `import * as full from ${spec(bundles[0])};`,
    `import * as ecdhe from ${spec(bundles[1])};`,
    `import * as psk from ${spec(bundles[2])};`,
    `import { runScenarios } from ${spec(built('test/xs/tcp-scenarios.js'))};`,
    `import pki from './pki.js';`,
    `try {`,
    `  runScenarios(full, ecdhe, psk, pki, ${NOW}, print);`,
    `} catch (e) {`,
    `  print('ERROR ' + e + (e && e.stack ? '\\n' + e.stack : ''));`,
    `}`,
  ].join('\n');
  const xs = await runXsModule(xsnap, { 'main.mjs': main, 'pki.js': pkiModule() }, 'main.mjs', 240_000);
  t.diagnostic(`XS run ${(xs.ms / 1000).toFixed(1)} s`);
  assert.equal(xs.status, 0, xs.stderr);

  const [full, ecdhe, psk] = await Promise.all(bundles.map((b) => import(pathToFileURL(b).href)));
  const nodeLines: string[] = [];
  runScenarios(full as typeof Microtls, ecdhe as Bundle, psk as Bundle, pkiFiles(), NOW, (l) => nodeLines.push(l));
  assert.deepEqual(xs.stdout.trim().split('\n'), nodeLines);

  const events = (name: string) => nodeLines.filter((l) => l.startsWith(name + ': ')).map((l) => l.slice(name.length + 2));
  for (const name of ['client-ecdhe, host socket', 'client-ecdhe, lwip socket', 'client-ecdhe, 5000-byte message through 1536-byte windows']) {
    const e = events(name);
    const size = name.includes('5000') ? 5000 : 13;
    assert.equal(e[0], 'connected 0x1301 full', name);
    assert.ok(e.includes(`echo matches (${size} bytes)`), name + ': ' + e.join(' | '));
    assert.ok(e.includes('closed') && e.includes('server got close_notify'), name + ': ' + e.join(' | '));
    assert.ok(!e.some((x) => x.startsWith('error') || x.startsWith('server error')), name + ': ' + e.join(' | '));
  }
  const dropped = events('client-ecdhe, server drops the connection after answering');
  assert.ok(dropped.includes('echo matches (13 bytes)'), dropped.join(' | '));
  assert.ok(dropped.includes('error CONNECTION_CLOSED'), 'a close without close_notify is an error: ' + dropped.join(' | '));
  assert.ok(!dropped.includes('closed'), dropped.join(' | '));
  const p = events('client-psk, psk_dhe_ke');
  assert.equal(p[0], 'connected 0x1304 psk/psk_dhe_ke', p.join(' | '));
  assert.ok(p.includes('echo matches (13 bytes)') && p.includes('closed'), p.join(' | '));
  assert.equal(nodeLines[nodeLines.length - 1], 'DONE');
});

test('One Moddable manifest per profile, each mapping and preloading its own bundle; the example includes one', async () => {
  await prepare();
  const profiles: Record<string, string> = { 'manifest.json': 'full', 'manifest_client-ecdhe.json': 'client-ecdhe', 'manifest_client-psk.json': 'client-psk' };
  for (const [file, profile] of Object.entries(profiles)) {
    const lib = JSON.parse(readFileSync(join(root, file), 'utf8'));
    assert.equal(lib.modules.microtls, './dist/moddable/' + profile, file);
    assert.ok(existsSync(join(root, lib.modules.microtls + '.js')), lib.modules.microtls);
    for (const ext of ['.js', '.c']) assert.ok(existsSync(join(root, lib.modules['microtls/random'] + ext)), 'random' + ext);
    assert.deepEqual([...lib.preload].sort(), ['microtls', 'microtls/random'], file + ': both modules preloaded');
  }
  const appDir = join(root, 'ports', 'moddable', 'example');
  const app = JSON.parse(readFileSync(join(appDir, 'manifest.json'), 'utf8'));
  const included = app.include.map((p: string) => join(appDir, p)).filter((p: string) => Object.keys(profiles).some((f) => p === join(root, f)));
  assert.deepEqual(included, [join(root, 'manifest_client-ecdhe.json')], 'the example includes exactly one profile manifest');
  assert.equal(app.modules.microtls, undefined, 'the example does not map microtls itself (the included manifest decides)');
  const check = spawnSync(process.execPath, ['--check', join(appDir, 'main.js')], { encoding: 'utf8', input: '' });
  assert.equal(check.status, 0, check.stderr);
});

test('random.c compiles against the XS headers', () => {
  const xs = join(root, 'node_modules', '@agoric', 'xsnap');
  const r = spawnSync('cc', [
    '-fsyntax-only', '-Wall', '-Werror',
    '-I', join(xs, 'moddable', 'xs', 'includes'), '-I', join(xs, 'moddable', 'xs', 'platforms'),
    '-I', join(xs, 'moddable', 'xs', 'sources'), '-I', join(xs, 'xsnap-native', 'xsnap', 'sources'),
    '-DINCLUDE_XSPLATFORM', '-DXSPLATFORM="xsnapPlatform.h"',
    join(root, 'ports', 'moddable', 'random.c'),
  ], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
