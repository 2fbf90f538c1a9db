// `microtls simulate`: the summary it prints, the JSON it writes, its
// exit codes, and the command registered in the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simulate, type SimulateIo } from '../../ports/node/cli/simulate.js';

function capture(): SimulateIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    tty: false,
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

test('simulate --resume prints a row per connection and a summary per mode, and writes every result as JSON', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-sim-'));
  try {
    const file = join(dir, 'out.json');
    const io = capture();
    assert.equal(await simulate(['--devices', '3', '--resume', '--seed', '7', '--json', file], io), 0);
    const lines = io.stdout.split('\n');
    assert.match(lines[0], /^microtls simulate: 3 devices \(default: X25519, ECDSA P-256, AES-128-GCM\)/);
    assert.match(lines[1], /^link 50ms one way, 250kbit\/s, MTU 536; seed 7; TLS 1\.3, full handshake, then resumed/);
    assert.equal(lines.filter((l) => /^\d+ +1 +full .* ok$/.test(l)).length, 3);
    assert.equal(lines.filter((l) => /^\d+ +2 +resumed .* ok$/.test(l)).length, 3);
    assert.ok(lines.some((l) => /^full +3 /.test(l)));
    assert.ok(lines.some((l) => /^resumed +3 /.test(l)));
    assert.ok(lines.includes('connections: 6, ok: 6, failed: 0'));
    const json = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(json.connections.length, 6);
    assert.equal(json.config.seed, 7);
    assert.equal(json.aggregate.ok, 6);
    assert.deepEqual(json.aggregate.modes.map((m: { mode: string }) => m.mode), ['full', 'resumed']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('simulate --version 1.2: devices speak TLS 1.2 (the profile\'s ECDHE suite, then ticket resumption; or plain PSK)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-sim-'));
  try {
    const file = join(dir, 'out.json');
    const io = capture();
    assert.equal(await simulate(['--devices', '2', '--resume', '--version', '1.2', '--json', file], io), 0, io.stdout + io.stderr);
    assert.match(io.stdout.split('\n')[1], /; TLS 1\.2, full handshake, then resumed/);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(json.connections.map((c: { suite: string; mode: string }) => c.suite + ' ' + c.mode).sort(), [
      'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 full', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 full',
      'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 resumed', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 resumed',
    ]);
    const psk = capture();
    assert.equal(await simulate(['--devices', '2', '--psk', '--version', '1.2'], psk), 0, psk.stdout);
    assert.equal(psk.stdout.split('\n').filter((l) => /^\d+ +1 +psk .* ok$/.test(l)).length, 2);
    const bad = capture();
    assert.equal(await simulate(['--version', '1.2', '--device-profile', 'ed25519'], bad), 2);
    assert.match(bad.stderr, /^ERROR: device profile ed25519 has no TLS 1\.2 suite/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('simulate exits 1 when connections fail and names the error', async () => {
  const io = capture();
  assert.equal(await simulate(['--devices', '1', '--device-profile', 'rsa'], io), 1);
  assert.match(io.stdout, /failed: 1 \(FATAL_ALERT_RECEIVED \(handshake_failure\) x1\)/);
});

test('simulate rejects bad options with exit code 2 and prints help with --help', async () => {
  for (const args of [['--devices', 'x'], ['--link', 'latency=slow'], ['--server-profile', 'nope'], ['--resume', '--psk'], ['--bogus'], ['--version', '1.1']]) {
    const io = capture();
    assert.equal(await simulate(args, io), 2, args.join(' '));
    assert.match(io.stderr, /^ERROR: .*see microtls simulate --help/, args.join(' '));
  }
  const io = capture();
  assert.equal(await simulate(['--help'], io), 0);
  assert.match(io.stdout, /^usage: microtls simulate/);
  assert.match(io.stdout, /rsa \(X25519, RSA-2048 PSS, AES-128-GCM\)/);
});

test('the CLI runs "simulate"', () => {
  const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ports', 'node', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'simulate', '--devices', '2', '--psk'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /external PSK/);
  assert.match(r.stdout, /^psk +2 /m);
});
