// TypeScript lowers each class to ES5 inside a function of its own:
//   var C = (function (_super) { __extends(C, _super); function C() {...} C.prototype.m = function () {...}; return C; }(Base));
// Espruino keeps, with every function, the scopes around it: one scope costs
// one block, two or more an array of them (a block each, and one for the
// array), so every method of such a class costs about three blocks more than
// a function at the top of the bundle. This pass writes the class's
// statements in place of the var, the parameter renamed to the base class:
//   __extends(C, Base); function C() {...} C.prototype.m = function () {...};
// which does the same at the same point (a function declaration binds on
// entry in JavaScript; the Espruino bundle moves it first, espruino-hoist.mjs).
// A class without a base also gets `C.prototype.constructor = C;` there:
// JavaScript gives every function's prototype that property from the start,
// Espruino adds it (two blocks) at the first `new C` and keeps it, so a
// program's first connection would leave one behind for each class it
// makes; written here, it is made once when the bundle loads. (A derived
// class has it already: __extends sets it on the prototype it makes.)
// A class function that declares anything besides its class, or uses `this`
// or `arguments` outside its methods, or whose names could clash, stays as
// it is.
import * as acorn from 'acorn';

/** Child nodes of an ESTree node. */
function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    const v = node[key];
    if (Array.isArray(v)) for (const c of v) if (c && typeof c.type === 'string') out.push(c);
    if (v && typeof v.type === 'string') out.push(v);
  }
  return out;
}

const isFunction = (n) => n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression';

/** Every name declared anywhere under node (functions, parameters, vars, catch parameters). */
function declaredNames(node, out = new Set()) {
  if (isFunction(node)) {
    if (node.id) out.add(node.id.name);
    for (const p of node.params) out.add(p.name);
  } else if (node.type === 'VariableDeclarator') {
    out.add(node.id.name);
  } else if (node.type === 'CatchClause' && node.param) {
    out.add(node.param.name);
  }
  for (const c of children(node)) declaredNames(c, out);
  return out;
}

/** Whether `this` or `arguments` appears under node outside any nested function. */
function usesOwnThis(node) {
  if (isFunction(node)) return false;
  if (node.type === 'ThisExpression' || (node.type === 'Identifier' && node.name === 'arguments')) return true;
  return children(node).some(usesOwnThis);
}

/** Identifier nodes under node that read or write the variable `name` (not property names). */
function references(node, name, out = [], parent = null) {
  if (node.type === 'Identifier' && node.name === name) {
    const isKey = parent && ((parent.type === 'MemberExpression' && parent.property === node && !parent.computed) ||
      (parent.type === 'Property' && parent.key === node && !parent.computed));
    if (!isKey) out.push(node);
  }
  for (const c of children(node)) references(c, name, out, node);
  return out;
}

/** The parts of `var C = (function (p) { ...; function C() {} ...; return C; }(Base));`, or null. */
function classFunction(st) {
  if (st.type !== 'VariableDeclaration' || st.declarations.length !== 1) return null;
  const d = st.declarations[0];
  const call = d.init;
  if (!call || call.type !== 'CallExpression' || call.callee.type !== 'FunctionExpression' || call.callee.id) return null;
  const fn = call.callee;
  const name = d.id.name;
  if (fn.params.length > 1 || call.arguments.length !== fn.params.length) return null;
  if (fn.params.length === 1 && call.arguments[0].type !== 'Identifier') return null;
  const body = fn.body.body;
  const last = body[body.length - 1];
  if (!last || last.type !== 'ReturnStatement' || !last.argument || last.argument.type !== 'Identifier' || last.argument.name !== name) return null;
  const stmts = body.slice(0, -1);
  const ctors = stmts.filter((s) => s.type === 'FunctionDeclaration');
  if (ctors.length !== 1 || ctors[0].id.name !== name) return null;
  if (!stmts.every((s) => s.type === 'FunctionDeclaration' || s.type === 'ExpressionStatement')) return null;
  if (stmts.some(usesOwnThis)) return null;
  const param = fn.params.length === 1 ? fn.params[0].name : null;
  const base = param ? call.arguments[0].name : null;
  if (param) {
    // Inside, the parameter must mean the base class everywhere, and the base's own name nothing else.
    const declared = new Set();
    for (const s of stmts) declaredNames(s, declared);
    if (declared.has(param) || declared.has(base)) return null;
  }
  return { name, stmts, param, base };
}

/** The code with every TypeScript class function written out at its place. */
export function flattenClasses(code) {
  const ast = acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' });
  let out = '';
  let pos = 0;
  for (const st of ast.body) {
    const c = classFunction(st);
    if (!c) continue;
    const start = c.stmts[0].start;
    const end = c.stmts[c.stmts.length - 1].end;
    const refs = c.param ? c.stmts.flatMap((s) => references(s, c.param)).sort((a, b) => a.start - b.start) : [];
    let text = '';
    let at = start;
    for (const r of refs) {
      text += code.slice(at, r.start) + c.base;
      at = r.end;
    }
    text += code.slice(at, end);
    if (!c.base) text += '\n' + c.name + '.prototype.constructor = ' + c.name + ';';
    out += code.slice(pos, st.start) + text + '\n';
    pos = st.end;
  }
  return out + code.slice(pos);
}
