// The bench command line (npm run bench -- ...): subsets by name and
// options, the summary, and errors for unknown names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HandshakeResult } from '../../bench/handshake.js';
import { readJson, readText, scratchDir } from './helpers.js';

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', timeout: 120_000 });

test('run.js handshake --no-tcp with filters: only that configuration, in memory, and a summary', { timeout: 150_000 }, () => {
  const out = scratchDir();
  const r = run(['handshake', '--no-tcp', '--no-xs', '--suite', 'TLS_CHACHA20_POLY1305_SHA256', '--group', 'secp256r1', '--cert', 'ed25519',
    '--mode', 'full', '--provider', 'noble', '--n', '2', '--warmup', '1', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const h = readJson<HandshakeResult>(out, 'handshake');
  assert.deepEqual(h.configs.map((c) => c.config), [{ suite: 'TLS_CHACHA20_POLY1305_SHA256', group: 'secp256r1', cert: 'ed25519', mode: 'full' }]);
  assert.deepEqual(Object.keys(h.configs[0].engine), ['noble']);
  assert.deepEqual(h.configs[0].tcp, {});
  assert.equal(h.options.n, 2);
  assert.ok(!existsSync(join(out, 'handshake.svg')), 'no TCP chart without TCP');
  assert.ok(existsSync(join(out, 'handshake-cpu.svg')));
  assert.ok(!existsSync(join(out, 'throughput.json')) && !existsSync(join(out, 'memory.json')), 'only the bench named');
  assert.match(readText(out, 'summary.md'), /^# Benchmark summary/);
});

test('run.js --help, and unknown names fail with the list of known ones', () => {
  const help = run(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: npm run bench/);
  const bad = run(['handshakes']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /unknown bench "handshakes"/);
  const badSuite = run(['handshake', '--suite', 'TLS_RC4']);
  assert.notEqual(badSuite.status, 0);
  assert.match(badSuite.stderr, /unknown suite "TLS_RC4"/);
});
