// The bundle matrix: profiles x targets. scripts/build-dist.mjs compiles the
// TypeScript into build/dist-src, bundles each profile of each target here
// with rollup (one tree-shaken ES module, @noble/* included), then lets
// esbuild finish it for the target (syntax level, format, minifying).
// `npx rollup -c` (the CLI of @rollup/wasm-node: rollup compiled to WebAssembly,
// so no per-platform binary is needed) runs the rollup step alone over an existing
// build/dist-src and writes build/bundles/TARGET/PROFILE.js.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preloadSafe } from './scripts/preload-safe.mjs';

const root = dirname(fileURLToPath(import.meta.url));
/** Where build-dist puts tsc's output, the input of every bundle. */
export const SRC = join(root, 'build', 'dist-src');

/** Profile entry points, relative to SRC. */
export const profiles = {
  full: 'core/index.js',
  'client-ecdhe': 'core/profiles/client-ecdhe.js',
  'client-psk': 'core/profiles/client-psk.js',
  /** The crypto toolkit alone (no TLS engine): microtls/crypto. */
  crypto: 'core/profiles/crypto.js',
};

const MODDABLE_PORT = 'ports/moddable/index.js';

/**
 * Targets: the modules each profile's bundle re-exports (relative to SRC)
 * and how esbuild finishes the bundle.
 */
export const targets = {
  // ES modules for the Moddable tools (manifest.json maps "microtls" to one),
  // each profile with the ECMA-419 port. XS 13.3 fails on `new C()` in C's
  // own static initializer when C has instance fields (noble does it):
  // static fields are lowered.
  // Moddable apps preload them: noble is made preload-safe (scripts/preload-safe.mjs).
  moddable: {
    preloadSafe: true,
    entries: {
      full: [profiles.full, MODDABLE_PORT],
      'client-ecdhe': [profiles['client-ecdhe'], MODDABLE_PORT],
      'client-psk': [profiles['client-psk'], MODDABLE_PORT],
      // The toolkit and on-device provisioning, without the socket port (which would bring the engine).
      crypto: [profiles.crypto, 'ports/moddable/provision.js'],
      // The provider on the SDK's native crypto (microtls/native-provider; manifest_native.json).
      native: ['ports/moddable/native/index.js'],
    },
    esbuild: { format: 'esm', target: 'es2022', supported: { 'class-static-field': false } },
  },
  // One script without module syntax (esbuild's esm format of an entry that
  // exports nothing: statements in one function scope, wrapped once by
  // build-dist.mjs), lowered to ES5 (Espruino lacks
  // default parameters, destructuring, rest/spread and computed keys, and
  // shares one binding among a loop's closures) and minified (it keeps
  // function source in its variable store). The entry is the Espruino port's
  // (the client-psk profile on its BigInt-free provider), which sets the
  // global `microtls` itself. The other profiles need BigInt (curves, RSA).
  espruino: {
    entries: { 'client-psk': ['ports/espruino/index.js'] },
    esbuild: { format: 'esm' },
    es5: true,
    // Espruino hoists nothing: see scripts/espruino-hoist.mjs.
    declareBeforeUse: true,
    // Espruino keeps the scopes around every function (a block each, an array past one):
    // one scope for the whole bundle, classes written out of their ES5 functions (scripts/flat-classes.mjs).
    flatClasses: true,
    // Espruino keeps property names in RAM: private member names are shortened (build-dist.mjs).
    shortPrivateNames: true,
  },
};

/**
 * Our modules and noble's have no getters with side effects, so reading a
 * property never keeps code alive: that lets unused providers, groups and
 * hashes (built by calls at module level) fall away. oid() (core/x509/der.ts)
 * only computes bytes, so unused OID constants fall away too.
 */
export const treeshake = { propertyReadSideEffects: false, manualPureFunctions: ['oid'] };

const ENTRY = '\0microtls-entry';

/** A virtual entry re-exporting the given modules. */
function entryPlugin(modules) {
  return {
    name: 'microtls-entry',
    resolveId: (id) => (id === ENTRY ? ENTRY : null),
    load: (id) => (id === ENTRY ? modules.map((m) => `export * from ${JSON.stringify(join(SRC, m))};`).join('\n') : null),
  };
}

/** Rollup input options for one profile of one target. */
export function bundleOptions(target, profile) {
  return {
    input: ENTRY,
    plugins: [entryPlugin(targets[target].entries[profile]), nodeResolve(), ...(targets[target].preloadSafe ? [preloadSafe(SRC)] : [])],
    treeshake,
  };
}

export default Object.entries(targets).flatMap(([target, t]) =>
  Object.keys(t.entries).map((profile) => ({
    ...bundleOptions(target, profile),
    output: { file: join(root, 'build', 'bundles', target, profile + '.js'), format: 'es' },
  })),
);
