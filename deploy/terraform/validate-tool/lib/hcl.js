'use strict';
// Loading a Terraform module offline: every *.tf file parsed with @cdktf/hcl2json (HashiCorp's
// own HCL parser compiled to WebAssembly), merged into one symbol table, and the expressions
// inside it turned into syntax trees so references can be checked without the terraform binary.

const fs = require('fs');
const path = require('path');
const hcl = require('@cdktf/hcl2json');

// Top-level block kinds hcl2json emits, and how deep their labels go.
//   resource/data: {type: {name: [body]}}   variable/output/module/provider: {name: [body]}
//   locals/terraform: [body]
const LABELLED2 = ['resource', 'data'];
const LABELLED1 = ['variable', 'output', 'module', 'provider'];
const UNLABELLED = ['locals', 'terraform', 'moved', 'import', 'check', 'removed'];

async function parseFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return { file, text, json: await hcl.parse(path.basename(file), text), error: null };
  } catch (e) {
    return { file, text, json: null, error: String(e.message || e).trim() };
  }
}

// Parse every .tf file of one directory (one Terraform module). Returns
// { dir, files: [{file, text, json, error}], blocks: [...] } where each block is
// { kind, type, name, body, file, key } and key is the address ("aws_vpc.main", "var.x", ...).
async function loadModule(dir) {
  const names = fs.readdirSync(dir).filter((n) => n.endsWith('.tf')).sort();
  const files = [];
  for (const n of names) files.push(await parseFile(path.join(dir, n)));
  const blocks = [];
  for (const f of files) {
    if (!f.json) continue;
    for (const [kind, val] of Object.entries(f.json)) {
      if (LABELLED2.includes(kind)) {
        for (const [type, byName] of Object.entries(val)) {
          for (const [name, bodies] of Object.entries(byName)) {
            for (const body of bodies) {
              const key = kind === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
              blocks.push({ kind, type, name, body, file: f.file, key });
            }
          }
        }
      } else if (LABELLED1.includes(kind)) {
        for (const [name, bodies] of Object.entries(val)) {
          for (const body of bodies) {
            const prefix = { variable: 'var', output: 'output', module: 'module', provider: 'provider' }[kind];
            blocks.push({ kind, type: null, name, body, file: f.file, key: `${prefix}.${name}` });
          }
        }
      } else if (UNLABELLED.includes(kind)) {
        const bodies = Array.isArray(val) ? val : [val];
        for (const body of bodies) blocks.push({ kind, type: null, name: null, body, file: f.file, key: kind });
      } else {
        blocks.push({ kind, type: null, name: null, body: val, file: f.file, key: kind, unknown: true });
      }
    }
  }
  return { dir, files, blocks };
}

// ---------------------------------------------------------------------------- expressions

const WRAP = 'SRVALIDATEEOT';

// hcl2json keeps expressions as template strings ("${var.x}", "${{ for ... }}", "a-${b}").
// Wrapping one in a heredoc gives HCL back a template it can parse as-is (quotes and newlines
// included); the tree then has a node per traversal, for-expression and so on.
async function expressionAst(str) {
  return hcl.getExpressionAst('expr.tf', `<<${WRAP}\n${str}\n${WRAP}\n`);
}

function isExpression(str) {
  return typeof str === 'string' && (str.includes('${') || str.includes('%{'));
}

// All root traversals in a tree: [{root, parts: [{kind: 'name'|'index'|'splat', value}], text}].
// `scoped` holds names bound by enclosing for-expressions (key/value variables).
function collectTraversals(node, scoped, out) {
  if (!node) return out;
  if (node.type === 'scopeTraversal') {
    const parts = (node.meta.traversal || []).map((t) => ({
      kind: t.type === 'nameTraversal' ? 'name' : t.type === 'indexTraversal' ? 'index' : 'splat',
      value: t.segment,
    }));
    if (parts.length && !scoped.includes(parts[0].value)) {
      out.push({ root: parts[0].value, parts, text: node.meta.value || node.meta.fullAccessor });
    }
    // a traversal may still have children (index keys that are expressions)
  }
  let inner = scoped;
  if (node.type === 'for') inner = scoped.concat([node.meta.keyVar, node.meta.valVar].filter(Boolean));
  for (const child of node.children || []) collectTraversals(child, inner, out);
  // a splat's source expression sits in meta only in some versions: children cover it
  return out;
}

// The traversals of one expression string (memoised: the same string is parsed once).
const cache = new Map();
async function referencesIn(str) {
  if (!isExpression(str)) return [];
  if (cache.has(str)) return cache.get(str);
  let result;
  try {
    const ast = await expressionAst(str);
    result = collectTraversals(ast, [], []);
  } catch (e) {
    result = { error: String(e.message || e).replace(/\s+/g, ' ').trim() };
  }
  cache.set(str, result);
  return result;
}

// Parse many expression strings in few calls into the WebAssembly parser (each call costs a
// scheduler round trip): one tuple of heredocs per batch. A batch that fails to parse is left
// to referencesIn(), which then parses its strings one by one and reports the broken one.
async function prefetch(strs, batchSize = 150) {
  const todo = [...new Set(strs.filter((x) => isExpression(x) && !cache.has(x)))];
  for (let i = 0; i < todo.length; i += batchSize) {
    const batch = todo.slice(i, i + batchSize);
    const src = `[\n${batch.map((e, j) => `<<${WRAP}${j}\n${e}\n${WRAP}${j}\n`).join(',\n')}]`;
    let ast = null;
    try { ast = await hcl.getExpressionAst('exprs.tf', src); } catch (e) { ast = null; }
    if (!ast || ast.type !== 'tuple' || (ast.children || []).length !== batch.length) continue;
    batch.forEach((e, j) => cache.set(e, collectTraversals(ast.children[j], [], [])));
  }
}

// Line (1-based) of the first occurrence of `needle` in `text`, or 0.
function lineOf(text, needle) {
  if (!text || !needle) return 0;
  const i = text.indexOf(needle);
  if (i < 0) return 0;
  return text.slice(0, i).split('\n').length;
}

// A literal default/value from hcl2json, or undefined if it is an expression.
function literal(v) {
  if (isExpression(v)) return undefined;
  return v;
}

// "${var.x.y}" (or "${tostring(var.x.y)}") -> {name: "x", path: ["y"]}: the whole string is
// exactly one variable reference; else null.
function soleVarRef(v) {
  const m = typeof v === 'string' && /^\$\{(?:tostring\()?var\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*)*)\)?\}$/.exec(v);
  if (!m) return null;
  return { name: m[1], path: m[2] ? m[2].slice(1).split('.') : [] };
}

module.exports = {
  loadModule, referencesIn, prefetch, isExpression, lineOf, literal, soleVarRef,
};
