// The real Espruino interpreter for tests and benches: the binaries named by
// ESPRUINO_BIN (the stock Linux build: a store that grows, code copied into
// RAM) and ESPRUINO_12K_BIN (a fixed store of 12,000 blocks running its
// script in place, as from a board's flash); .ci/run sets both from
// ../shared/tools/espruino. A script runs as the bundle followed by a
// driver; the driver reports with `report(object)`, one line of JSON each.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../ports/node/files.js';

export type EngineVariable = 'ESPRUINO_BIN' | 'ESPRUINO_12K_BIN';

/** The binary an environment variable names, or why there is none (a test then reports skipped). */
export function engine(variable: EngineVariable): { bin: string; skip: false } | { bin: null; skip: string } {
  const bin = process.env[variable];
  if (!bin) return { bin: null, skip: variable + ' is not set (the real Espruino interpreter; .ci/run sets it from ../shared/tools/espruino)' };
  if (!existsSync(bin)) return { bin: null, skip: variable + '=' + bin + ' does not exist' };
  return { bin, skip: false };
}

/** dist/espruino/client-psk.js, built first when missing or older than its sources. */
export async function espruinoBundle(): Promise<string> {
  const root = packageRoot();
  const dist = (await import(pathToFileURL(join(root, 'scripts', 'build-dist.mjs')).href)) as { ensureDist(): Promise<void> };
  await dist.ensureDist();
  return readFileSync(join(root, 'dist', 'espruino', 'client-psk.js'), 'utf8');
}

export interface EngineRun {
  /** What the driver reported, in order. */
  reports: Record<string, unknown>[];
  /** Everything the interpreter printed (banner, prompts and reports included). */
  output: string;
  exit: number | string;
  /** CPU time of the interpreter process (user + system), from bash's `times`. */
  cpuMs: number;
}

/** Defines report(o) for the driver. */
const PRELUDE = 'function report(o) { print("@@" + JSON.stringify(o)); }\n';

/**
 * Runs `parts` (joined by newlines: the bundle, then the driver) on the
 * interpreter until it exits (nothing left to wait for) or `timeoutMs` passes.
 */
export function runScript(bin: string, parts: string[], timeoutMs: number): Promise<EngineRun> {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-espruino-'));
  const file = join(dir, 'script.js');
  writeFileSync(file, PRELUDE + parts.join('\n') + '\n');
  // bash's `times` prints the children's CPU time (user, system) to stderr once the interpreter is done.
  const child = spawn('bash', ['-c', '"$0" "$1" </dev/null; s=$?; times >&2; exit $s', bin, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('latin1').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('latin1').on('data', (d: string) => { err += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      const reports = out.split('\n').filter((l) => l.indexOf('@@') >= 0)
        .map((l) => JSON.parse(l.substring(l.indexOf('@@') + 2).trim()) as Record<string, unknown>);
      const times = err.trim().split('\n').pop()!.match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
      const cpuMs = times ? (Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4])) * 1000 : NaN;
      resolve({ reports, output: out + err, exit: signal ?? code ?? -1, cpuMs });
    });
  });
}

/** The printable tail of an interpreter's output, for assertion messages. */
export function tail(run: EngineRun, chars = 3000): string {
  const clean = run.output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  return clean.length > chars ? '...' + clean.substring(clean.length - chars) : clean;
}
