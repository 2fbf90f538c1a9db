// npm run build:dist: the distributable builds.
//   dist/node/      tsc output (ESM + .d.ts) of core/ and ports/node/, the
//                   package's "exports" (@noble/* stay dependencies)
//   dist/moddable/  PROFILE.js: one ES module per profile with @noble/* and
//                   the ECMA-419 port inside (manifest.json maps them)
//   dist/espruino/  PROFILE.js: one script per profile Espruino can load
// Profiles and targets are listed in rollup.config.mjs. Imported, it offers
// ensureDist(): build unless dist/ is newer than every input.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { rollup } from '@rollup/wasm-node';
import { SRC, bundleOptions, targets } from '../rollup.config.mjs';
import { declareBeforeUse } from './espruino-hoist.mjs';
import { flattenClasses } from './flat-classes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ts = createRequire(import.meta.url)('typescript');

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Compiles the entry points with tsconfig.json's options (plus Node types for ports/node) into SRC; returns the program. */
function compile() {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  const options = { ...config.options, outDir: SRC, rootDir: root, types: ['node'], noEmit: false, declaration: true };
  const entries = [
    'core/index.ts',
    ...tsFiles('core/profiles'),
    ...tsFiles('ports/node'),
    ...tsFiles('ports/moddable'),
    ...tsFiles('ports/espruino'),
  ].map((f) => join(root, f));
  rmSync(SRC, { recursive: true, force: true });
  const program = ts.createProgram(entries, options);
  const result = program.emit();
  const diagnostics = ts.getPreEmitDiagnostics(program).concat(result.diagnostics);
  if (diagnostics.length > 0) {
    process.stderr.write(ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n',
    }));
  }
  if (result.emitSkipped) throw new Error('tsc emitted nothing');
  return program;
}

const isPrivate = (n) => (ts.getCombinedModifierFlags(n) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0;

/**
 * Names of private and protected class members that name nothing else: no
 * public member, interface member, object literal key or string has the
 * name, and every property access by it resolves (type checker) to such a
 * member. Accessors are left out (ES5 lowering names them in strings).
 * Espruino keeps every property name in RAM, a block more past 8
 * characters, so its bundle shortens these (esbuild mangleProps).
 */
function privateOnlyNames(program) {
  const checker = program.getTypeChecker();
  const own = new Set();
  const other = new Set();
  const visit = (n) => {
    const name = n.name && ts.isIdentifier(n.name) ? n.name.text : null;
    if (ts.isPropertyDeclaration(n) || ts.isMethodDeclaration(n) || (ts.isParameter(n) && ts.isParameterPropertyDeclaration(n, n.parent))) {
      if (name) (isPrivate(n) ? own : other).add(name);
    } else if (ts.isGetAccessor(n) || ts.isSetAccessor(n) || ts.isPropertySignature(n) || ts.isMethodSignature(n) ||
      ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n) || ts.isBindingElement(n)) {
      if (name) other.add(name);
      if (ts.isBindingElement(n) && n.propertyName && ts.isIdentifier(n.propertyName)) other.add(n.propertyName.text);
    } else if (ts.isPropertyAccessExpression(n)) {
      const decls = checker.getSymbolAtLocation(n.name)?.declarations ?? [];
      if (decls.length === 0 || !decls.every((d) => ts.isClassElement(d) || ts.isParameter(d)) || !decls.every(isPrivate)) other.add(n.name.text);
    } else if (ts.isStringLiteralLike(n)) {
      other.add(n.text);
    }
    ts.forEachChild(n, visit);
  };
  for (const f of program.getSourceFiles()) if (!f.isDeclarationFile && !f.fileName.includes('node_modules')) visit(f);
  return [...own].filter((n) => !other.has(n)).sort();
}

/** dist/node: the compiled core/ and ports/node/ trees (JS and declarations). */
function distNode() {
  const out = join(root, 'dist', 'node');
  rmSync(out, { recursive: true, force: true });
  for (const dir of ['core', 'ports/node']) cpSync(join(SRC, dir), join(out, dir), { recursive: true });
}

/** Every profile of every target: rollup, then esbuild. Returns [{ target, profile, file }]. */
async function bundles(privateNames) {
  const made = [];
  for (const [target, t] of Object.entries(targets)) {
    const dir = join(root, 'dist', target);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const profile of Object.keys(t.entries)) {
      const bundle = await rollup(bundleOptions(target, profile));
      const { output } = await bundle.generate({ format: 'es' });
      await bundle.close();
      const file = join(dir, profile + '.js');
      writeFileSync(file, await finish(output[0].code, t, privateNames));
      made.push({ target, profile, file });
    }
  }
  return made;
}

/**
 * esbuild sets the format and syntax level. For `es5` targets esbuild first
 * lowers `??` and `?.` (to the short `x != null ? x : y`), TypeScript then
 * lowers what esbuild cannot (default parameters, destructuring, rest/spread,
 * computed keys, classes, for-of, let/const in loop closures); a
 * `flatClasses` target gets its classes out of their ES5 functions
 * (scripts/flat-classes.mjs); the script goes inside one function scope so
 * no global is added, and esbuild minifies the ES5 result. The one helper
 * the lowering needs, __extends, is ours (ES5_EXTENDS): TypeScript's own
 * also handles a null base and `Object.setPrototypeOf`, which our classes
 * never need. A `declareBeforeUse` target (Espruino,
 * which hoists nothing) finally gets every function declaration, and every
 * var reachable before its declaration, moved to the top of its body
 * (scripts/espruino-hoist.mjs), whatever the emitters wrote.
 */
/** Class inheritance in ES5: the prototype chain, and static members copied. */
const ES5_EXTENDS = [
  'function __extends(d, b) {',
  '  for (var k in b) if (Object.prototype.hasOwnProperty.call(b, k)) d[k] = b[k];',
  '  function P() { this.constructor = d; }',
  '  P.prototype = b.prototype;',
  '  d.prototype = new P();',
  '}',
  '',
].join('\n');

async function finish(code, t, privateNames) {
  const opts = { legalComments: 'none', charset: 'utf8' };
  if (!t.es5) return (await esbuild.transform(code, { ...t.esbuild, ...opts })).code;
  const lower = { 'nullish-coalescing': false, 'optional-chain': false };
  const script = (await esbuild.transform(code, { ...t.esbuild, target: 'es2022', supported: lower, ...opts })).code;
  const lowered = ts.transpileModule(script, {
    compilerOptions: {
      target: ts.ScriptTarget.ES5, module: ts.ModuleKind.None, removeComments: true, useDefineForClassFields: false, noEmitHelpers: true,
    },
  }).outputText;
  const helper = /\b__(?!extends\b|proto__\b)[A-Za-z]\w*\b/.exec(lowered);
  if (helper) throw new Error('the ES5 lowering needs the TypeScript helper ' + helper[0] + ', which the bundle does not define');
  const es5 = t.flatClasses ? flattenClasses(lowered) : lowered;
  const mangleProps = t.shortPrivateNames && privateNames.length > 0 ? new RegExp('^(?:' + privateNames.join('|') + ')$') : undefined;
  const min = (await esbuild.transform('(function () {\n' + ES5_EXTENDS + es5 + '\n})();\n', { target: 'es5', minify: true, mangleProps, ...opts })).code;
  return t.declareBeforeUse ? declareBeforeUse(min) : min;
}

/** Everything the dist/ trees are made from. */
const INPUTS = ['core', 'ports', 'rollup.config.mjs', 'scripts/build-dist.mjs', 'scripts/espruino-hoist.mjs', 'scripts/flat-classes.mjs', 'scripts/espruino-check.mjs', 'package-lock.json', 'tsconfig.json'];

function newest(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const name of readdirSync(p)) t = Math.max(t, newest(join(p, name)));
  return t;
}

/** Builds every dist/ tree; returns what it wrote. */
export async function buildDist() {
  const program = compile();
  distNode();
  const made = await bundles(privateOnlyNames(program));
  return made.map((b) => relative(root, b.file)).concat('dist/node/');
}

/** Whether every bundle exists and is newer than every input. */
function fresh() {
  const outputs = Object.entries(targets).flatMap(([target, t]) =>
    Object.keys(t.entries).map((p) => join(root, 'dist', target, p + '.js')));
  if (!outputs.every(existsSync)) return false;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  return INPUTS.every((p) => newest(join(root, p)) < built);
}

const LOCK_STALE_MS = 5 * 60_000;

/**
 * Builds dist/ when a bundle is missing or older than an input. Test files
 * running in parallel take turns through a lock directory (one left by a
 * dead process is taken over after LOCK_STALE_MS).
 */
export async function ensureDist() {
  const lock = join(root, 'build', '.dist-lock');
  mkdirSync(join(root, 'build'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!fresh()) await buildDist();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const f of await buildDist()) console.log('wrote ' + f);
}
