// Running code on XS from tests: makes sure the dist/ bundles and the xsnap
// binaries exist (building them when missing or stale), and runs an ES
// module on XS from a temporary directory of generated files.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const dist = (file: string): string => join(root, 'dist', file);
export const built = (file: string): string => join(root, 'build', file);

interface XsnapScript {
  xsnapPath(variant?: 'plain' | 'report'): string;
}

/** Builds dist/ when it is missing or older than its inputs. */
export async function distReady(): Promise<void> {
  const buildDist = (await import(pathToFileURL(join(root, 'scripts', 'build-dist.mjs')).href)) as { ensureDist(): Promise<void> };
  await buildDist.ensureDist();
}

/** distReady(), and the xsnap binary built if missing; returns the binary's path. */
export async function prepare(variant: 'plain' | 'report' = 'plain'): Promise<string> {
  await distReady();
  const xsnap = (await import(pathToFileURL(join(root, 'scripts', 'xsnap.mjs')).href)) as XsnapScript;
  return xsnap.xsnapPath(variant);
}

/** The test PKI's PEM files (build/pki) by name. */
export function pkiFiles(): Record<string, string> {
  const dir = built('pki');
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) if (/\.(crt|key)$/.test(name)) files[name] = readFileSync(join(dir, name), 'latin1');
  return files;
}

/** pkiFiles() as a module source for XS: `export default { "ca.crt": "-----BEGIN ..." }`. */
export const pkiModule = (): string => 'export default ' + JSON.stringify(pkiFiles()) + ';\n';

export interface XsRun {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Writes `files` (name -> source) into a temporary directory and runs
 * `main` there as a module on XS, killed after `timeoutMs`.
 */
export function runXsModule(xsnap: string, files: Record<string, string>, main: string, timeoutMs: number): Promise<XsRun> {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-xs-'));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(xsnap, [join(dir, main)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ status, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** An absolute import specifier for a file (XS resolves absolute paths). */
export const spec = (path: string): string => JSON.stringify(path);
