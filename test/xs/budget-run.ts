// Runs recorded client sessions (budget-session.ts) on the memory-report
// build of xsnap in a heap fixed at a budget, and reads back what it
// printed: the heap at each phase (live and peak, from the report build's
// collections), the stack's high-water mark per phase, and whatever else
// the run printed (an abort's reason and call chain). The bundle is imported
// once the run has started, so its load is measured too (phases "start" and
// "loaded", stack "load"). Used by the budget checks (budget.test.ts) and
// by the XS device bench (bench/xs-device.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawn } from 'node:child_process';
import type { BudgetJob } from './budget-session.js';
import { built, pkiModule, spec } from './xs.js';

export interface Budget { chunk: number; slots: number; stack: number }

/** Bytes per slot on the 64-bit host (the report build counts slot heap in bytes). */
export const SLOT = 32;

export interface Phase { label: string; chunkUsed: number; chunkPeak: number; slotUsed: number; slotPeak: number }

export interface Replay {
  phases: Phase[];
  /** Deepest stack per phase, in slots from the stack's top (XS's intrinsics included). */
  stacks: Map<string, number>;
  /** Lines that were neither marks nor heap reports ("DONE" when the run finished). */
  other: string[];
  status: number | null;
}

/**
 * Replays `sessions` with the bundle at `bundle` in a heap fixed at
 * `budget` (fitHeap). With `stressRun`, the handshake of that session runs
 * with a collection before every allocation, so its peak is the largest
 * live size, not live data plus garbage (slow).
 */
export async function replay(xsnap: string, bundle: string, budget: Budget, job: BudgetJob, sessions: unknown, stressRun?: number): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-budget-'));
  const main = [
    `import { fitHeap, replaySessions } from ${spec(built('test/xs/budget-session.js'))};`,
    `import pki from './pki.js';`,
    `import sessions from './sessions.js';`,
    `try {`,
    `  print('@ start');`,
    `  gc();`,
    `  stackPeak(true);`,
    `  const lib = await import(${spec(bundle)});`,
    `  print('@stack load ' + stackPeak());`,
    `  print('@ loaded');`,
    `  gc();`,
    `  const fit = fitHeap(${JSON.stringify(budget)}, fixHeap);`,
    `  stackPeak(true);`,
    `  print('@ fixed ' + fit.free[0] + ' ' + fit.free[1] + ' ' + fit.free[2]);`,
    `  gc();`,
    // The collection that ends "created N" turns the stress on, the one that ends "handshake N" off.
    `  const on = ${JSON.stringify(stressRun === undefined ? null : '@ created ' + stressRun)};`,
    `  const off = ${JSON.stringify(stressRun === undefined ? null : '@ handshake ' + stressRun)};`,
    `  let turn = null;`,
    `  const mark = (s) => { print(s); if (s === on) turn = true; else if (s === off) turn = false; };`,
    `  const collect = () => { if (turn === null) gc(); else gc(turn); turn = null; };`,
    `  replaySessions(lib, pki, ${JSON.stringify(job)}, sessions, mark, collect, stackPeak);`,
    `  fixHeap(0);`,
    `  print('DONE');`,
    `} catch (e) {`,
    `  fixHeap(0);`,
    `  print('FAIL ' + e);`,
    `}`,
  ].join('\n');
  writeFileSync(join(dir, 'main.mjs'), main);
  writeFileSync(join(dir, 'pki.js'), pkiModule());
  writeFileSync(join(dir, 'sessions.js'), 'export default ' + JSON.stringify(sessions) + ';\n');
  const child = spawn(xsnap, [join(dir, 'main.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (errors += d));
  const phases: Phase[] = [];
  const stacks = new Map<string, number>();
  const other: string[] = [];
  const re = /^# (Chunk|Slot) collection: reserved \d+ used (\d+) peak (\d+)/;
  let label: string | null = null;
  let chunk: [number, number] | null = null;
  for await (const line of createInterface({ input: child.stdout })) {
    const m = re.exec(line);
    if (line.startsWith('@stack ')) {
      const at = line.lastIndexOf(' ');
      stacks.set(line.slice(7, at), Number(line.slice(at + 1)));
    } else if (line.startsWith('@ ')) {
      label = line.slice(2);
      chunk = null;
    } else if (m && label !== null) {
      if (m[1] === 'Chunk') chunk = [Number(m[2]), Number(m[3])];
      else if (chunk) {
        phases.push({ label, chunkUsed: chunk[0], chunkPeak: chunk[1], slotUsed: Number(m[2]), slotPeak: Number(m[3]) });
        label = null;
      }
    } else if (!/^# (Chunk|Slot) (collection|allocation): reserved/.test(line) && !/^(LOAD|LINK|INIT|DONE 0x)/.test(line)) {
      other.push(line);
    }
  }
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  rmSync(dir, { recursive: true, force: true });
  other.push(...errors.split('\n').filter((l) => /memory full|stack overflow|failed/.test(l)));
  return { phases, stacks, other, status };
}
