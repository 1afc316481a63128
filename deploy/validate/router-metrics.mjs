// The router's metrics, read from its source instead of copied: the names from
// include/smart_router/observability/metric_names.hpp (every metric the router exports is listed
// there, `inline constexpr const char* kName = "metric_name";`), the type and labels from where
// each name is registered under src/ (prometheus-cpp `BuildCounter()...Name(names::kX)` and the
// family's `->Add({{"label", ...}, ...})` calls, or a hand-built family `x.name = names::kX` with
// `MetricType::Summary` and `m.label = {{"label", ...}}`).
//
// readRouterMetrics(repo) -> { metrics: {name: {type, labels}}, problems: [text] }
// A name whose registration or labels cannot be found is still a known metric (so a rule may use
// it) with labels null (not checked), and a problem says why; a malformed header is a problem too.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const HEADER = "include/smart_router/observability/metric_names.hpp";

export function parseMetricNames(text) {
  const names = new Map(); // constant -> metric name
  for (const m of text.matchAll(/constexpr\s+const\s+char\s*\*\s*(k\w+)\s*=\s*"([^"]*)"\s*;/g)) {
    names.set(m[1], m[2]);
  }
  return names;
}

function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(cpp|hpp)$/.test(e)) out.push(p);
  }
  return out;
}

// Label names of the first brace-initialiser list at `from`: {{"a", x}, {"b", y}} -> [a, b].
function labelsAt(text, from) {
  const open = text.indexOf("{", from);
  if (open < 0) return null;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) {
      const body = text.slice(open + 1, i);
      return [...body.matchAll(/\{\s*"([a-zA-Z_][a-zA-Z0-9_]*)"\s*,/g)].map((m) => m[1]);
    }
  }
  return null;
}

const TYPES = { Counter: "counter", Gauge: "gauge", Histogram: "histogram", Summary: "summary" };

// Type and label sets of one metric constant in one source file, or null when not registered there.
function registration(text, constant) {
  const built = new RegExp(`(?:(\\w+)\\s*=\\s*&?\\s*)?prometheus::Build(Counter|Gauge|Histogram|Summary)\\(\\)[^;]*?\\.Name\\(\\s*(?:\\w+::)*${constant}\\s*\\)([^;]*);`, "s");
  const b = text.match(built);
  if (b) {
    const labelSets = [];
    const inline = b[3].match(/\.Add\(/);
    if (inline) labelSets.push(labelsAt(b[3], inline.index));
    if (b[1]) {
      for (const a of text.matchAll(new RegExp(`\\b${b[1]}->Add\\(\\s*([^)]*)`, "g"))) {
        const arg = a[1].trim();
        if (arg.startsWith("{")) labelSets.push(labelsAt(text, a.index + a[0].indexOf("{")));
        else {
          // A named prometheus::Labels: its initialiser.
          const v = arg.match(/^(\w+)/)?.[1];
          const decl = v && text.match(new RegExp(`Labels\\s+${v}\\s*\\{`));
          labelSets.push(decl ? labelsAt(text, decl.index + decl[0].length - 1) : null);
        }
      }
    }
    return { type: TYPES[b[2]], labelSets };
  }
  const hand = text.match(new RegExp(`(\\w+)\\.name\\s*=\\s*(?:\\w+::)*${constant}\\s*;([\\s\\S]*?)\\n}`));
  if (hand) {
    const type = hand[2].match(/MetricType::(Counter|Gauge|Histogram|Summary)/)?.[1];
    const lab = hand[2].match(/\.label\s*=\s*\{/);
    return type ? { type: TYPES[type], labelSets: [lab ? labelsAt(hand[2], lab.index + lab[0].length - 1) : null] } : null;
  }
  return null;
}

export function readRouterMetrics(repo) {
  const problems = [];
  let header;
  try {
    header = readFileSync(path.join(repo, HEADER), "utf8");
  } catch (e) {
    return { metrics: {}, problems: [`${HEADER}: ${e.message}`] };
  }
  const names = parseMetricNames(header);
  if (!names.size) problems.push(`${HEADER}: no metric name constants found (expected inline constexpr const char* kX = "name";)`);
  const sources = sourceFiles(path.join(repo, "src")).map((f) => ({ f, text: readFileSync(f, "utf8") }));
  const metrics = {};
  for (const [constant, name] of names) {
    let reg = null;
    for (const { text } of sources) if ((reg = registration(text, constant))) break;
    if (!reg) {
      problems.push(`${name} (${constant}): no registration found under src/; its labels are not checked`);
      metrics[name] = { type: "untyped", labels: null };
      continue;
    }
    const sets = reg.labelSets.filter((x) => x !== null);
    if (!sets.length || sets.length !== reg.labelSets.length) {
      problems.push(`${name} (${constant}): label names not found where it is added; its labels are not checked`);
    }
    metrics[name] = { type: reg.type, labels: sets.length ? [...new Set(sets.flat())].sort() : null };
  }
  return { metrics, problems };
}
