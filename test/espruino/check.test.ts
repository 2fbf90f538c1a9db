// scripts/espruino-check.mjs on small snippets: each construct Espruino
// lacks must be reported with its rule and position, and ordinary ES2015
// that Espruino runs must pass. Then the command line on files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../ports/node/files.js';

interface Finding { file: string; line: number; col: number; rule: string; message: string }

const script = join(packageRoot(), 'scripts', 'espruino-check.mjs');
const { checkSource } = (await import(pathToFileURL(script).href)) as { checkSource(code: string, file?: string): Finding[] };

/** rule@line:col for each finding. */
const found = (code: string) => checkSource(code).map((f) => f.rule + '@' + f.line + ':' + f.col);

const FLAGGED: [string, string, string[]][] = [
  ['BigInt literal', 'var a = 10n;', ['bigint@1:9']],
  ['BigInt()', 'var a = BigInt(1);', ['bigint@1:9']],
  ['Map, Set, WeakMap, Symbol', 'new Map(); new Set(); new WeakMap(); Symbol("x");',
    ['missing-global@1:5', 'missing-global@1:16', 'missing-global@1:27', 'missing-global@1:38']],
  ['TextEncoder', 'new TextEncoder().encode("x");', ['missing-global@1:5']],
  ['object destructuring', 'var { a } = o;', ['destructuring@1:5']],
  ['array destructuring in a parameter', 'function f([a, b]) {}', ['destructuring@1:12']],
  ['rest parameter', 'function f(...args) {}', ['rest@1:12']],
  ['spread in a call', 'f(...xs);', ['spread@1:3']],
  ['spread in an object', 'var o = { ...p };', ['spread@1:11']],
  ['default parameter', 'function f(a, b = 2) {}', ['default-parameter@1:15']],
  ['generator', 'function* g() { yield 1; }', ['generator@1:1', 'generator@1:17']],
  ['async/await', 'async function f() { await p; }', ['async@1:1', 'async@1:22']],
  ['label', 'outer: for (;;) { break outer; }', ['label@1:1']],
  ['exponent', 'var x = a ** 2; y **= 3;', ['exponent@1:9', 'exponent@1:17']],
  ['Math.pow (what ** lowers to)', 'var x = Math.pow(2, 40);', ['math-pow@1:9']],
  ['Math.imul, Math.clz32', 'Math.imul(a, b); Math.clz32(a);', ['missing-static@1:1', 'missing-static@1:18']],
  ['Array.from, Number.isInteger, Object.freeze', 'Array.from(x); Number.isInteger(1); Object.freeze(o);',
    ['missing-static@1:1', 'missing-static@1:16', 'missing-static@1:37']],
  ['typed-array statics', 'Uint8Array.of(1); Uint32Array.from(a);', ['missing-static@1:1', 'missing-static@1:19']],
  ['BigInt64 DataView methods', 'dv.getBigInt64(0); dv.setBigUint64(0, v);', ['missing-method@1:4', 'missing-method@1:23']],
  ['copyWithin', 'buf.copyWithin(0, 4, 8);', ['missing-method@1:5']],
  ['class extends Error', 'class E extends Error {}', ['extends-error@1:1']],
  ['computed keys', 'var o = { [k]: 1 }; class C { [m]() {} }', ['computed-key@1:12', 'computed-key@1:32']],
  ['#private', 'class C { #x = 1; m() { return this.#x; } }', ['private@1:11', 'private@1:37']],
  ['inherited static called on the subclass', 'class A { static make() {} }\nclass B extends A {}\nB.make();',
    ['static-inheritance@3:1']],
  ['inherited static through this in a static method',
    'class A { static make() {} }\nclass B extends A { static build() { return this.make(); } }', ['static-inheritance@2:45']],
  ['call before the declaration at top level', 'run();\nfunction run() {}', ['hoisting@1:1']],
  ['reference before the declaration (as a value)', 'var table = { f: helper };\nfunction helper() {}', ['hoisting@1:18']],
  ['a function declared above calls one declared below',
    'function a() { return b(); }\nvar x = a();\nfunction b() { return 1; }', ['hoisting@1:23']],
  ['inside a bundle iife', '(() => {\n  start();\n  function start() {}\n})();', ['hoisting@2:3']],
  // Espruino hoists in no body at any depth, whether or not the function runs while the script loads.
  ['a call before the declaration in a function body (depth 1)', 'function outer() {\n  inner();\n  function inner() {}\n}',
    ['hoisting@2:3']],
  ['TypeScript ES5 class lowering: __extends and the constructor, in an iife in an iife (depth 2)',
    '(function () {\n  var C = (function (_super) {\n    __extends(C, _super);\n    function C() {}\n    return C;\n  })(B);\n' +
    '  function __extends() {}\n})();', ['hoisting@3:5', 'hoisting@3:15']],
  ['a call before the declaration in a block of a function in a function in a function (depth 3)',
    'function a() {\n  return function b() {\n    return function c() {\n      if (x) {\n        d();\n        function d() {}\n      }\n' +
    '    };\n  };\n}', ['hoisting@5:9']],
  ['a var declared in a block and read after it', 'function f(c) {\n  if (c) { var t = 1; }\n  return t;\n}', ['hoisting@3:10']],
  ['a var assigned before its declaration (Espruino makes a global)', 'function f() {\n  x = 1;\n  var x;\n}', ['hoisting@2:3']],
  ['closure capturing a for-let binding', 'for (let i = 0; i < 3; i++) later.push(() => i);', ['loop-closure@1:40']],
  ['closure capturing a for-of const binding', 'for (const k of keys) handlers[k] = function () { return k; };', ['loop-closure@1:37']],
  ['slice on a typed array', 'var u = new Uint8Array(4); var c = u.slice(1);', ['slice@1:38']],
  ['slice on a parameter', 'function copy(x) { return x.slice(); }', ['slice@1:29']],
  ['slice on a reassigned variable', 'var s = "ab"; s = other; s.slice(1);', ['slice@1:28']],
  ['module syntax', 'import x from "y";\nexport const z = 1;', ['module@1:1', 'module@2:1']],
];

for (const [what, code, expected] of FLAGGED) {
  test('flags ' + what, () => {
    assert.deepEqual(found(code), expected);
  });
}

const PASSING: [string, string][] = [
  ['classes with fields, getters, statics and a user superclass',
    'class A { constructor() { this.n = 1; } get v() { return this.n; } static make() { return new A(); } }\n' +
    'class B extends A { constructor() { super(); } }\nvar a = A.make(); var b = new B();'],
  ['arrows, let/const, template literals, for-of on an array', 'const xs = [1, 2]; let s = 0; for (const x of xs) s += x; var t = `${s}`; var f = (a) => a + 1;'],
  ['a local named like a missing global', 'function f() { var Map = {}; return Map; } function g(Symbol) { return Symbol; }'],
  ['typeof on a missing global', 'var hasBigInt = typeof BigInt !== "undefined";'],
  ['slice on strings and Arrays that are provably so', 'var s = "abc".slice(1); const a = [1, 2, 3]; a.slice(1); var t = "x" + y; t.slice(0); Object.keys(o).slice(1); s.split(",").slice(1);'],
  ['subarray on typed arrays', 'var u = new Uint8Array(8); var v = u.subarray(2, 4); u.set(v, 0);'],
  ['a closure in a for-let loop handed to forEach', 'for (let i = 0; i < 3; i++) xs.forEach(function (x) { return x + i; });'],
  ['a for-let loop without closures', 'for (let i = 0; i < 3; i++) total += i;'],
  ['a for-var loop with a closure (one binding in every engine)', 'for (var i = 0; i < 3; i++) fs.push(function () { return i; });'],
  ['functions declared before they run', 'function helper() { return 1; }\nvar x = helper();\n(function () { function inner() {} inner(); })();'],
  ['vars of loop heads, read in the loop and after it',
    'function f(a) {\n  for (var i = 0; i < a.length; i++) for (var j = 0, k = a[i]; j < k; j++) use(i, j, k);\n  return i;\n}'],
  ['a var read by a function declared above it, called after it', 'function f() {\n  function g() { return n; }\n  var n = 1;\n  return g();\n}'],
  ['a later function used only inside another function', 'function a() { return b(); }\nfunction b() { return 1; }\nsetTimeout(a, 10);'],
  ['static methods called on the class that defines them', 'class A { static make() {} }\nclass B extends A { static build() { return A.make(); } }\nA.make();'],
  ['Math.floor, Math.max, Object.keys, Array.isArray', 'Math.floor(x); Math.max(a, b); Object.keys(o); Array.isArray(a);'],
];

for (const [what, code] of PASSING) {
  test('passes ' + what, () => {
    assert.deepEqual(found(code), []);
  });
}

test('a parse error is one finding at its position', () => {
  assert.deepEqual(found('var = 1;'), ['parse@1:5']);
});

test('command line: file:line:col: rule: message, exit 1 on findings and 0 when clean', () => {
  const dir = mkdtempSync(join(tmpdir(), 'espruino-check-'));
  const bad = join(dir, 'bad.js');
  const good = join(dir, 'good.js');
  writeFileSync(bad, 'var a = 1;\nvar m = new Map();\n');
  writeFileSync(good, 'var a = [1, 2].slice(1);\n');
  const r1 = spawnSync(process.execPath, [script, bad], { encoding: 'utf8', cwd: dir });
  assert.equal(r1.status, 1);
  assert.match(r1.stdout, /^bad\.js:2:13: missing-global: Map: not in Espruino$/m);
  assert.match(r1.stdout, /1 finding in 1 file/);
  const r2 = spawnSync(process.execPath, [script, good], { encoding: 'utf8', cwd: dir });
  assert.equal(r2.status, 0, r2.stdout + r2.stderr);
  assert.match(r2.stdout, /0 findings in 1 file/);
});

test('dist/espruino/client-psk.js passes (the build ends with scripts/espruino-hoist.mjs)', async (t) => {
  const dist = (await import(pathToFileURL(join(packageRoot(), 'scripts', 'build-dist.mjs')).href)) as { ensureDist(): Promise<void> };
  await dist.ensureDist();
  const findings = checkSource(readFileSync(join(packageRoot(), 'dist', 'espruino', 'client-psk.js'), 'utf8'));
  for (const f of findings.slice(0, 20)) t.diagnostic(f.line + ':' + f.col + ' ' + f.rule + ': ' + f.message);
  assert.equal(findings.length, 0);
});
