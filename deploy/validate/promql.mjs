// PromQL helpers of the deploy validator (no PromQL parser is packaged for Node offline: this
// tokenizer is enough to find the series names a rule, an analysis or an adapter query reads).

// PromQL words that are not series names: keywords, aggregation operators (which may precede
// `by (...)` instead of a parenthesis) and number literals.
const PROMQL_WORDS = new Set([
  "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
  "offset", "atan2", "inf", "nan", "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
  "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio",
]);

// The series names of a PromQL expression, selector or bare (`rate(x[5m])`), with the text of
// their label matchers: strings, label lists (`by (...)`, `on (...)`), matcher bodies, function
// names (a word before `(`), durations and templates ({{args.x}}, <<.Series>>) are skipped.
export function promqlSeries(expr) {
  const text = String(expr)
    .replace(/\{\{[^}]*\}\}|<<[^>]*>>/g, (t) => " ".repeat(t.length)) // same length: indices stay valid
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (q) => `"${"_".repeat(q.length - 2)}"`);
  const out = [];
  const re = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
  let m;
  while ((m = re.exec(text))) {
    const word = m[0];
    const before = text.slice(0, m.index);
    const after = text.slice(m.index + word.length);
    if (/[0-9.]$/.test(before) || /\$\w*$/.test(before)) continue; // 5m, 1e3, $1
    if (/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$/.test(before)) continue; // label list
    if ((before.match(/\{/g) ?? []).length > (before.match(/\}/g) ?? []).length) continue; // inside {...}
    if (/^\s*\(/.test(after) || PROMQL_WORDS.has(word.toLowerCase())) continue; // function, keyword
    // The matchers' extent is found in the blanked text, their text taken from the original at
    // the same place (same length), so quoted values stay intact.
    const sel = after.match(/^(\s*\{)([^}]*)\}/);
    const start = m.index + word.length + (sel ? sel[1].length : 0);
    out.push({ name: word, matchers: sel ? String(expr).slice(start, start + sel[2].length) : "" });
  }
  return out;
}
