// The crypto toolkit bundle (dist/moddable/crypto.js: microtls/crypto and
// the Moddable provisioning flow) on XS: every output line equals the same
// run on Node, and OpenSSL accepts what XS made (the CSR, the certificate).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { toolkitScenario, type CryptoBundle } from './toolkit-scenario.js';
import { built, dist, distReady, pkiFiles, pkiModule, prepare, root, runXsModule, spec } from './xs.js';

const NOW = Date.now();

test('crypto toolkit and provisioning on XS: the same bytes as on Node, accepted by OpenSSL', { timeout: 300_000 }, async (t) => {
  const xsnap = await prepare();
  const bundle = dist('moddable/crypto.js');
  const main = [
    `import * as C from ${spec(bundle)};`,
    `import { toolkitScenario } from ${spec(built('test/xs/toolkit-scenario.js'))};`,
    `import pki from './pki.js';`,
    `try {`,
    `  toolkitScenario(C, pki['client-rsa.key'], pki['ca.crt'], pki['ca.key'], ${NOW}, print);`,
    `} catch (e) {`,
    `  print('ERROR ' + e + (e && e.message ? ' ' + e.message : '') + (e && e.stack ? '\\n' + e.stack : ''));`,
    `}`,
  ].join('\n');
  const files = { 'main.mjs': main, 'pki.js': pkiModule() };
  const xs = await runXsModule(xsnap, files, 'main.mjs', 240_000);
  t.diagnostic(`XS run ${(xs.ms / 1000).toFixed(1)} s`);
  assert.equal(xs.status, 0, xs.stderr);

  const C = (await import(pathToFileURL(bundle).href)) as CryptoBundle;
  const pki = pkiFiles();
  const nodeLines: string[] = [];
  toolkitScenario(C, pki['client-rsa.key'], pki['ca.crt'], pki['ca.key'], NOW, (l) => nodeLines.push(l));
  assert.deepEqual(xs.stdout.trim().split('\n'), nodeLines);
  assert.equal(nodeLines[nodeLines.length - 1], 'DONE');

  const line = (name: string) => xs.stdout.split('\n').find((l) => l.startsWith(name + ': '))!.slice(name.length + 2).replace(/\|/g, '\n');
  assert.match(line('second boot'), /created false, same key true, certificate null/);
  assert.equal(line('installing a certificate for another key'), 'BAD_KEY');
  assert.equal(line('third boot'), 'certificate true');
  const dir = mkdtempSync(join(tmpdir(), 'microtls-xs-toolkit-'));
  try {
    writeFileSync(join(dir, 'dev.csr'), line('csr'));
    writeFileSync(join(dir, 'dev.pem'), line('certificate'));
    writeFileSync(join(dir, 'p256.pem'), line('P-256 key'));
    const ossl = (...args: string[]) => spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    const req = ossl('req', '-verify', '-in', 'dev.csr', '-noout', '-subject');
    assert.equal(req.status, 0, req.stderr);
    assert.match(req.stdout + req.stderr, /verify OK/);
    assert.match(req.stdout, /subject=CN = device-1, O = microtls/);
    const v = ossl('verify', '-CAfile', join(built('pki'), 'ca.crt'), '-purpose', 'sslclient', 'dev.pem');
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.equal(ossl('pkey', '-in', 'p256.pem', '-check', '-noout').status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the provisioning example: its manifest maps files that exist, and main.js parses', async () => {
  await distReady();
  const appDir = join(root, 'ports', 'moddable', 'provision');
  const app = JSON.parse(readFileSync(join(appDir, 'manifest.json'), 'utf8')) as { include: string[]; modules: Record<string, string | string[]> };
  assert.ok(app.include.some((p) => join(appDir, p) === join(root, 'manifest.json')), 'the app includes the library manifest');
  for (const name of ['microtls', 'microtls/crypto']) assert.ok(existsSync(join(appDir, (app.modules[name] as string) + '.js')), name);
  const check = spawnSync(process.execPath, ['--check', join(appDir, 'main.js')], { encoding: 'utf8', input: '' });
  assert.equal(check.status, 0, check.stderr);
});
