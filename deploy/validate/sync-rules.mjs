#!/usr/bin/env node
// Keeps the alert-rules ConfigMaps in deploy/k8s/monitoring/ byte-identical to the promtool
// source of truth in deploy/monitoring/rules/.
//
//   node deploy/validate/sync-rules.mjs --check   (default) exit 1 if a ConfigMap is stale
//   node deploy/validate/sync-rules.mjs --write   regenerate the ConfigMaps
//
// validate-k8s.mjs checks the same thing on the parsed objects (data[key] === file bytes).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

// rules file (deploy/monitoring/rules/<tier>.rules.yaml) -> ConfigMap file and name.
export const RULE_CONFIGMAPS = [
  { tier: "shared", file: "deploy/k8s/monitoring/alert-rules-shared.yaml", name: "prometheus-rules-shared" },
  { tier: "premium", file: "deploy/k8s/monitoring/alert-rules-premium.yaml", name: "prometheus-rules-premium" },
];
export const RULES_NAMESPACE = "monitoring";
export const rulesSource = (tier) => `deploy/monitoring/rules/${tier}.rules.yaml`;
export const rulesKey = (tier) => `${tier}.rules.yaml`;

// Problems that would make a literal block scalar differ from the file's bytes.
export function blockScalarProblems(text) {
  const problems = [];
  if (!text.endsWith("\n") || text.endsWith("\n\n")) problems.push("must end with exactly one newline");
  if (text.includes("\t")) problems.push("contains a tab");
  if (text.includes("\r")) problems.push("contains a carriage return");
  const first = text.split("\n").find((l) => l.trim() !== "");
  if (first !== undefined && /^\s/.test(first)) problems.push("first non-empty line is indented");
  text.split("\n").forEach((l, i) => {
    if (/[ ]+$/.test(l)) problems.push(`line ${i + 1} has trailing spaces`);
  });
  return problems;
}

export function renderConfigMap({ tier, name }, text) {
  const body = text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => (l === "" ? "" : "    " + l))
    .join("\n");
  return [
    `# GENERATED from ${rulesSource(tier)} by deploy/validate/sync-rules.mjs --write.`,
    "# Do not edit here: edit the rules file (promtool-tested) and regenerate. CI checks that",
    "# data." + rulesKey(tier) + " is byte-identical to the rules file.",
    "# Mounted by the Prometheus server at /etc/prometheus/rules (see prometheus-config.yaml).",
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    `  name: ${name}`,
    `  namespace: ${RULES_NAMESPACE}`,
    "  labels:",
    "    app.kubernetes.io/name: prometheus",
    "    app.kubernetes.io/part-of: smart-router",
    `    smart-router.io/tier: ${tier}`,
    "data:",
    `  ${rulesKey(tier)}: |`,
    body,
    "",
  ].join("\n");
}

function main() {
  const mode = process.argv.includes("--write") ? "write" : "check";
  let failed = false;
  for (const cm of RULE_CONFIGMAPS) {
    const src = path.join(repo, rulesSource(cm.tier));
    const dst = path.join(repo, cm.file);
    if (!existsSync(src)) {
      console.error(`sync-rules: ${rulesSource(cm.tier)} is missing`);
      failed = true;
      continue;
    }
    const text = readFileSync(src, "utf8");
    const problems = blockScalarProblems(text);
    if (problems.length) {
      for (const p of problems) console.error(`sync-rules: ${rulesSource(cm.tier)}: ${p}`);
      failed = true;
      continue;
    }
    const want = renderConfigMap(cm, text);
    const have = existsSync(dst) ? readFileSync(dst, "utf8") : null;
    if (have === want) {
      console.log(`sync-rules: ${cm.file} up to date`);
    } else if (mode === "write") {
      writeFileSync(dst, want);
      console.log(`sync-rules: wrote ${cm.file}`);
    } else {
      console.error(
        `sync-rules: ${cm.file} is ${have === null ? "missing" : "stale"}: ` +
          `run node deploy/validate/sync-rules.mjs --write`,
      );
      failed = true;
    }
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
