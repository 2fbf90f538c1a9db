// Compiles the TypeScript sources to build/ and makes the test PKI.
// core/ is checked on its own first: it must compile with no platform types.
// The compiled trees are emptied first, so a renamed or deleted source leaves
// no stale module or test behind (npm test runs every compiled test file).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
function run(args) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
run([tsc, '-p', 'tsconfig.json', '--noEmit']);
for (const dir of ['core', 'ports', 'test', 'bench', 'samples']) rmSync('build/' + dir, { recursive: true, force: true });
run([tsc, '-p', 'tsconfig.node.json']);
run(['scripts/make-pki.mjs']);
