// npm test: type-check (core alone must build without Node types), compile,
// make the test PKI, then run every test file with node's test runner.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

run(process.execPath, ['scripts/build.mjs']);
const filter = process.argv.slice(2);
const files = findTests('build/test').filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)));
run(process.execPath, ['--test', '--test-reporter=spec', ...files]);
