// The last step of an Espruino bundle: make explicit the hoisting that
// JavaScript does and Espruino does not. Espruino binds a function
// declaration, and creates a var, only when execution reaches it, in every
// body at every depth (`function f(){ g(); function g(){} }` throws), so
// whatever an emitter writes (TypeScript's `__extends(C, _super)` before
// `function C`, helpers, vars declared in a loop and read after it), this
// pass rewrites every statement list so that:
// - its function declarations come first (JavaScript binds them all on
//   entry, so their order among themselves and before the other statements
//   does not change what the code does);
// - a function body starts with `var x, y;` for each var that some code
//   could reach before its declaration runs (scripts/espruino-check.mjs's
//   analysis finds them; a var declared twice is the same var in JavaScript).
// The result means the same in any JavaScript engine; on Espruino it no
// longer depends on hoisting. Directive prologues ("use strict") stay first.
import { analyze, hoistingHazards, parseScript, statementLists } from './espruino-check.mjs';

/** The code with every function declaration and every reachable-early var declared at the top of its body. */
export function declareBeforeUse(code) {
  const ast = parseScript(code);
  const { scopeOf, refs } = analyze(ast);
  const lists = statementLists(ast, scopeOf);
  const early = new Map(); // function scope -> names of vars to declare at its top
  for (const h of hoistingHazards(ast, scopeOf, refs)) {
    if (h.kind !== 'var') continue;
    if (!early.has(h.binding.scope)) early.set(h.binding.scope, new Set());
    early.get(h.binding.scope).add(h.binding.name);
  }
  // Edits replace [start, end) of the original text; text() renders lazily, so a
  // moved declaration carries the edits made inside it.
  const edits = [];
  for (const list of lists) {
    const stmts = list.stmts;
    let first = 0;
    while (first < stmts.length && stmts[first].directive !== undefined) first++;
    let lead = first;
    while (lead < stmts.length && stmts[lead].type === 'FunctionDeclaration') lead++;
    const moved = stmts.slice(lead).filter((st) => st.type === 'FunctionDeclaration');
    const names = list.fnScope && early.has(list.fnScope) ? [...early.get(list.fnScope)] : [];
    if (moved.length === 0 && names.length === 0) continue;
    const at = stmts[first].start;
    const prefix = names.length > 0 ? 'var ' + names.join(',') + ';' : '';
    edits.push({ start: at, end: at, text: () => prefix + moved.map((st) => render(st.start, st.end)).join('') });
    // An empty statement where the declaration was keeps the neighbours apart (no ASI surprises).
    for (const st of moved) edits.push({ start: st.start, end: st.end, text: () => ';' });
  }
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  /** The text of [start, end) with the edits inside it applied (edits inside a replaced range go with it). */
  function render(start, end) {
    let out = '';
    let pos = start;
    for (const e of edits) {
      if (e.start >= end) break;
      if (e.start < pos || (e.start === start && e.end === end && end > start)) continue; // inside a replaced range, or this range's own edit
      out += code.slice(pos, e.start) + e.text();
      pos = e.end;
    }
    return out + code.slice(pos, end);
  }
  return render(0, code.length);
}
