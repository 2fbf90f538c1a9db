// scripts/flat-classes.mjs, a step of the Espruino bundle: TypeScript's ES5
// classes written out of their functions must compute what they computed
// (run here on V8), leave no class function behind where it applies, and
// leave alone the ones it cannot write out safely. The bundle it makes runs
// on the real interpreter in real-engine.test.ts.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { packageRoot } from '../../ports/node/files.js';

const root = packageRoot();
const { flattenClasses } = (await import(pathToFileURL(join(root, 'scripts', 'flat-classes.mjs')).href)) as { flattenClasses(code: string): string };
const ts = createRequire(join(root, 'package.json'))('typescript') as typeof import('typescript');

/** TypeScript's ES5 output for source, as build-dist.mjs makes it. */
function es5(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES5, module: ts.ModuleKind.None, removeComments: true, useDefineForClassFields: false },
  }).outputText;
}

function run(code: string): unknown {
  const context = vm.createContext({});
  vm.runInContext(code, context);
  return context.result;
}

const CLASSES = `
class Base {
  count = 1;
  constructor(readonly name: string) {}
  get label(): string { return this.name + ':' + this.count; }
  bump(n = 1): number { return (this.count += n); }
  static make(name: string): Base { return new Base(name); }
}
class Derived extends Base {
  private extra: number[] = [];
  constructor(name: string) { super(name.toUpperCase()); this.extra.push(this.count); }
  override bump(n = 2): number { this.extra.push(n); return super.bump(n) * 10; }
  get label(): string { return 'd/' + super.bump(0) + '/' + this.extra.join('.'); }
}
class Deeper extends Derived {
  static readonly KIND = 'deeper';
  twice(): number { return this.bump() + this.bump(3); }
}
const d = new Deeper('x');
var result = [Base.make('b').label, d.twice(), d.label, d.name, Deeper.KIND, d instanceof Base, d instanceof Derived,
  Object.getPrototypeOf(Object.getPrototypeOf(d)) === Derived.prototype, d.constructor === Deeper].join();
`;

test('classes, derived classes and super calls compute the same written out of their functions', () => {
  const input = es5(CLASSES);
  assert.match(input, /\(function \(_super\)/, 'the input has TypeScript class functions');
  const output = flattenClasses(input);
  assert.doesNotMatch(output, /var \w+ = \(function \(/, 'no class function is left');
  assert.match(output, /__extends\(Derived, Base\);/);
  assert.match(output, /Base\.call\(this, name\.toUpperCase\(\)\)/, 'the base class in place of _super');
  // Made at load rather than by Espruino at the first `new`; a derived class gets it from __extends.
  assert.match(output, /\nBase\.prototype\.constructor = Base;/);
  assert.doesNotMatch(output, /(Derived|Deeper)\.prototype\.constructor =/);
  assert.equal(run(output), run(input));
  assert.equal(run(input), 'b:1,90,d/6/1.2.3,X,deeper,true,true,true,true');
});

test('a class function that declares more than its class, or uses its own this, stays as it is', () => {
  const kept = [
    // TypeScript's temporary for a static block or a computed member lives in the class function.
    'var A = (function () { var _a; function A() {} A.x = (_a = 1, _a); return A; }());\nvar result = A.x;',
    'var B = (function () { function B() {} B.self = this; return B; }());\nvar result = typeof B.self;',
    // The base's name declared inside: renaming _super to it would change what a method means.
    'function P() {}\nvar C = (function (_super) { function C() { var P = 1; return _super.call(this) || this; } C.p = P; return C; }(P));\nvar result = typeof new C();',
  ];
  for (const code of kept) {
    assert.equal(flattenClasses(code), code);
    run(code);
  }
});
