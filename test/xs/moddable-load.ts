// The load-cost check app (moddable-load-app/main.js) for the test and the
// bench: built with the real Moddable tools (`mcconfig -m -p lin`), each
// device profile's bundle preloaded under its own name ("microtls-" +
// profile, the file its manifest maps "microtls" to), XS created with the
// ESP32 targets' fixed heap; what it prints, read back.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mcconfig } from './moddable-sdk.js';
import { ESP32_CREATION } from './moddable-native.js';
import { root } from './xs.js';

export const PROFILES = ['client-psk', 'client-ecdhe', 'full'];

/** Writes and builds the app; returns its mc.so. */
export function buildLoadApp(name: string): string {
  const dir = join(tmpdir(), 'microtls-' + name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bundles = Object.fromEntries(PROFILES.map((p) => ['microtls-' + p, join(root, 'dist', 'moddable', p)]));
  const manifest = {
    include: ['$(MODDABLE)/examples/manifest_base.json'],
    modules: {
      '*': [join(root, 'test', 'xs', 'moddable-load-app', 'main'), join(root, 'test', 'xs', 'moddable-native-app', 'probe')],
      ...bundles,
      'microtls/random': join(root, 'ports', 'moddable', 'random'),
    },
    preload: ['probe', 'microtls/random', ...Object.keys(bundles)],
    creation: ESP32_CREATION,
    config: { profiles: PROFILES.join(',') },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, '\t'));
  return mcconfig(dir, 'microtls-' + name, 600_000);
}

/** What importing one preloaded module cost: live chunk bytes and slots, preloaded objects and closures written to. */
export interface Load { chunks: number; slots: number; aliases: number }

/** The import costs the app printed, by profile ("control": a small preloaded module, what an import itself costs). */
export function loads(out: string): Map<string, Load> {
  const all = new Map<string, Load>();
  for (const m of out.matchAll(/^@ load (\S+) chunks=(-?\d+) slots=(-?\d+) aliases=(\d+)$/gm)) {
    all.set(m[1], { chunks: Number(m[2]), slots: Number(m[3]), aliases: Number(m[4]) });
  }
  return all;
}
