// The real Moddable tools for the device tests: where the SDK is (or why the
// tests skip), building a `-p lin` app with mcconfig, and running it under
// Xvfb. MICROTLS_MODDABLE names a writable copy of the SDK (.ci/run unpacks
// ../shared/tools/moddable into a scratch dir and sets it).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const SDK = process.env.MICROTLS_MODDABLE ?? '';

/** Why the Moddable tests cannot run here, or null. */
export const missing = !SDK ? 'MICROTLS_MODDABLE is not set (a writable Moddable SDK; .ci/run sets it)'
  : !existsSync(join(SDK, 'build', 'bin', 'lin', 'release', 'mcconfig')) ? 'no Moddable host tools in ' + SDK
  : spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status !== 0 ? 'xvfb-run is not installed'
  : null;

function env(): NodeJS.ProcessEnv {
  return { ...process.env, MODDABLE: SDK, PATH: join(SDK, 'build', 'bin', 'lin', 'release') + ':' + process.env.PATH };
}

/**
 * Builds the app whose manifest.json is in `dir` as `name` (from scratch: a changed mapping can leave a stale .xsb,
 * tools README); returns its mc.so. `instrument` makes an instrumented build (mcconfig -i: XS tracks its stack peak).
 */
export function mcconfig(dir: string, name: string, timeoutMs = 900_000, instrument = false): string {
  const goal = instrument ? 'instrument' : 'release';
  for (const d of ['tmp', 'bin']) rmSync(join(SDK, 'build', d, 'lin', 'mc', goal, name), { recursive: true, force: true });
  const r = spawnSync('mcconfig', ['-m', '-p', 'lin', ...(instrument ? ['-i'] : []), 'manifest.json'], { cwd: dir, env: env(), encoding: 'utf8', timeout: timeoutMs });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return join(SDK, 'build', 'bin', 'lin', 'mc', goal, name, 'mc.so');
}

/**
 * Runs the app under Xvfb (stdbuf: its trace output line by line) until `until` matches its
 * output, XS aborts, or ms pass (a release app never exits by itself); resolves to the output.
 */
export function runApp(app: string, until: RegExp, ms = 90_000): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('xvfb-run', ['-a', 'stdbuf', '-oL', 'mcsim', app], { env: env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const stop = () => {
      clearTimeout(timer);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone already */ }
    };
    const timer = setTimeout(stop, ms);
    const seen = (d: string) => {
      out += d;
      if (until.test(out) || /XS abort|stack overflow|memory full/.test(out)) stop();
    };
    child.stdout.setEncoding('utf8').on('data', seen);
    child.stderr.setEncoding('utf8').on('data', seen);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}
