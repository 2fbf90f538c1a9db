// Checks script files meant for Espruino (dist/espruino/*.js by default) for
// every construct and global that Espruino 2v29 lacks or runs differently
// (../shared/RUNTIMES.md, and the typed-array methods of Espruino's
// src/jswrap_arraybuffer.c). Each finding prints file:line:col, the rule and
// what to do instead; the exit code is 1 when there is any.
//
//   node scripts/espruino-check.mjs [file.js ...]
//
// The parse is acorn's; scopes are resolved so that a local variable named
// like a missing global is not reported, and so that the order-dependent
// rules (no hoisting, one binding per for-loop) follow real bindings. The
// hoisting rule looks at every body at every depth (a function declared
// below its use, a var read before its declaration has run); it is a fast
// first line: the proof is the bundle running on Espruino (test/espruino).
// scripts/espruino-hoist.mjs uses the same analysis to rewrite a bundle.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'acorn';

/** Globals Espruino does not have (plus the BigInt- and Symbol-based ones that depend on what it lacks). */
const MISSING_GLOBALS = new Set([
  'BigInt', 'BigInt64Array', 'BigUint64Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef',
  'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect', 'TextEncoder', 'TextDecoder',
]);

/** Static members that are missing: object name -> property names. */
const MISSING_STATICS = new Map([
  ['Math', ['imul', 'clz32']],
  ['Array', ['from', 'of']],
  ['Number', ['isInteger', 'isSafeInteger']],
  ['Object', ['freeze']],
  ['ArrayBuffer', ['isView']],
]);
// Typed-array constructors have no static methods (src/jswrap_arraybuffer.c).
for (const t of ['Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'Float32Array', 'Float64Array']) MISSING_STATICS.set(t, ['from', 'of']);

/** Methods absent on every receiver that could be a typed array (there is no copyWithin anywhere). */
const MISSING_METHODS = new Map([
  ['copyWithin', 'typed arrays have no copyWithin: copy with set(subarray) (it handles overlap) or a loop'],
  ['getBigInt64', 'DataView has no BigInt methods'], ['setBigInt64', 'DataView has no BigInt methods'],
  ['getBigUint64', 'DataView has no BigInt methods'], ['setBigUint64', 'DataView has no BigInt methods'],
]);

const ERROR_CLASSES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError',
  'URIError', 'AggregateError']);

/** Array methods that call their callback before returning (a closure passed to them does not outlive the iteration). */
const SYNC_CALLBACKS = new Set(['forEach', 'map', 'filter', 'find', 'findIndex', 'some', 'every', 'reduce', 'sort']);

/** Methods whose result is a string or an Array whatever the receiver (for the .slice() rule). */
const STRING_RESULT = new Set(['toString', 'substring', 'substr', 'toLowerCase', 'toUpperCase', 'trim', 'trimStart',
  'trimEnd', 'padStart', 'padEnd', 'repeat', 'replace', 'charAt', 'join', 'toFixed', 'split']);

// --- scopes ---

class Scope {
  constructor(parent, node, isFunction) {
    this.parent = parent;
    this.node = node;
    this.isFunction = isFunction;
    this.names = new Map(); // name -> binding
  }

  declare(name, binding) {
    if (!this.names.has(name)) this.names.set(name, binding);
    return this.names.get(name);
  }

  lookup(name) {
    for (let s = this; s; s = s.parent) if (s.names.has(name)) return s.names.get(name);
    return null;
  }

  functionScope() {
    let s = this;
    while (!s.isFunction) s = s.parent;
    return s;
  }
}

/** Names bound by a pattern (destructuring included). */
function patternNames(p, out = []) {
  if (!p) return out;
  switch (p.type) {
    case 'Identifier': out.push(p); break;
    case 'ObjectPattern': for (const q of p.properties) patternNames(q.type === 'RestElement' ? q.argument : q.value, out); break;
    case 'ArrayPattern': for (const q of p.elements) patternNames(q, out); break;
    case 'RestElement': patternNames(p.argument, out); break;
    case 'AssignmentPattern': patternNames(p.left, out); break;
  }
  return out;
}

const isFunction = (n) => n && (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression');

/** Child nodes of an ESTree node, with the key they sit under. */
function* children(node) {
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'loc' || key === 'start' || key === 'end' || key === 'range') continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c.type === 'string') yield [c, key];
    } else if (v && typeof v.type === 'string') {
      yield [v, key];
    }
  }
}

/**
 * Whether an Identifier is a variable reference (not a property name, a
 * label, a declaration's own name, ...), given its parent and key.
 */
function isReference(id, parent, key) {
  switch (parent.type) {
    case 'MemberExpression': return key === 'object' || parent.computed;
    case 'Property': return key === 'value' || (key === 'key' && parent.computed);
    case 'MethodDefinition': case 'PropertyDefinition': return key === 'value' || (key === 'key' && parent.computed);
    case 'LabeledStatement': case 'BreakStatement': case 'ContinueStatement': return false;
    case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression': return key === 'body';
    case 'ClassDeclaration': case 'ClassExpression': return key === 'superClass';
    case 'VariableDeclarator': return key === 'init';
    case 'CatchClause': return false;
    case 'MetaProperty': return false;
    case 'ImportSpecifier': case 'ImportDefaultSpecifier': case 'ImportNamespaceSpecifier':
    case 'ExportSpecifier': return false;
  }
  return true;
}

// --- the analysis ---

/** Parses a script (or, failing that, a module); throws acorn's SyntaxError (with .loc) when neither parses. */
export function parseScript(code) {
  try {
    return parse(code, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowHashBang: true });
  } catch (scriptError) {
    try {
      return parse(code, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
    } catch {
      throw scriptError;
    }
  }
}

/**
 * Scopes, bindings and resolved references of a parsed program. scopeOf
 * maps scope-creating nodes to their scope; every binding is
 * { name, kind, node, init, decl, assigned, scope } (a var also lists all
 * its declarations: decls [{ id, decl }]); every reference
 * { id, binding|null, parents: [{ node, __key }] }.
 */
export function analyze(ast) {
  const scopeOf = new Map();
  const bindings = [];
  const newBinding = (scope, id, kind, extra = {}) => {
    const b = scope.declare(id.name, { name: id.name, kind, node: id, assigned: 0, scope, ...extra });
    if (b.node === id) bindings.push(b);
    if (kind === 'var') (b.decls || (b.decls = [])).push({ id, decl: extra.decl });
    return b;
  };
  const declareIn = (node, scope) => {
    if (node.type === 'VariableDeclaration') {
      const target = node.kind === 'var' ? scope.functionScope() : scope;
      for (const d of node.declarations) {
        for (const id of patternNames(d.id)) newBinding(target, id, node.kind, { init: d.id === id ? d.init : null, decl: node });
      }
    } else if (node.type === 'FunctionDeclaration' && node.id) {
      newBinding(scope, node.id, 'function', { decl: node });
    } else if (node.type === 'ClassDeclaration' && node.id) {
      newBinding(scope, node.id, 'class', { decl: node });
    }
  };
  const build = (node, scope) => {
    let inner = scope;
    if (isFunction(node)) {
      inner = new Scope(scope, node, true);
      if (node.type === 'FunctionExpression' && node.id) newBinding(inner, node.id, 'function', { decl: node });
      for (const p of node.params) for (const id of patternNames(p)) newBinding(inner, id, 'param');
    } else if (node.type === 'ClassExpression' && node.id) {
      inner = new Scope(scope, node, false);
      newBinding(inner, node.id, 'class', { decl: node });
    } else if (node.type === 'BlockStatement' || node.type === 'ForStatement' || node.type === 'ForInStatement' ||
      node.type === 'ForOfStatement' || node.type === 'SwitchStatement' || node.type === 'StaticBlock') {
      inner = new Scope(scope, node, node.type === 'StaticBlock');
    } else if (node.type === 'CatchClause') {
      inner = new Scope(scope, node, false);
      for (const id of patternNames(node.param)) newBinding(inner, id, 'catch');
    }
    if (inner !== scope) scopeOf.set(node, inner);
    declareIn(node, inner === scope || isFunction(node) ? scope : inner);
    for (const [c] of children(node)) build(c, inner);
  };
  // Function and class declarations belong to the enclosing scope, variable
  // declarations to theirs: declareIn runs on the node in the scope it sits in.
  const root = new Scope(null, ast, true);
  scopeOf.set(ast, root);
  for (const [c] of children(ast)) build(c, root);

  // Resolve references (and count assignments) with a parent chain.
  const refs = [];
  const visit = (node, parents, scope) => {
    const s = scopeOf.get(node) || scope;
    const parent = parents[parents.length - 1];
    if (node.type === 'Identifier' && parent) {
      const key = parent.__key;
      if (isReference(node, parent.node, key)) {
        const b = s.lookup(node.name);
        refs.push({ id: node, binding: b, parents: parents.slice() });
        if (b) {
          const p = parent.node;
          if ((p.type === 'AssignmentExpression' && key === 'left') || p.type === 'UpdateExpression') b.assigned++;
        }
      }
    }
    for (const [c, key] of children(node)) {
      parents.push({ node, __key: key });
      visit(c, parents, s);
      parents.pop();
    }
  };
  visit(ast, [], root);
  return { scopeOf, bindings, refs };
}

export function checkSource(code, file = '<input>') {
  const findings = [];
  let ast;
  try {
    ast = parseScript(code);
  } catch (e) {
    const loc = e.loc || { line: 0, column: 0 };
    return [{ file, line: loc.line, col: loc.column + 1, rule: 'parse', message: e.message }];
  }
  const report = (node, rule, message) => {
    findings.push({ file, line: node.loc.start.line, col: node.loc.start.column + 1, rule, message });
  };
  const { scopeOf, bindings, refs } = analyze(ast);

  // --- rules on single nodes ---
  const walk = (node, parent, key) => {
    switch (node.type) {
      case 'Literal':
        if (node.bigint !== undefined) report(node, 'bigint', 'BigInt literal ' + node.raw + ': Espruino has no BigInt');
        break;
      case 'ObjectPattern': case 'ArrayPattern':
        report(node, 'destructuring', 'destructuring pattern: assign properties one by one');
        break;
      case 'RestElement':
        report(node, 'rest', 'rest element: use arguments or an explicit array');
        break;
      case 'SpreadElement':
        report(node, 'spread', 'spread: use apply(), concat() or a loop');
        break;
      case 'AssignmentPattern':
        if (parent && isFunction(parent) && key === 'params') report(node, 'default-parameter', 'default parameter: test for undefined in the body');
        break;
      case 'YieldExpression':
        report(node, 'generator', 'yield: Espruino has no generators');
        break;
      case 'AwaitExpression':
        report(node, 'async', 'await: Espruino has no async functions (use Promise then/catch)');
        break;
      case 'LabeledStatement':
        report(node, 'label', 'label "' + node.label.name + '": Espruino has no labels');
        break;
      case 'BinaryExpression':
        if (node.operator === '**') report(node, 'exponent', '**: use Math.pow only for small exact powers, or constants');
        break;
      case 'AssignmentExpression':
        if (node.operator === '**=') report(node, 'exponent', '**=: Espruino has no exponent operator');
        break;
      case 'PrivateIdentifier':
        report(node, 'private', '#' + node.name + ': Espruino has no private class members');
        break;
      case 'ImportDeclaration': case 'ExportNamedDeclaration': case 'ExportDefaultDeclaration': case 'ExportAllDeclaration':
      case 'ImportExpression':
        report(node, 'module', 'module syntax: Espruino loads plain scripts (bundle as iife)');
        break;
      case 'MetaProperty':
        if (node.meta.name === 'import') report(node, 'module', 'import.meta: Espruino loads plain scripts');
        break;
      case 'ForOfStatement':
        if (node.await) report(node, 'async', 'for await: Espruino has no async iteration');
        break;
      case 'Property': case 'MethodDefinition': case 'PropertyDefinition':
        if (node.computed) report(node.key, 'computed-key', 'computed key: assign the property after creating the object');
        break;
      case 'MemberExpression': {
        const prop = !node.computed && node.property.type === 'Identifier' ? node.property.name : null;
        if (prop && MISSING_METHODS.has(prop)) report(node.property, 'missing-method', '.' + prop + '(): ' + MISSING_METHODS.get(prop));
        break;
      }
    }
    if (isFunction(node)) {
      if (node.generator) report(node, 'generator', 'generator function: Espruino has no generators');
      if (node.async) report(node, 'async', 'async function: Espruino has no async functions (use Promise then/catch)');
    }
    for (const [c, k] of children(node)) walk(c, node, k);
  };
  walk(ast, null, null);

  // --- rules on resolved references ---
  for (const r of refs) {
    const parent = r.parents[r.parents.length - 1];
    const pn = parent.node;
    if (r.binding !== null) continue;
    const name = r.id.name;
    const underTypeof = pn.type === 'UnaryExpression' && pn.operator === 'typeof';
    if (MISSING_GLOBALS.has(name) && !underTypeof) {
      report(r.id, name === 'BigInt' ? 'bigint' : 'missing-global', name + ': not in Espruino');
    }
    if (pn.type === 'MemberExpression' && parent.__key === 'object' && !pn.computed && MISSING_STATICS.has(name)) {
      const p = pn.property.name;
      if (MISSING_STATICS.get(name).indexOf(p) >= 0) report(pn, 'missing-static', name + '.' + p + ': not in Espruino');
    }
    if (name === 'Math' && pn.type === 'MemberExpression' && !pn.computed && pn.property.name === 'pow') {
      report(pn, 'math-pow', 'Math.pow is inexact on Espruino for large powers (and is what ** lowers to): use constants or multiplication');
    }
  }
  for (const n of allNodes(ast)) {
    if ((n.type === 'ClassDeclaration' || n.type === 'ClassExpression') && n.superClass && n.superClass.type === 'Identifier') {
      const r = refs.find((x) => x.id === n.superClass);
      if (r && r.binding === null && ERROR_CLASSES.has(n.superClass.name)) {
        report(n, 'extends-error', 'class extends ' + n.superClass.name + ' throws on Espruino: use a plain class or object with name/message');
      }
    }
  }

  sliceRule(ast, refs, report);
  loopClosureRule(ast, scopeOf, refs, report);
  staticInheritanceRule(ast, refs, bindings, report);
  hoistingRule(ast, scopeOf, refs, report);

  findings.sort((a, b) => a.line - b.line || a.col - b.col);
  return findings;
}

function* allNodes(node) {
  yield node;
  for (const [c] of children(node)) yield* allNodes(c);
}

/** Whether an expression is provably a string or an Array (never a typed array), so .slice() is safe. */
function provable(e, refOf, depth = 0) {
  if (!e || depth > 8) return false;
  switch (e.type) {
    case 'ArrayExpression': case 'TemplateLiteral': return true;
    case 'Literal': return typeof e.value === 'string';
    case 'BinaryExpression': return e.operator === '+' && (provable(e.left, refOf, depth + 1) || provable(e.right, refOf, depth + 1));
    case 'NewExpression': return e.callee.type === 'Identifier' && e.callee.name === 'Array';
    case 'CallExpression': {
      const c = e.callee;
      if (c.type === 'Identifier') return c.name === 'String';
      if (c.type !== 'MemberExpression' || c.computed) return false;
      const m = c.property.name;
      if (c.object.type === 'Identifier' && c.object.name === 'Object' && (m === 'keys' || m === 'getOwnPropertyNames')) return true;
      if (STRING_RESULT.has(m)) return true;
      if (m === 'slice' || m === 'concat' || m === 'map' || m === 'filter') return provable(c.object, refOf, depth + 1);
      return false;
    }
    case 'Identifier': {
      const r = refOf.get(e);
      const b = r && r.binding;
      if (!b || b.assigned > 0 || !b.init) return false;
      return provable(b.init, refOf, depth + 1);
    }
  }
  return false;
}

/** .slice() on a typed array returns a plain Array on Espruino: allowed only on provable strings and Arrays. */
function sliceRule(ast, refs, report) {
  const refOf = new Map(refs.map((r) => [r.id, r]));
  for (const n of allNodes(ast)) {
    if (n.type !== 'CallExpression' || n.callee.type !== 'MemberExpression' || n.callee.computed) continue;
    if (n.callee.property.name !== 'slice') continue;
    if (!provable(n.callee.object, refOf)) {
      report(n.callee.property, 'slice', '.slice() on a value not provably an Array or string: on a typed array Espruino returns a plain Array (use subarray and copy)');
    }
  }
}

/** Closures created in a for (let/const ...) loop that capture the loop binding: Espruino shares one binding across iterations. */
function loopClosureRule(ast, scopeOf, refs, report) {
  for (const loop of allNodes(ast)) {
    const decl = loop.type === 'ForStatement' ? loop.init : loop.type === 'ForInStatement' || loop.type === 'ForOfStatement' ? loop.left : null;
    if (!decl || decl.type !== 'VariableDeclaration' || decl.kind === 'var') continue;
    const scope = scopeOf.get(loop);
    const loopBindings = new Set(decl.declarations.flatMap((d) => patternNames(d.id)).map((id) => scope.names.get(id.name)));
    const reported = new Set();
    for (const r of refs) {
      if (!loopBindings.has(r.binding)) continue;
      const i = r.parents.findIndex((p) => p.node === loop);
      if (i < 0) continue;
      // The outermost function between the loop and the reference is the closure that captures it.
      for (let j = i + 1; j < r.parents.length; j++) {
        const f = r.parents[j].node;
        if (!isFunction(f)) continue;
        const call = r.parents[j - 1];
        const syncCallback = call.node.type === 'CallExpression' && call.__key === 'arguments' &&
          call.node.callee.type === 'MemberExpression' && !call.node.callee.computed && SYNC_CALLBACKS.has(call.node.callee.property.name);
        if (!syncCallback && !reported.has(f)) {
          reported.add(f);
          report(f, 'loop-closure', 'closure captures the for-loop binding "' + r.id.name + '": Espruino shares one binding across iterations (copy it into a function parameter)');
        }
        break;
      }
    }
  }
}

/** Class bindings and their static members, then member accesses that rely on inherited statics. */
function staticInheritanceRule(ast, refs, bindings, report) {
  const refOf = new Map(refs.map((r) => [r.id, r]));
  const classes = new Map(); // binding -> { statics, superBinding }
  const classBinding = (n, parent) => {
    if (n.type === 'ClassDeclaration') return refsDecl(n.id);
    if (n.type === 'ClassExpression' && parent && parent.type === 'VariableDeclarator') return refsDecl(parent.id);
    return null;
  };
  const declBindings = new Map(bindings.map((b) => [b.node, b]));
  const refsDecl = (id) => (id ? declBindings.get(id) || null : null);
  const walk = (n, parent) => {
    if (n.type === 'ClassDeclaration' || n.type === 'ClassExpression') {
      const b = classBinding(n, parent);
      if (b) {
        const statics = new Set();
        for (const m of n.body.body) if (m.static && m.key && !m.computed) statics.add(m.key.name || m.key.value);
        const sup = n.superClass && n.superClass.type === 'Identifier' ? refOf.get(n.superClass) : null;
        classes.set(b, { statics, superBinding: sup ? sup.binding : null, node: n });
      }
    }
    for (const [c] of children(n)) walk(c, n);
  };
  walk(ast, null);
  for (const r of refs) {
    if (!r.binding || !classes.has(r.binding)) continue;
    const p = r.parents[r.parents.length - 1];
    if (p.node.type !== 'MemberExpression' || p.__key !== 'object' || p.node.computed) continue;
    const name = p.node.property.name;
    const c = classes.get(r.binding);
    if (!c.statics.has(name) && inheritedStatic(classes, c, name)) {
      report(p.node, 'static-inheritance', r.id.name + '.' + name + ' is an inherited static member: Espruino does not inherit statics (call it on the class that defines it)');
    }
  }
  // this.x inside static methods of a subclass (this is the subclass there).
  for (const [, c] of classes) {
    if (!c.superBinding) continue;
    for (const m of c.node.body.body) {
      if (!m.static || m.type !== 'MethodDefinition') continue;
      for (const n of allNodes(m.value.body)) {
        if (n.type !== 'MemberExpression' || n.computed || n.object.type !== 'ThisExpression') continue;
        const name = n.property.name;
        if (!c.statics.has(name) && inheritedStatic(classes, c, name)) {
          report(n, 'static-inheritance', 'this.' + name + ' in a static method reaches an inherited static: Espruino does not inherit statics');
        }
      }
    }
  }
}

/** Whether a static member `name` comes from one of c's superclasses. */
function inheritedStatic(classes, c, name) {
  const seen = new Set();
  for (let s = classes.get(c.superBinding); s && !seen.has(s); s = s.superBinding ? classes.get(s.superBinding) : null) {
    seen.add(s);
    if (s.statics.has(name)) return true;
  }
  return false;
}

// --- no hoisting ---

const iifeFunction = (n) => {
  if (n.type !== 'CallExpression') return null;
  let c = n.callee;
  if (c.type === 'MemberExpression' && !c.computed && (c.property.name === 'call' || c.property.name === 'apply')) c = c.object;
  return c.type === 'FunctionExpression' || c.type === 'ArrowFunctionExpression' ? c : null;
};

/** References made while a node runs, not inside functions defined there (IIFEs do run). */
function immediateRefs(node, out) {
  if (isFunction(node)) return out;
  if (node.type === 'ClassBody') {
    for (const m of node.body) {
      if (m.computed) immediateRefs(m.key, out);
      if (m.type === 'PropertyDefinition' && m.static && m.value) immediateRefs(m.value, out);
      if (m.type === 'StaticBlock') immediateRefs(m, out);
    }
    return out;
  }
  const f = iifeFunction(node);
  if (f) {
    if (f.body.type === 'BlockStatement') for (const st of f.body.body) immediateRefs(st, out);
    else immediateRefs(f.body, out);
    for (const a of node.arguments) immediateRefs(a, out);
    return out;
  }
  if (node.type === 'Identifier') out.push(node);
  for (const [c] of children(node)) immediateRefs(c, out);
  return out;
}

/**
 * Every statement list: the program, each function body, block and switch
 * case, at any depth. { node, stmts, scope (where its function declarations
 * bind), fnScope (set for a program or function body: where its vars bind) }.
 */
export function statementLists(ast, scopeOf) {
  const lists = [{ node: ast, stmts: ast.body, scope: scopeOf.get(ast), fnScope: scopeOf.get(ast) }];
  const walk = (n) => {
    for (const [c, key] of children(n)) {
      if (c.type === 'BlockStatement') {
        const body = isFunction(n) && key === 'body';
        lists.push({ node: c, stmts: c.body, scope: scopeOf.get(c), fnScope: body ? scopeOf.get(n) : null });
      } else if (c.type === 'SwitchCase') {
        lists.push({ node: c, stmts: c.consequent, scope: scopeOf.get(n), fnScope: null });
      }
      walk(c);
    }
  };
  walk(ast);
  return lists;
}

const contains = (outer, inner) => outer.start <= inner.start && inner.end <= outer.end;

/** Whether running statement st always runs the variable declaration decl inside it. */
const runsDeclaration = (st, decl) => st === decl ||
  (st.type === 'ForStatement' && st.init === decl) ||
  ((st.type === 'ForInStatement' || st.type === 'ForOfStatement') && st.left === decl);

/**
 * Espruino binds a function declaration, and creates a var, only when
 * execution reaches it, in every body at every depth. The hazards:
 * - a statement that reaches (directly, or by calling a function declared
 *   above) a function declared further down its list;
 * - a var used where its declaration has not run yet: a statement before it
 *   (directly or through such calls), code outside the block that declares
 *   it, or a declaration that runs only on some paths (if, loop body, ...).
 * Returns [{ kind: 'function' | 'var', id (the reference), binding, via, list }].
 */
export function hoistingHazards(ast, scopeOf, refs) {
  const refOf = new Map(refs.map((r) => [r.id, r]));
  const lists = statementLists(ast, scopeOf);
  const hazards = [];
  // Each statement's list and index, and each node's parent, to find where a node sits.
  const home = new Map();
  for (const list of lists) list.stmts.forEach((st, i) => home.set(st, { list, i, st }));
  const parentOf = new Map();
  for (const n of allNodes(ast)) for (const [c] of children(n)) parentOf.set(c, n);
  /** The statement of `list` that holds node, and whether a function (not an iife) lies between. */
  const placeIn = (node, list) => {
    let deferred = false;
    for (let n = node; n; n = parentOf.get(n)) {
      if (isFunction(n) && !(parentOf.get(n) && iifeFunction(parentOf.get(n)) === n)) deferred = true;
      const h = home.get(n);
      if (h && h.list === list) return { i: h.i, deferred };
    }
    return null;
  };
  /** Where each declaration of a var runs: the innermost statement holding it. */
  const declHomes = new Map();
  const homesOf = (b) => {
    if (!declHomes.has(b)) {
      declHomes.set(b, b.decls.map((d) => {
        let n = d.decl;
        while (!home.has(n)) n = parentOf.get(n);
        return { ...home.get(n), decl: d.decl, id: d.id };
      }));
    }
    return declHomes.get(b);
  };
  /**
   * A reference is safe after a declaration that always runs, in the same
   * list (in a closure, anywhere in it), or inside the loop whose head declares it.
   */
  const declaredAt = (b, id) => homesOf(b).some((h) => {
    const loop = parentOf.get(h.decl);
    if (loop && runsDeclaration(loop, h.decl) && contains(loop, id) && id.start > h.id.end) return true;
    if (!runsDeclaration(h.st, h.decl)) return false;
    const at = placeIn(id, h.list);
    return at !== null && (at.i > h.i || at.deferred || (at.i === h.i && id.start > h.id.end));
  });
  for (const r of refs) {
    const b = r.binding;
    // (A pattern's names resolve like references: the declared names themselves are not.)
    if (b && b.kind === 'var' && !b.decls.some((d) => d.id === r.id) && !declaredAt(b, r.id)) hazards.push({ kind: 'var', id: r.id, binding: b, via: '' });
  }
  for (const list of lists) {
    const position = new Map();
    list.stmts.forEach((st, i) => { if (st.type === 'FunctionDeclaration') position.set(list.scope.names.get(st.id.name), { i, st }); });
    if (position.size === 0) continue;
    const callRefs = new Map();
    const refsOfFunction = (b) => {
      if (!callRefs.has(b)) callRefs.set(b, position.get(b).st.body.body.flatMap((x) => immediateRefs(x, [])));
      return callRefs.get(b);
    };
    list.stmts.forEach((st, i) => {
      if (st.type === 'FunctionDeclaration') return;
      const seen = new Set();
      const check = (ids, via) => {
        for (const id of ids) {
          const r = refOf.get(id);
          const b = r && r.binding;
          if (!b || seen.has(b)) continue;
          seen.add(b);
          if (b.kind === 'var') {
            // Reached through a call: declared in this list, but only further down.
            const here = via ? homesOf(b).filter((h) => h.list === list) : [];
            if (here.length > 0 && here.every((h) => h.i >= i)) hazards.push({ kind: 'var', id, binding: b, via });
            continue;
          }
          if (!position.has(b)) continue;
          if (position.get(b).i > i) {
            hazards.push({ kind: 'function', id, binding: b, via });
            continue;
          }
          // A function declared above that is called now runs its own references now.
          const p = r.parents[r.parents.length - 1];
          if (p.node.type === 'CallExpression' && p.__key === 'callee') check(refsOfFunction(b), b.name);
        }
      };
      check(immediateRefs(st, []), '');
    });
  }
  return hazards;
}

/** Reports each hoisting hazard (one finding per reference). */
function hoistingRule(ast, scopeOf, refs, report) {
  const seen = new Set();
  for (const h of hoistingHazards(ast, scopeOf, refs)) {
    if (seen.has(h.id)) continue;
    seen.add(h.id);
    const via = h.via ? ' (reached through ' + h.via + ')' : '';
    report(h.id, 'hoisting', h.kind === 'function'
      ? 'function ' + h.binding.name + ' is declared further down' + via + ': Espruino does not hoist, move the declaration up'
      : 'var ' + h.binding.name + ' is used where its declaration has not run' + via + ': Espruino creates a var only when it runs, declare it first');
  }
}

// --- command line ---

function defaultFiles() {
  const dir = join('dist', 'espruino');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => join(dir, f));
}

function main(argv) {
  const files = argv.length > 0 ? argv : defaultFiles();
  if (files.length === 0) {
    console.error('espruino-check: no files (dist/espruino/*.js is empty; build it first or name files)');
    return 2;
  }
  let total = 0;
  for (const f of files) {
    const findings = checkSource(readFileSync(f, 'utf8'), relative(process.cwd(), f));
    for (const x of findings) console.log(x.file + ':' + x.line + ':' + x.col + ': ' + x.rule + ': ' + x.message);
    total += findings.length;
  }
  console.log('espruino-check: ' + total + ' finding' + (total === 1 ? '' : 's') + ' in ' + files.length + ' file' + (files.length === 1 ? '' : 's'));
  return total === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(main(process.argv.slice(2)));
