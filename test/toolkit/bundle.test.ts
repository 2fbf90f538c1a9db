// microtls/crypto tree-shakes: the whole entry carries no TLS engine, and an
// application that imports one function carries only what that function
// needs (rollup over the dist/ build, as scripts/size.mjs does).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { rollup } from '@rollup/wasm-node';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { root } from '../xs/xs.js';

interface Config { SRC: string; treeshake: object }

/** The modules rollup keeps for an entry whose source is `code` (imports relative to the toolkit entry). */
async function kept(code: string): Promise<{ modules: string[]; bytes: number }> {
  const { ensureDist } = (await import(pathToFileURL(join(root, 'scripts', 'build-dist.mjs')).href)) as { ensureDist(): Promise<void> };
  await ensureDist();
  const { SRC, treeshake } = (await import(pathToFileURL(join(root, 'rollup.config.mjs')).href)) as Config;
  const entry = join(SRC, 'core', 'profiles', 'crypto.js');
  const bundle = await rollup({
    input: 'app',
    treeshake,
    plugins: [{ name: 'app', resolveId: (id: string) => (id === 'app' ? id : null), load: (id: string) => (id === 'app' ? code.replace('ENTRY', JSON.stringify(entry)) : null) }, nodeResolve()],
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const modules = Object.entries(output[0].modules).filter(([, m]) => m.renderedLength > 0).map(([id]) => id);
  return { modules, bytes: output[0].code.length };
}

const has = (modules: string[], part: string): boolean => modules.some((m) => m.includes(part));

test('the whole crypto entry has no TLS engine; one function keeps only its own code', { timeout: 120_000 }, async (t) => {
  const all = await kept('export * from ENTRY;');
  for (const part of ['/core/engine/', '/core/handshake/', '/core/record/', '/core/session/']) assert.ok(!has(all.modules, part), part);
  assert.ok(has(all.modules, '/core/toolkit/issue.js') && has(all.modules, '/core/crypto/rsa-keygen.js'));

  const hashOnly = await kept('import { digest } from ENTRY; export const h = digest("sha256", new Uint8Array(3));');
  // (Module-level table loops of core/crypto/aes.js, rsa.js, core/x509/pem.js and registry.js stay, a few KB.)
  const heavy = ['@noble/curves', '/core/crypto/rsa-', '/core/crypto/signature.js', '/core/x509/certificate.js', '/core/x509/keys.js', '/core/toolkit/issue.js'];
  for (const part of heavy.concat('/core/crypto/aes-cbc.js', '/core/crypto/aes-gcm.js')) assert.ok(!has(hashOnly.modules, part), 'digest keeps ' + part);

  const cbcOnly = await kept('import { cbcEncrypt } from ENTRY; export const c = cbcEncrypt(new Uint8Array(16), new Uint8Array(16), new Uint8Array(3));');
  assert.ok(has(cbcOnly.modules, '/core/crypto/aes-cbc.js'));
  for (const part of heavy.concat('@noble/hashes', '/core/crypto/chacha20')) assert.ok(!has(cbcOnly.modules, part), 'cbcEncrypt keeps ' + part);

  const csr = await kept('import { createCsr, generateKey } from ENTRY; export const f = [createCsr, generateKey];');
  assert.ok(!has(csr.modules, '/core/x509/chain.js') && !has(csr.modules, '/core/crypto/aes-cbc.js'));
  t.diagnostic(`rendered bytes (unminified): whole entry ${all.bytes}, digest ${hashOnly.bytes}, cbcEncrypt ${cbcOnly.bytes}, generateKey+createCsr ${csr.bytes}`);
});
