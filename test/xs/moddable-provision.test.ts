// The Moddable provisioning example (ports/moddable/provision) on the real
// Moddable tools: built with `mcconfig -m -p lin`, run under Xvfb. First
// boot: the device makes its key, keeps it in Preference and prints its CSR.
// The CSR is signed by a CA made with the toolkit, the certificate compiled
// in, and the second boot installs it and authenticates with it to
// `openssl s_server -Verify 1` (mutual TLS).
// Needs MICROTLS_MODDABLE (a writable Moddable SDK, set by .ci/run from
// ../shared/tools/moddable) and xvfb-run; skipped with the reason otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { certificatePem, createSelfSigned, generateKey, signCsr } from '../../core/profiles/crypto.js';
import { cleanup, opensslServer, pki } from '../helpers/peers.js';
import { SDK, mcconfig, missing, runApp } from './moddable-sdk.js';
import { distReady, root } from './xs.js';

const APP = join(root, 'ports', 'moddable', 'provision');
const NAME = 'microtls-provision-test';
const random = (d: Uint8Array): void => { randomFillSync(d); };

/** The example's manifest with absolute paths, its own ca/certificate modules and Preference file, built; returns mc.so. */
function build(dir: string, port: number): string {
  const app = JSON.parse(readFileSync(join(APP, 'manifest.json'), 'utf8'));
  const abs = (p: string) => (p.startsWith('$(') ? p : join(APP, p));
  const own = (m: string) => basename(m) === 'ca' || basename(m) === 'certificate';
  const manifest = {
    ...app,
    include: app.include.map(abs),
    modules: {
      ...Object.fromEntries(Object.entries(app.modules as Record<string, string | string[]>).map(([k, v]) =>
        [k, Array.isArray(v) ? v.map((m) => (own(m) ? join(dir, basename(m)) : abs(m))) : abs(v)])),
    },
    config: { ...app.config, device: 'device-7', address: '127.0.0.1', port, server: 'localhost', sntp: '', file: { root: dir + '/' } },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, '\t'));
  return mcconfig(dir, basename(dir));
}

test('Moddable provisioning: key made and kept on first boot, CSR signed, mutual TLS with openssl s_server -Verify 1', { skip: missing ?? false, timeout: 1_500_000 }, async () => {
  await distReady();
  const dir = mkdtempSync(join(tmpdir(), NAME + '-'));
  try {
    const embed = (pem: string, out: string) => {
      const r = spawnSync(process.execPath, [join(root, 'ports', 'moddable', 'example', 'embed-ca.mjs'), pem, join(dir, out)], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    };
    embed(pki('ca.crt'), 'ca.js');
    writeFileSync(join(dir, 'certificate.js'), 'export default null;\n');
    const caKey = generateKey('P-256', { random });
    const caPem = certificatePem(createSelfSigned(caKey, '/CN=Device CA', { random, now: Date.now() - 60_000 }));
    writeFileSync(join(dir, 'device-ca.pem'), caPem);
    const srv = await opensslServer({ clientAuth: 'require', extra: ['-CAfile', join(dir, 'device-ca.pem'), '-verify_return_error'] });

    const first = await runApp(build(dir, srv.port), /-----END CERTIFICATE REQUEST-----/);
    assert.match(first, /device key generated and stored\n/);
    assert.ok(readFileSync(join(dir, 'modpreferences.json'), 'utf8').includes('"key"'), 'the key is in Preference');
    const csr = /-----BEGIN CERTIFICATE REQUEST-----[\s\S]*?-----END CERTIFICATE REQUEST-----/.exec(first)![0];
    const cert = signCsr(csr, caPem, caKey, { random, now: Date.now() - 60_000, days: 2, extKeyUsage: ['clientAuth'] });
    writeFileSync(join(dir, 'device.pem'), certificatePem(cert));
    embed(join(dir, 'device.pem'), 'certificate.js');

    const second = await runApp(build(dir, srv.port), /closed\n|TLS error/);
    assert.match(second, /device key loaded\ncertificate installed\nmutual TLS connected as device-7\nreply: 7-ecived morf olleh/);
    await srv.waitFor(/Peer certificate: CN = device-7/);
    assert.ok(readFileSync(join(dir, 'modpreferences.json'), 'utf8').includes('"cert"'), 'the certificate is in Preference');
  } finally {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
    for (const d of ['tmp', 'bin']) rmSync(join(SDK, 'build', d, 'lin', 'mc', 'release', basename(dir)), { recursive: true, force: true });
  }
});
