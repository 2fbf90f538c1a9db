import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import * as esbuild from 'esbuild';
import { gzipSync } from 'node:zlib';
for (const [name, entry] of Object.entries({ full: 'build/core/index.js', 'client-ecdhe': 'build/core/profiles/client-ecdhe.js', 'client-psk': 'build/core/profiles/client-psk.js' })) {
  const b = await rollup({ input: entry, plugins: [nodeResolve()] });
  const { output } = await b.generate({ format: 'es' });
  const code = output[0].code;
  const mods = Object.entries(output[0].modules).map(([k, v]) => [v.renderedLength, k.replace(process.cwd() + '/', '')]).filter(r => r[0] > 0).sort((a, b) => b[0] - a[0]);
  const min = (await esbuild.transform(code, { minify: true, format: 'esm', target: 'es2022' })).code;
  console.log(name, code.length, min.length, gzipSync(min).length);
  if (process.argv[2] === name) for (const r of mods) console.log('  ', ...r);
}
