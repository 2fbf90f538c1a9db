// scripts/espruino-hoist.mjs, the last step of the Espruino bundle: on code
// that depends on hoisting at several depths, its output must compute the
// same as the input (run here on V8, which hoists) and leave nothing that
// depends on hoisting (scripts/espruino-check.mjs), and on the real
// interpreter (engine.ts) it must compute what V8 computes where the input
// does not. The bundle loading and handshaking on Espruino is in
// real-engine.test.ts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { packageRoot } from '../../ports/node/files.js';
import { engine, runScript, tail } from './engine.js';

const scripts = join(packageRoot(), 'scripts');
const { declareBeforeUse } = (await import(pathToFileURL(join(scripts, 'espruino-hoist.mjs')).href)) as { declareBeforeUse(code: string): string };
const { checkSource } = (await import(pathToFileURL(join(scripts, 'espruino-check.mjs')).href)) as {
  checkSource(code: string): { rule: string; line: number; col: number }[];
};

/** Each snippet leaves its answer in `result`. */
const CASES: [string, string][] = [
  ['a call before the declaration at top level', 'var result = f(); function f() { return 1; }'],
  ['TypeScript ES5 class lowering in an iife (depth 2)',
    'var result = (function () {\n' +
    '  var B = (function () { function B() { this.b = 1; } return B; })();\n' +
    '  var C = (function (_super) {\n' +
    '    __extends(C, _super);\n' +
    '    function C() { var t = _super.call(this) || this; t.c = 2; return t; }\n' +
    '    return C;\n' +
    '  })(B);\n' +
    '  function __extends(d, b) { function __() { this.constructor = d; } __.prototype = b.prototype; d.prototype = new __(); }\n' +
    '  var c = new C();\n' +
    '  return [c.b, c.c, c instanceof B].join();\n' +
    '})();'],
  ['functions in blocks of functions of functions (depth 4)',
    'function a() { return b(); function b() { return c()(); function c() { if (true) { return d; function d() { return e(); } } function e() { return 4; } } } }\n' +
    'var result = a();'],
  ['a var declared in a branch and read after it',
    'function f(x) { if (x) { var t = 1; } return String(t); }\nvar result = f(false) + f(true);'],
  ['a var assigned before its declaration', 'function f() { x = 5; var x; return x; }\nvar result = f() + typeof x;'],
  ['"use strict" stays first', '"use strict";\nvar result = g();\nfunction g() { return (function () { return this; })() === undefined; }'],
  ['a statement after a moved declaration without a semicolon', 'var result = h()\nfunction h() { return 1 }\n(function () { result += 1 })()'],
];

function run(code: string): unknown {
  const context = vm.createContext({});
  vm.runInContext(code, context);
  return context.result;
}

for (const [what, code] of CASES) {
  test('declareBeforeUse: ' + what, () => {
    const out = declareBeforeUse(code);
    assert.deepEqual(checkSource(out).filter((f) => f.rule === 'hoisting'), [], out);
    assert.deepEqual(run(out), run(code), out);
  });
}

test('declareBeforeUse: the input had hazards the checker sees (the cases are not trivial)', () => {
  for (const [what, code] of CASES.slice(0, 5)) assert.ok(checkSource(code).some((f) => f.rule === 'hoisting'), what);
});

const board = engine('ESPRUINO_12K_BIN');

test('on Espruino, declareBeforeUse output computes what V8 computes, and each hazardous input does not', { skip: board.skip, timeout: 30000 }, async () => {
  // Each snippet in its own function (its top level becomes a function body: the same hoisting rules).
  const wrap = (code: string, key: string) =>
    `try { report({ ${key}: (function () {\n${code}\nreturn result;\n})() }); } catch (e) { report({ ${key}: 'threw ' + e }); }`;
  // Espruino has no strict mode, so the "use strict" case means something else there. Outputs run
  // first: an input that assigns before its var declaration makes a global the outputs would see.
  const cases = CASES.filter(([, code]) => code.indexOf('"use strict"') < 0);
  const parts = cases.map(([, code], i) => wrap(declareBeforeUse(code), 'out' + i)).concat(cases.map(([, code], i) => wrap(code, 'in' + i)));
  const run = await runScript(board.bin!, parts, 20000);
  const got = Object.assign({}, ...run.reports) as Record<string, unknown>;
  cases.forEach(([what, code], i) => {
    const expected = run2(code);
    assert.deepEqual(got['out' + i], expected, what + '\n' + tail(run, 1000));
    if (i < 5) assert.notDeepEqual(got['in' + i], expected, what + ': the input already works on Espruino');
  });
});

function run2(code: string): unknown {
  return vm.runInContext('(function () {\n' + code + '\nreturn result;\n})()', vm.createContext({}));
}
