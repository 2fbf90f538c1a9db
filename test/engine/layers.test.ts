// The layering of core/ (DESIGN.md): configuration sits below the engine, so
// nothing but the entry points imports core/engine/, and no module imports
// itself through others. Read from the TypeScript sources, `import type`
// included, so a cycle through types alone counts too.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CORE = join(root, 'core');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/**
 * Module (path relative to core/, .ts) -> the core modules it imports or
 * re-exports; with `types` false, only what stays after compiling (no
 * `import type` / `export type`).
 */
function importGraph(types: boolean): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const FROM = /^\s*(?:import|export)\b(\s+type\b)?[^;]*?\bfrom\s+'(\.[^']+)'/gms;
  for (const file of sources(CORE)) {
    const text = readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(FROM)) {
      if (m[1] && !types) continue;
      const target = relative(CORE, join(dirname(file), m[2])).replace(/\.js$/, '.ts');
      if (!target.startsWith('..')) deps.push(target);
    }
    graph.set(relative(CORE, file), deps);
  }
  return graph;
}

/** One cycle per strongly connected group found by depth-first search, as a path a -> ... -> a. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (m: string): void => {
    state.set(m, 'open');
    path.push(m);
    for (const d of graph.get(m) ?? []) {
      if (state.get(d) === 'open') found.push(path.slice(path.indexOf(d)).concat(d));
      else if (!state.has(d)) visit(d);
    }
    path.pop();
    state.set(m, 'done');
  };
  for (const m of [...graph.keys()].sort()) if (!state.has(m)) visit(m);
  return found;
}

const graph = importGraph(true);

test('the import graph of core/ is read: every module, with the imports the engine is known to have', () => {
  assert.ok(graph.size > 50, graph.size + ' modules');
  assert.ok(graph.get('engine/client-connection.ts')!.includes('handshake/client.ts'));
  assert.ok(graph.get('engine/context.ts')!.includes('config.ts'));
  // The cycle finder finds a planted cycle.
  assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), [['a', 'b', 'c', 'a']]);
});

test('nothing in core/ imports core/engine/ except the entry points', () => {
  const entry = (m: string): boolean => m === 'index.ts' || m.startsWith('profiles/') || m.startsWith('engine/');
  const offenders = [...graph].filter(([m, deps]) => !entry(m) && deps.some((d) => d.startsWith('engine/'))).map(([m]) => m);
  assert.deepEqual(offenders, []);
});

test('core/ has no import cycle', () => {
  assert.deepEqual(cycles(graph).map((c) => c.join(' -> ')), []);
});

test('a client-only Context and its connections import no server machine, ticket sealing or replay guard', () => {
  const code = importGraph(false);
  const reach = (from: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(from)) return seen;
    seen.add(from);
    for (const d of code.get(from) ?? []) reach(d, seen);
    return seen;
  };
  for (const entry of ['profiles/client-psk.ts', 'profiles/client-ecdhe.ts']) {
    const r = reach(entry);
    for (const m of ['handshake/server.ts', 'session/ticket.ts', 'session/replay.ts', 'engine/server-connection.ts']) {
      assert.ok(!r.has(m), entry + ' reaches ' + m);
    }
    // The device profiles speak TLS 1.3 only: no TLS 1.2 code (the full entry point plugs it in).
    assert.deepEqual([...r].filter((m) => m.startsWith('handshake/tls12/')), [], entry + ' reaches TLS 1.2 code');
  }
  assert.ok(!reach('engine/server-connection.ts').has('handshake/client.ts'), 'the server side reaches the client machine');
});
