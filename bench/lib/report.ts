// Writing results: raw numbers as JSON, a Markdown report and SVG charts,
// all into one folder (bench/results/ by default).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../ports/node/files.js';
import type { Summary } from '../../ports/node/stats.js';

export const defaultResultsDir = (): string => join(packageRoot(), 'bench', 'results');

/** Writes NAME.json, NAME.md and each chart FILE.svg into dir; returns the paths written. */
export function writeResults(dir: string, name: string, json: unknown, markdown: string, charts: Record<string, string> = {}): string[] {
  mkdirSync(dir, { recursive: true });
  const paths = [join(dir, name + '.json'), join(dir, name + '.md')];
  writeFileSync(paths[0], JSON.stringify(json, null, 1) + '\n');
  writeFileSync(paths[1], markdown);
  for (const file of Object.keys(charts)) {
    const p = join(dir, file + '.svg');
    writeFileSync(p, charts[file]);
    paths.push(p);
  }
  return paths;
}

/** A Markdown table. */
export function table(headers: string[], rows: string[][]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    '| ' + headers.map(cell).join(' | ') + ' |',
    '|' + headers.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|') + '|',
    ...rows.map((r) => '| ' + r.map(cell).join(' | ') + ' |'),
  ].join('\n') + '\n';
}

/** A number with 3 significant digits (more for large integers), or "–" when missing. */
export function num(v: number | null | undefined, digits = 3): string {
  if (v == null || !Number.isFinite(v)) return '–';
  return Math.abs(v) >= 10 ** digits ? v.toFixed(0) : Number(v.toPrecision(digits)).toString();
}

/** "median (p10–p90)". */
export function spread(s: Summary | null | undefined): string {
  return s ? `${num(s.median)} (${num(s.p10)}–${num(s.p90)})` : '–';
}

/** A ratio as "1.23x", or "–". */
export function times(v: number | null | undefined): string {
  return v == null || !Number.isFinite(v) ? '–' : num(v) + 'x';
}
