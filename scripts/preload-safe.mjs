// A rollup plugin for bundles that Moddable apps preload (dist/moddable).
// Preloading runs a module at build time and keeps its objects in flash;
// two things in @noble/* then break at run time on XS (Moddable SDK 8.2.3):
//
// 1. Collections and typed arrays made at module load are read-only.
//    noble caches field square roots and validated points in a WeakMap and
//    a WeakSet: they become flashCache() stand-ins that keep no new entry
//    once read-only (ports/moddable/preload-safe.ts), so nothing is written
//    at run time. (Its window sizes and wNAF tables stay: only precompute()
//    writes them, and curveTables is refused there.) @noble/hashes' SHA-2 keeps its message
//    schedule in module-level arrays: imports of it resolve to our SHA-2
//    (core/crypto/sha2.ts), whose buffers live in each hash state.
// 2. A BigInt kept in flash is never === (nor ==, nor SameValue) to a BigInt
//    made at run time, even of equal value: XS compares the two kinds of
//    slot before the values (xsRun.c, XS_CODE_STRICT_EQUAL; <, > and
//    arithmetic are fine). noble compares against module-level constants
//    (`x === _0n`) everywhere, so every equality in noble's code becomes a
//    call that also compares BigInts by value, and the one Set of BigInts
//    (montgomery's low-order points) is searched the same way.
//
// Every edit is checked: when a listed text is missing (a new noble
// version), the build fails so the change is looked at again.
import { parse } from 'acorn';
import { join } from 'node:path';

const COLLECTIONS = [
  ['curves/abstract/modular.js', 'const FIELD_SQRT = new WeakMap();'],
  ['curves/abstract/weierstrass.js', 'const validityCache = new WeakSet();'],
];
const SET_LOOKUPS = [
  ['curves/abstract/montgomery.js', 'lowOrderU.has(pointU)', 'Array.from(lowOrderU).some((v) => __same(v, pointU))'],
];

const SAME = [
  '// Equality that also holds between a BigInt in flash and one in RAM (see scripts/preload-safe.mjs).',
  "const __same = (a, b) => a === b || (typeof a === 'bigint' && typeof b === 'bigint' && a <= b && a >= b);",
  "const __like = (a, b) => a == b || (typeof a === 'bigint' && typeof b === 'bigint' && a <= b && a >= b);",
].join('\n');

/** True when an operand cannot be a BigInt: a non-BigInt literal, `undefined`, a typeof or void. */
function plainly(node) {
  if (node.type === 'ParenthesizedExpression') return plainly(node.expression);
  if (node.type === 'Literal') return node.bigint === undefined;
  if (node.type === 'Identifier') return node.name === 'undefined';
  if (node.type === 'TemplateLiteral') return true;
  return node.type === 'UnaryExpression' && (node.operator === 'typeof' || node.operator === 'void');
}

/** Rewrites every equality that might compare BigInts into __same()/__like() calls. */
export function rewriteEqualities(code) {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module', preserveParens: true });
  const edits = []; // [position, order, text, deleteTo]
  let count = 0;
  (function walk(node, depth) {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n, depth);
      return;
    }
    if (node.type === 'BinaryExpression' && ['===', '!==', '==', '!='].includes(node.operator) &&
        !plainly(node.left) && !plainly(node.right)) {
      const negate = node.operator[0] === '!';
      const fn = node.operator.length === 3 ? '__same' : '__like';
      // Openings of outer calls go before inner ones at the same place; closings after.
      edits.push([node.start, -1000 + depth, (negate ? '!' : '') + fn + '(']);
      edits.push([node.left.end, 0, ', ', node.right.start]);
      edits.push([node.end, 1000 - depth, ')']);
      count++;
    }
    for (const key of Object.keys(node)) if (key !== 'type') walk(node[key], depth + 1);
  })(ast, 0);
  edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  for (const [pos, , text, to] of edits) code = code.slice(0, pos) + text + code.slice(to ?? pos);
  return { code: SAME + '\n' + code, count };
}

/** The plugin; `src` is where the compiled TypeScript is (build/dist-src). */
export function preloadSafe(src) {
  const helper = JSON.stringify(join(src, 'ports/moddable/preload-safe.js'));
  const sha2 = join(src, 'core/crypto/sha2.js');
  return {
    name: 'microtls-preload-safe',
    resolveId(id) {
      return id === '@noble/hashes/sha2.js' ? sha2 : null;
    },
    transform(code, id) {
      const file = id.replace(/\\/g, '/').split('/node_modules/@noble/')[1];
      if (file === undefined) return null;
      const collections = COLLECTIONS.filter(([f]) => f === file);
      for (const [, text] of collections) {
        if (!code.includes(text)) throw new Error('preload-safe: "' + text + '" not found in @noble/' + file);
        code = code.replace(text, text.replace(/new (Weak(?:Map|Set))\(\)/, 'flashCache($1)'));
      }
      if (collections.length > 0) code = 'import { flashCache } from ' + helper + ';\n' + code;
      for (const [f, text, replacement] of SET_LOOKUPS) {
        if (f !== file) continue;
        if (!code.includes(text)) throw new Error('preload-safe: "' + text + '" not found in @noble/' + file);
        code = code.replace(text, replacement);
      }
      return { code: rewriteEqualities(code).code, map: null };
    },
  };
}
