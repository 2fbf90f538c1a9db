// Compiles the TypeScript sources to build/ and makes the test PKI.
// core/ is checked on its own first: it must compile with no platform types.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
function run(args) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
run([tsc, '-p', 'tsconfig.json', '--noEmit']);
run([tsc, '-p', 'tsconfig.node.json']);
run(['scripts/make-pki.mjs']);
