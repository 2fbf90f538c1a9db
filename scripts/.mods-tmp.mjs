import { rollup } from '@rollup/wasm-node';
import * as esbuild from 'esbuild';
import { gzipSync } from 'node:zlib';
import { bundleOptions } from '../rollup.config.mjs';
const [target, profile] = process.argv.slice(2);
const bundle = await rollup(bundleOptions(target, profile));
const { output } = await bundle.generate({ format: 'es' });
const rows = [];
for (const [id, m] of Object.entries(output[0].modules)) {
  if (!m.renderedLength) continue;
  const min = (await esbuild.transform(m.code, { minify: true, legalComments: 'none' })).code;
  rows.push([gzipSync(min, { level: 9 }).length, min.length, id.replace(/.*dist-src\//, '').replace(/.*node_modules\//, '')]);
}
rows.sort((a, b) => b[0] - a[0]);
let t = 0;
for (const r of rows) { t += r[0]; console.log(String(r[0]).padStart(6), String(r[1]).padStart(7), r[2]); }
console.log('sum gz (separately)', t);
