import ts from 'typescript';
import { readFileSync } from 'node:fs';
const file = process.argv[2];
const src = readFileSync(file, 'utf8');
const sf = ts.createSourceFile(file, src, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
const counts = {};
const add = (k, node) => { (counts[k] ??= { n: 0, ex: src.slice(node.getStart(), node.getStart() + 60) }).n++; };
function visit(node) {
  const K = ts.SyntaxKind;
  switch (node.kind) {
    case K.ObjectBindingPattern: add('destructuring {}', node); break;
    case K.ArrayBindingPattern: add('destructuring []', node); break;
    case K.SpreadElement: add('spread (call/array)', node); break;
    case K.SpreadAssignment: add('object spread', node); break;
    case K.Parameter: if (node.initializer) add('default parameter', node); if (node.dotDotDotToken) add('rest parameter', node); break;
    case K.LabeledStatement: add('label', node); break;
    case K.ForOfStatement: add('for-of', node); break;
    case K.ForInStatement: add('for-in', node); break;
    case K.ClassDeclaration: case K.ClassExpression: add('class', node); if (node.heritageClauses) add('class extends', node); break;
    case K.ComputedPropertyName: add('computed key', node); break;
    case K.BigIntLiteral: add('BigInt literal', node); break;
    case K.YieldExpression: add('yield', node); break;
    case K.AwaitExpression: add('await', node); break;
    case K.TemplateExpression: case K.NoSubstitutionTemplateLiteral: add('template literal', node); break;
    case K.ArrowFunction: add('arrow', node); break;
    case K.GetAccessor: add('getter', node); break;
    case K.SetAccessor: add('setter', node); break;
    case K.PropertyDeclaration: add('class field', node); break;
    case K.BinaryExpression: if (node.operatorToken.kind === K.AsteriskAsteriskToken) add('**', node); break;
    case K.Identifier: {
      const t = node.text;
      if (['BigInt', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Proxy', 'Reflect', 'TextEncoder', 'TextDecoder'].includes(t)) add('global ' + t, node);
      if (node.parent && ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) {
        const obj = node.parent.expression.getText();
        if (['imul', 'clz32', 'freeze', 'from', 'isInteger', 'setPrototypeOf', 'defineProperty', 'assign', 'slice', 'fill', 'copyWithin', 'subarray', 'padStart', 'find', 'includes'].includes(t)) add('.' + t + (['Math','Object','Array','Number'].includes(obj) ? ' on ' + obj : ''), node);
      }
      break;
    }
  }
  if (ts.isFunctionDeclaration(node) && node.asteriskToken) add('generator', node);
  if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) && node.modifiers?.some(m => m.kind === ts.SyntaxKind.AsyncKeyword)) add('async', node);
  ts.forEachChild(node, visit);
}
visit(sf);
for (const [k, v] of Object.entries(counts).sort()) console.log(String(v.n).padStart(5), k.padEnd(22), JSON.stringify(v.ex));
