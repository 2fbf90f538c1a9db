import { rollup } from 'rollup';
import { bundleOptions } from '/work/main/rollup.config.mjs';
const [target, profile] = process.argv.slice(2);
const b = await rollup(bundleOptions(target, profile));
const { output } = await b.generate({ format: 'es' });
const rows = Object.entries(output[0].modules).map(([k, v]) => [v.renderedLength, k.replace('/work/main/', '')]).filter(r => r[0] > 0).sort((a, b) => b[0] - a[0]);
for (const r of rows) console.log(String(r[0]).padStart(7), r[1]);
