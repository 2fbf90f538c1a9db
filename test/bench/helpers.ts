// Shared by the bench tests: a scratch results folder, reading what a bench
// wrote, and which crypto providers this build has.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProviders } from '../../bench/lib/configs.js';
import { parseXml, seriesOf } from './xml.js';

export const scratchDir = (): string => mkdtempSync(join(tmpdir(), 'microtls-bench-'));

export function readJson<T>(dir: string, name: string): T {
  return JSON.parse(readFileSync(join(dir, name + '.json'), 'utf8')) as T;
}

export const readText = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

/** The series names of a chart file, after checking it is well-formed SVG. */
export function chartSeries(dir: string, file: string): string[] {
  const p = join(dir, file);
  if (!existsSync(p)) throw new Error('no chart ' + file);
  const root = parseXml(readFileSync(p, 'utf8'));
  if (root.name !== 'svg') throw new Error(file + ' is not SVG');
  return [...seriesOf(root).keys()];
}

/** Names of the providers this build has (noble always; node-crypto when its port is built). */
export async function providerNames(): Promise<string[]> {
  return [...(await loadProviders()).keys()];
}

/** Machine info every result file carries. */
export function checkMachine(m: { cpu: string; cores: number; node: string; date: string }): void {
  if (!m.cpu || !(m.cores >= 1) || m.node !== process.version || Number.isNaN(Date.parse(m.date))) {
    throw new Error('bad machine info ' + JSON.stringify(m));
  }
}
