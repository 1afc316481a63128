#!/usr/bin/env node
// Offline validation of deploy/k8s: no cluster, no kubectl.
//
//   node deploy/validate/validate-k8s.mjs [--k8s DIR] [--out DIR]
//
// 1. Files: every YAML file under deploy/k8s is listed in kustomization.yaml and vice versa.
// 2. Schema: every object is validated by its kubernetes-models / @kubernetes-models/argo-rollouts
//    class (`new Deployment(obj).validate()`); unknown fields are errors too (the classes'
//    type declarations give the known fields, like `kubeconform -strict`). A kind with no model
//    is an error unless README.md lists it as a documented CRD.
// 3. Cross-references: namespaces, Service selectors and target ports, HPA targets, Rollout
//    services / workloadRef / analysis templates, ConfigMap / Secret / ServiceAccount / PVC
//    references (declared here or listed as external in README.md), NetworkPolicy and PDB
//    selectors, RBAC bindings, APIService backends, in-cluster DNS names of Services.
// 4. Project rules: the smart-router Deployment (config mount, drain timing, probes, scrape
//    annotations, the admin endpoints on their own port and off every Service), the metric and
//    label names of every PromQL query (selectors and bare names) against the metrics read from
//    the router's source (router-metrics.mjs) and the recorded series, alert-rules ConfigMaps
//    byte-identical to deploy/monitoring/rules/, adapter rules serving the HPAs' metrics.
// 5. Extraction for the other tools (scripts/validate-deploy.sh): OUT/router.yaml and
//    OUT/router.env (smart-router --check-config), OUT/prometheus/ (promtool check config),
//    OUT/manifest-queries.rules.yaml (every PromQL query of the manifests, for promtool).
//
// Exit status: 0 when no error, 1 otherwise; every error is printed as
//   ERROR file:line Kind namespace/name: message
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LineCounter, parse as parseYaml, parseAllDocuments, stringify } from "yaml";
import { promqlSeries } from "./promql.mjs";
import { readRouterMetrics } from "./router-metrics.mjs";
import { RULE_CONFIGMAPS, rulesKey, rulesSource } from "./sync-rules.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const nodeModules = path.join(here, "node_modules");

function argValue(name, dflt) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
const k8sDir = path.resolve(repo, argValue("--k8s", "deploy/k8s"));
const outDir = path.resolve(repo, argValue("--out", "build/deploy-check"));
const readmePath = path.join(k8sDir, "README.md");
const rel = (p) => path.relative(repo, p) || ".";

// ---------------------------------------------------------------------------------------------
// Reporting
const errors = [];
const notes = [];
function where(o) {
  if (!o) return "";
  const ns = o.obj?.metadata?.namespace;
  return `${o.file}:${o.line} ${o.obj?.kind ?? "?"} ${ns ? ns + "/" : ""}${o.obj?.metadata?.name ?? "?"}`;
}
function error(o, msg) {
  errors.push(`${typeof o === "string" ? o : where(o)}: ${msg}`);
}

// ---------------------------------------------------------------------------------------------
// The router's metrics (names, types, labels), read from its source: the names from
// include/smart_router/observability/metric_names.hpp, types and labels from their registration
// under src/ (router-metrics.mjs). Nothing here is a copy that could drift from the router.
const routerMetrics = readRouterMetrics(repo);
const CONTRACT_METRICS = routerMetrics.metrics;
for (const p of routerMetrics.problems) notes.push(`router metrics: ${p}`);
if (!Object.keys(CONTRACT_METRICS).length) error("include/smart_router/observability/metric_names.hpp", "no metric names could be read: every rule would be unchecked");
// Labels Prometheus adds to every scraped series (prometheus-config.yaml relabelling).
const TARGET_LABELS = ["namespace", "pod", "job", "instance", "app"];
const LABEL_VALUES = {
  tier: ["shared", "premium"],
  pool: ["shared", "premium"],
  user_tier: ["LITE", "PRO", "ELITE", "BLACK", "OBSIDIAN", "VOID"],
  result: ["success", "failure"],
};
// Series names the contract's metrics expose, with the labels each may carry.
const SERIES = new Map();
for (const [name, m] of Object.entries(CONTRACT_METRICS)) {
  const labels = m.labels ? [...m.labels, ...TARGET_LABELS] : null; // null: labels not checked
  if (m.type === "histogram") {
    SERIES.set(name + "_bucket", labels && [...labels, "le"]);
    SERIES.set(name + "_sum", labels);
    SERIES.set(name + "_count", labels);
  } else if (m.type === "summary") {
    SERIES.set(name, labels && [...labels, "quantile"]);
    SERIES.set(name + "_sum", labels);
    SERIES.set(name + "_count", labels);
  } else {
    SERIES.set(name, labels);
  }
}

// Series the rules files record (`record:`), with the labels each carries: those of its
// expression's `by (...)` clauses and its own `labels`; without a `by`, its labels are not checked.
const RECORDED = new Map();
for (const { tier } of RULE_CONFIGMAPS) {
  const src = path.join(repo, rulesSource(tier));
  if (!existsSync(src)) continue; // reported in section 8
  for (const g of parseYaml(readFileSync(src, "utf8"))?.groups ?? []) {
    for (const r of g.rules ?? []) {
      if (!r.record) continue;
      const by = [...String(r.expr ?? "").matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(",").map((l) => l.trim()));
      const labels = by.length ? [...new Set([...RECORDED.get(r.record) ?? [], ...by, ...Object.keys(r.labels ?? {})])] : null;
      RECORDED.set(r.record, labels);
    }
  }
}

// Checks every series name of a PromQL expression, and the labels of its matchers, against the
// router's metrics and the recorded series. Returns how many series names it found.
function checkPromqlNames(o, what, expr) {
  const series = promqlSeries(expr);
  for (const { name, matchers } of series) {
    const labelsUsed = [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)];
    if (RECORDED.has(name) && !SERIES.has(name)) {
      const labels = RECORDED.get(name);
      for (const [, label] of labelsUsed) {
        if (labels && !labels.includes(label)) error(o, `${what}: recorded series ${name} has no label "${label}" (its labels: ${labels.join(", ")})`);
      }
      continue;
    }
    if (!SERIES.has(name)) {
      error(o, `${what}: metric "${name}" is not one the router exports (include/smart_router/observability/metric_names.hpp) nor a recorded series`);
      continue;
    }
    const allowed = SERIES.get(name);
    for (const [, label, op, value] of labelsUsed) {
      if (allowed && !allowed.includes(label)) {
        error(o, `${what}: ${name} has no label "${label}" (its labels: ${allowed.join(", ")})`);
      } else if (op === "=" && LABEL_VALUES[label] && !LABEL_VALUES[label].includes(value)) {
        error(o, `${what}: ${label}="${value}" is not a contract value (${LABEL_VALUES[label].join(", ")})`);
      }
    }
  }
  return series.length;
}

// ---------------------------------------------------------------------------------------------
// 1. Files and kustomization
function listYaml(dir) {
  const out = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listYaml(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

if (!existsSync(k8sDir)) {
  console.error(`validate-k8s: ${rel(k8sDir)} does not exist`);
  process.exit(1);
}
const kustomizationPath = path.join(k8sDir, "kustomization.yaml");
const allYaml = listYaml(k8sDir).filter((p) => p !== kustomizationPath);
let resourceFiles = allYaml;
if (!existsSync(kustomizationPath)) {
  error(rel(kustomizationPath), "missing (it must list every YAML file of the directory)");
} else {
  const kz = parseYaml(readFileSync(kustomizationPath, "utf8")) ?? {};
  const listed = (kz.resources ?? []).map((r) => path.resolve(k8sDir, r));
  for (const r of listed) if (!existsSync(r)) error(rel(kustomizationPath), `lists ${rel(r)}, which does not exist`);
  for (const f of allYaml) if (!listed.includes(f)) error(rel(f), "not listed in kustomization.yaml resources");
  const dups = listed.filter((r, i) => listed.indexOf(r) !== i);
  for (const d of dups) error(rel(kustomizationPath), `lists ${rel(d)} twice`);
  for (const key of Object.keys(kz)) {
    if (!["apiVersion", "kind", "resources"].includes(key)) {
      error(rel(kustomizationPath), `"${key}" would transform the objects after validation; keep it out or teach validate-k8s.mjs`);
    }
  }
  resourceFiles = listed.filter((r) => existsSync(r));
}

// Parse every document of every file.
const objects = [];
for (const file of resourceFiles) {
  const text = readFileSync(file, "utf8");
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  for (const doc of docs) {
    const line = doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]).line : 1;
    for (const e of doc.errors) error(`${rel(file)}:${line}`, `YAML: ${e.message.split("\n")[0]}`);
    if (doc.errors.length) continue;
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    const o = { obj, file: rel(file), line };
    if (typeof obj !== "object" || Array.isArray(obj)) {
      error(o, "a document must be one Kubernetes object");
      continue;
    }
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
      error(o, "apiVersion, kind and metadata.name are required");
      continue;
    }
    objects.push(o);
  }
}

// ---------------------------------------------------------------------------------------------
// 2. External objects and CRDs documented in README.md
//   <!-- external-objects:begin --> | kind | namespace/name | keys or ports | note | <!-- ...:end -->
const external = new Map(); // "Kind/ns/name" -> { keys: Set }
const documentedCrds = new Set(); // "apiVersion/Kind"
if (!existsSync(readmePath)) {
  error(rel(readmePath), "missing: it documents the external Secrets and services");
} else {
  const readme = readFileSync(readmePath, "utf8");
  const block = readme.match(/<!-- external-objects:begin -->([\s\S]*?)<!-- external-objects:end -->/);
  if (!block) error(rel(readmePath), "has no <!-- external-objects:begin --> ... <!-- external-objects:end --> table");
  for (const row of (block?.[1] ?? "").split("\n")) {
    const cells = row.split("|").map((c) => c.trim().replace(/`/g, ""));
    if (cells.length < 4 || !cells[1] || /^-+$/.test(cells[1]) || cells[1].toLowerCase() === "kind") continue;
    const [kind, name, keys] = [cells[1], cells[2], cells[3]];
    if (kind === "CRD") {
      documentedCrds.add(name);
      continue;
    }
    const [ns, n] = name.includes("/") ? name.split("/") : ["", name];
    external.set(`${kind}/${ns}/${n}`, {
      keys: new Set(keys && keys !== "-" ? keys.split(/[,\s]+/).filter(Boolean) : []),
    });
  }
}
const isExternal = (kind, ns, name) => external.get(`${kind}/${ns ?? ""}/${name}`);

// ---------------------------------------------------------------------------------------------
// 3. Schema validation with kubernetes-models, plus unknown-field detection from the
//    classes' .d.ts declarations.
const MODEL_PACKAGES = ["kubernetes-models", "@kubernetes-models/argo-rollouts"];
const modelCache = new Map();
async function loadModel(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  let found = null;
  if (/^[A-Z][A-Za-z0-9]*$/.test(kind) && /^[a-z0-9.\-]+(\/[a-z0-9]+)?$/.test(apiVersion)) {
    for (const pkg of MODEL_PACKAGES) {
      const spec = `${pkg}/${apiVersion}/${kind}`;
      const file = path.join(nodeModules, spec + ".js");
      if (!existsSync(file)) continue;
      const mod = await import(pathToFileURL(file).href);
      const cls = mod[kind];
      // Sub-models (PodSpec, ...) exist as classes too; only top-level kinds carry kind.
      if (cls && cls.kind === kind && cls.apiVersion === apiVersion) {
        found = { cls, dts: path.join(nodeModules, spec + ".d.ts") };
        break;
      }
    }
  }
  modelCache.set(key, found);
  return found;
}

const dtsCache = new Map();
function resolveDts(spec, fromFile) {
  if (spec.startsWith(".")) return path.resolve(path.dirname(fromFile), spec.replace(/\.js$/, "") + ".d.ts");
  return path.join(nodeModules, spec.replace(/\.js$/, "") + ".d.ts");
}
// Returns Map(prop -> type) for the first interface in a .d.ts, or null (type alias etc.).
// type: {kind: "any"} | {kind: "ref", file} | {kind: "array", of: type}
function interfaceOf(file) {
  if (dtsCache.has(file)) return dtsCache.get(file);
  let result = null;
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    const imports = new Map();
    for (const m of text.matchAll(/import \{([^}]+)\} from "([^"]+)"/g)) {
      for (const n of m[1].split(",")) imports.set(n.trim(), resolveDts(m[2], file));
    }
    const start = text.search(/export interface \w+[^{]*\{/);
    if (start >= 0) {
      result = new Map();
      const lines = text.slice(text.indexOf("{", start) + 1).split("\n");
      let depth = 0;
      let pending = null; // property whose inline type block is open
      for (const line of lines) {
        if (depth === 0) {
          if (/^\s*\}/.test(line)) break;
          const m = line.match(/^\s*"([^"]+)"\??:\s*(.*?);?\s*$/);
          if (!m) continue;
          const [, prop, type] = m;
          if (type.endsWith("{")) {
            pending = prop;
            result.set(prop, { kind: "any" });
            depth = 1;
            continue;
          }
          const arr = type.match(/^Array<(\w+)>$/);
          const name = arr ? arr[1] : type;
          const ref = imports.get(name);
          const t = ref ? { kind: "ref", file: ref } : { kind: "any" };
          result.set(prop, arr ? { kind: "array", of: t } : t);
        } else {
          depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
          if (depth <= 0) {
            depth = 0;
            pending = null;
          }
        }
      }
      void pending;
    }
  }
  dtsCache.set(file, result);
  return result;
}
function checkUnknownFields(o, value, file, at) {
  const props = interfaceOf(file);
  if (!props || value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const t = props.get(k);
    if (!t) {
      error(o, `unknown field ${at ? at + "." : ""}${k}`);
      continue;
    }
    const p = at ? `${at}.${k}` : k;
    if (t.kind === "ref") checkUnknownFields(o, v, t.file, p);
    else if (t.kind === "array" && t.of.kind === "ref" && Array.isArray(v)) {
      v.forEach((item, i) => checkUnknownFields(o, item, t.of.file, `${p}[${i}]`));
    }
  }
}

const modelled = new Map();
for (const o of objects) {
  const { apiVersion, kind } = o.obj;
  const model = await loadModel(apiVersion, kind);
  if (!model) {
    if (documentedCrds.has(`${apiVersion}/${kind}`)) notes.push(`${where(o)}: documented CRD, schema not checked`);
    else error(o, `no model for ${apiVersion} ${kind}: fix apiVersion/kind, or list it as a CRD in README.md`);
    continue;
  }
  modelled.set(o, model);
  try {
    new model.cls(o.obj).validate();
  } catch (e) {
    const details = e?.errors?.length
      ? e.errors.map((x) => `${x.instancePath || "/"} ${x.message}`).join("; ")
      : String(e?.message ?? e);
    error(o, `schema: ${details}`);
  }
  checkUnknownFields(o, o.obj, model.dts, "");
}

// ---------------------------------------------------------------------------------------------
// 4. Index, namespaces, duplicates
const CLUSTER_SCOPED = new Set([
  "Namespace", "ClusterRole", "ClusterRoleBinding", "APIService", "CustomResourceDefinition",
  "PersistentVolume", "StorageClass", "PriorityClass", "ClusterAnalysisTemplate", "IngressClass",
  "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
]);
const index = new Map();
const key = (kind, ns, name) => `${kind}/${ns ?? ""}/${name}`;
for (const o of objects) {
  const { kind, metadata } = o.obj;
  if (CLUSTER_SCOPED.has(kind)) {
    if (metadata.namespace) error(o, `${kind} is cluster-scoped: remove metadata.namespace`);
  } else if (!metadata.namespace) {
    error(o, "metadata.namespace is required (kustomization.yaml sets none)");
  }
  const k = key(kind, CLUSTER_SCOPED.has(kind) ? "" : metadata.namespace, metadata.name);
  if (index.has(k)) error(o, `duplicate of ${where(index.get(k))}`);
  else index.set(k, o);
}
const get = (kind, ns, name) => index.get(key(kind, CLUSTER_SCOPED.has(kind) ? "" : ns, name));
const ofKind = (kind) => objects.filter((o) => o.obj.kind === kind);

const namespaces = new Map(); // name -> labels (with the API server's kubernetes.io/metadata.name)
for (const o of ofKind("Namespace")) {
  namespaces.set(o.obj.metadata.name, { ...(o.obj.metadata.labels ?? {}), "kubernetes.io/metadata.name": o.obj.metadata.name });
}
for (const k of external.keys()) {
  const [kind, , name] = k.split("/");
  if (kind === "Namespace") namespaces.set(name, { "kubernetes.io/metadata.name": name });
}
for (const o of objects) {
  const ns = o.obj.metadata.namespace;
  if (ns && !namespaces.has(ns)) error(o, `namespace "${ns}" is not declared (namespaces.yaml) nor documented as external`);
}

// ---------------------------------------------------------------------------------------------
// 5. Pod templates
function matchesSelector(labels, sel) {
  if (!sel) return false;
  labels = labels ?? {};
  const ml = sel.matchLabels ?? (sel.matchExpressions ? {} : sel);
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}
const isEmptySelector = (sel) =>
  !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);

const pods = []; // { owner: o, ns, template, labels, containers }
const workloadTemplate = new Map(); // o -> pod template
for (const o of objects) {
  const { kind, spec } = o.obj;
  let template = null;
  let source = o; // the object whose YAML holds the pod template
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(kind)) template = spec?.template;
  else if (kind === "CronJob") template = spec?.jobTemplate?.spec?.template;
  else if (kind === "Rollout") {
    if (spec?.template && spec?.workloadRef) error(o, "set spec.template or spec.workloadRef, not both");
    if (spec?.workloadRef) {
      const ref = spec.workloadRef;
      const target = get(ref.kind, o.obj.metadata.namespace, ref.name);
      if (ref.kind !== "Deployment" || ref.apiVersion !== "apps/v1") {
        error(o, `workloadRef ${ref.apiVersion} ${ref.kind}: this repository expects apps/v1 Deployment`);
      } else if (!target) {
        error(o, `workloadRef Deployment ${ref.name} is not declared in namespace ${o.obj.metadata.namespace}`);
      } else {
        template = target.obj.spec?.template;
        source = target;
        if (target.obj.spec?.replicas !== 0) {
          error(target, `referenced by Rollout ${o.obj.metadata.name} (workloadRef): spec.replicas must be 0, the Rollout runs the pods`);
        }
      }
    } else template = spec?.template;
  }
  if (!template) continue;
  workloadTemplate.set(o, template);
  const sel = kind === "CronJob" || kind === "Job" ? null : spec?.selector;
  if (sel && !matchesSelector(template.metadata?.labels, sel)) {
    error(o, "spec.selector does not match the pod template labels");
  }
  if (kind === "Deployment" && objects.some((r) => r.obj.kind === "Rollout" && r.obj.spec?.workloadRef?.name === o.obj.metadata.name && r.obj.metadata.namespace === o.obj.metadata.namespace)) {
    continue; // its pods are the Rollout's; counted there
  }
  pods.push({
    owner: o,
    source,
    ns: o.obj.metadata.namespace,
    template,
    labels: template.metadata?.labels ?? {},
    containers: [...(template.spec?.initContainers ?? []), ...(template.spec?.containers ?? [])],
  });
}
const podsIn = (ns) => pods.filter((p) => p.ns === ns);
// Argo Rollouts adds rollouts-pod-template-hash to Service selectors at run time.
const selectPods = (ns, sel) => podsIn(ns).filter((p) => matchesSelector(p.labels, sel));
const portsOf = (ps) => ps.flatMap((p) => p.containers.flatMap((c) => c.ports ?? []));
function hasPort(ps, port) {
  return portsOf(ps).some((cp) => (typeof port === "number" ? cp.containerPort === port : cp.name === port));
}

// ---------------------------------------------------------------------------------------------
// 6. Cross-reference checks

// Services: selector -> pods, targetPort -> container port.
for (const o of ofKind("Service")) {
  const { spec, metadata } = o.obj;
  if (!spec?.selector) continue; // headless/manual endpoints: nothing to check
  const selected = selectPods(metadata.namespace, spec.selector);
  if (!selected.length) {
    error(o, `selector ${JSON.stringify(spec.selector)} matches no pod template in namespace ${metadata.namespace}`);
    continue;
  }
  for (const p of spec.ports ?? []) {
    const target = p.targetPort ?? p.port;
    if (!hasPort(selected, target)) {
      error(o, `port ${p.name ?? p.port}: targetPort ${JSON.stringify(target)} is not a container port of the selected pods`);
    }
  }
}

// References from pod templates.
function checkRef(o, kind, ns, name, keyName, what) {
  const declared = get(kind, ns, name);
  if (declared) {
    if (keyName && kind === "ConfigMap") {
      const d = { ...(declared.obj.data ?? {}), ...(declared.obj.binaryData ?? {}) };
      if (!Object.hasOwn(d, keyName)) error(o, `${what}: ConfigMap ${name} has no key "${keyName}"`);
    }
    if (keyName && kind === "Secret") {
      const d = { ...(declared.obj.data ?? {}), ...(declared.obj.stringData ?? {}) };
      if (!Object.hasOwn(d, keyName)) error(o, `${what}: Secret ${name} has no key "${keyName}"`);
    }
    return;
  }
  const ext = isExternal(kind, ns, name);
  if (!ext) {
    error(o, `${what}: ${kind} ${ns}/${name} is neither declared in deploy/k8s nor listed as external in README.md`);
  } else if (keyName && ext.keys.size && !ext.keys.has(keyName)) {
    error(o, `${what}: key "${keyName}" of ${kind} ${ns}/${name} is not among the documented keys (${[...ext.keys].join(", ")})`);
  }
}
for (const p of pods) {
  const o = p.source;
  const spec = p.template.spec ?? {};
  const ns = p.ns;
  if (spec.serviceAccountName && spec.serviceAccountName !== "default") {
    checkRef(o, "ServiceAccount", ns, spec.serviceAccountName, null, "serviceAccountName");
  }
  for (const s of spec.imagePullSecrets ?? []) checkRef(o, "Secret", ns, s.name, null, "imagePullSecrets");
  const volumeNames = new Set();
  for (const v of spec.volumes ?? []) {
    volumeNames.add(v.name);
    if (v.configMap) {
      checkRef(o, "ConfigMap", ns, v.configMap.name, null, `volume ${v.name}`);
      for (const it of v.configMap.items ?? []) checkRef(o, "ConfigMap", ns, v.configMap.name, it.key, `volume ${v.name}`);
    }
    if (v.secret) checkRef(o, "Secret", ns, v.secret.secretName, null, `volume ${v.name}`);
    if (v.persistentVolumeClaim) checkRef(o, "PersistentVolumeClaim", ns, v.persistentVolumeClaim.claimName, null, `volume ${v.name}`);
    for (const src of v.projected?.sources ?? []) {
      if (src.configMap) checkRef(o, "ConfigMap", ns, src.configMap.name, null, `volume ${v.name}`);
      if (src.secret) checkRef(o, "Secret", ns, src.secret.name, null, `volume ${v.name}`);
    }
  }
  for (const c of p.containers) {
    for (const e of c.env ?? []) {
      const cm = e.valueFrom?.configMapKeyRef;
      const sk = e.valueFrom?.secretKeyRef;
      if (cm) checkRef(o, "ConfigMap", ns, cm.name, cm.key, `container ${c.name} env ${e.name}`);
      if (sk) checkRef(o, "Secret", ns, sk.name, sk.key, `container ${c.name} env ${e.name}`);
    }
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) checkRef(o, "ConfigMap", ns, e.configMapRef.name, null, `container ${c.name} envFrom`);
      if (e.secretRef) checkRef(o, "Secret", ns, e.secretRef.name, null, `container ${c.name} envFrom`);
    }
    for (const m of c.volumeMounts ?? []) {
      if (!volumeNames.has(m.name)) error(o, `container ${c.name} mounts volume "${m.name}", which the pod does not define`);
    }
    for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
      const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
      if (port !== undefined && !(c.ports ?? []).some((cp) => (typeof port === "number" ? cp.containerPort === port : cp.name === port))) {
        error(o, `container ${c.name} ${probe} port ${JSON.stringify(port)} is not one of its ports`);
      }
    }
  }
  // Prometheus scrape annotations must name a real port.
  const ann = p.template.metadata?.annotations ?? {};
  if (ann["prometheus.io/scrape"] === "true") {
    const port = Number(ann["prometheus.io/port"]);
    if (!port || !hasPort([p], port)) error(o, `prometheus.io/port "${ann["prometheus.io/port"]}" is not a container port`);
    if (ann["prometheus.io/path"] && !ann["prometheus.io/path"].startsWith("/")) error(o, "prometheus.io/path must start with /");
  }
}

// HPA: target exists, is the object that owns the pods, does not fight over spec.replicas.
const hpaCustomMetrics = []; // read by the Prometheus Adapter check
for (const o of ofKind("HorizontalPodAutoscaler")) {
  const { spec, metadata } = o.obj;
  const ref = spec.scaleTargetRef ?? {};
  const target = get(ref.kind, metadata.namespace, ref.name);
  if (!target) {
    error(o, `scaleTargetRef ${ref.kind} ${ref.name} is not declared in namespace ${metadata.namespace}`);
    continue;
  }
  if (target.obj.apiVersion !== ref.apiVersion) {
    error(o, `scaleTargetRef apiVersion ${ref.apiVersion} does not match ${target.obj.kind}'s ${target.obj.apiVersion}`);
  }
  const owner = ofKind("Rollout").find(
    (r) => r.obj.metadata.namespace === metadata.namespace && r.obj.spec?.workloadRef?.name === ref.name && ref.kind === "Deployment",
  );
  if (owner) error(o, `scaleTargetRef is the template Deployment of Rollout ${owner.obj.metadata.name}: target the Rollout`);
  if (target.obj.spec?.replicas !== undefined) {
    error(target, `scaled by HPA ${metadata.name}: remove spec.replicas (a kubectl apply would reset the HPA's count)`);
  }
  if ((spec.minReplicas ?? 1) > spec.maxReplicas) error(o, "minReplicas > maxReplicas");
  const template = workloadTemplate.get(target);
  for (const m of spec.metrics ?? []) {
    if (m.type === "Resource" && m.resource?.target?.type === "Utilization" && template) {
      for (const c of template.spec?.containers ?? []) {
        if (!c.resources?.requests?.[m.resource.name]) {
          error(o, `${m.resource.name} utilization needs resources.requests.${m.resource.name} on container ${c.name}`);
        }
      }
    }
    if (m.type === "External" || m.type === "Pods" || m.type === "Object") {
      const metric = m[m.type.toLowerCase()]?.metric ?? {};
      if (!CONTRACT_METRICS[metric.name]) notes.push(`${where(o)}: custom metric ${metric.name} is not a router-contract metric`);
      for (const [label, value] of Object.entries(metric.selector?.matchLabels ?? {})) {
        if (LABEL_VALUES[label] && !LABEL_VALUES[label].includes(value)) error(o, `metric ${metric.name}: ${label}=${value} is not a contract value`);
      }
      hpaCustomMetrics.push({ o, type: m.type, name: metric.name });
    }
  }
}

// Rollouts: services, analysis templates.
for (const o of ofKind("Rollout")) {
  const ns = o.obj.metadata.namespace;
  const strategy = o.obj.spec?.strategy ?? {};
  const rolloutPods = pods.filter((p) => p.owner === o);
  const svcNames = [];
  if (strategy.blueGreen) {
    svcNames.push(["activeService", strategy.blueGreen.activeService], ["previewService", strategy.blueGreen.previewService]);
    if (strategy.blueGreen.previewService && strategy.blueGreen.previewService === strategy.blueGreen.activeService) {
      error(o, "previewService must differ from activeService");
    }
  }
  if (strategy.canary) svcNames.push(["stableService", strategy.canary.stableService], ["canaryService", strategy.canary.canaryService]);
  for (const [field, name] of svcNames) {
    if (!name) continue;
    const svc = get("Service", ns, name);
    if (!svc) error(o, `${field} ${name} is not declared in namespace ${ns}`);
    else if (!rolloutPods.some((p) => matchesSelector(p.labels, svc.obj.spec?.selector))) {
      error(o, `${field} ${name} does not select this Rollout's pods`);
    }
  }
  const analyses = [
    strategy.blueGreen?.prePromotionAnalysis,
    strategy.blueGreen?.postPromotionAnalysis,
    strategy.canary?.analysis,
    ...(strategy.canary?.steps ?? []).map((s) => s.analysis),
  ].filter(Boolean);
  for (const a of analyses) {
    const given = new Set((a.args ?? []).map((x) => x.name));
    for (const t of a.templates ?? []) {
      const tpl = t.clusterScope ? get("ClusterAnalysisTemplate", "", t.templateName) : get("AnalysisTemplate", ns, t.templateName);
      if (!tpl) {
        error(o, `analysis template ${t.templateName} is not declared${t.clusterScope ? " (ClusterAnalysisTemplate)" : ` in namespace ${ns}`}`);
        continue;
      }
      for (const arg of tpl.obj.spec?.args ?? []) {
        if (arg.value === undefined && !arg.valueFrom && !given.has(arg.name)) {
          error(o, `analysis template ${t.templateName} needs arg "${arg.name}", which the Rollout does not pass`);
        }
      }
    }
  }
}

// AnalysisTemplates: secrets in args.
for (const o of [...ofKind("AnalysisTemplate"), ...ofKind("ClusterAnalysisTemplate")]) {
  for (const arg of o.obj.spec?.args ?? []) {
    const sk = arg.valueFrom?.secretKeyRef;
    if (sk) checkRef(o, "Secret", o.obj.metadata.namespace, sk.name, sk.key, `arg ${arg.name}`);
  }
}

// PDBs select pods.
for (const o of ofKind("PodDisruptionBudget")) {
  if (!selectPods(o.obj.metadata.namespace, o.obj.spec?.selector).length) error(o, "selector matches no pod template");
}

// NetworkPolicies: selectors select something, named ports exist.
for (const o of ofKind("NetworkPolicy")) {
  const ns = o.obj.metadata.namespace;
  const spec = o.obj.spec ?? {};
  const targets = isEmptySelector(spec.podSelector) ? podsIn(ns) : selectPods(ns, spec.podSelector);
  if (!isEmptySelector(spec.podSelector) && !targets.length) error(o, "spec.podSelector matches no pod template");
  const rules = [...(spec.ingress ?? []).map((r) => ["ingress", r, r.from]), ...(spec.egress ?? []).map((r) => ["egress", r, r.to])];
  for (const [dir, rule, peers] of rules) {
    for (const peer of peers ?? []) {
      if (peer.ipBlock) continue;
      let nsList = [ns];
      if (peer.namespaceSelector) {
        nsList = [...namespaces].filter(([, labels]) => matchesSelector(labels, peer.namespaceSelector)).map(([n]) => n);
        if (!isEmptySelector(peer.namespaceSelector) && !nsList.length) {
          error(o, `${dir}: namespaceSelector ${JSON.stringify(peer.namespaceSelector)} matches no declared namespace`);
        }
      }
      if (peer.podSelector && !isEmptySelector(peer.podSelector)) {
        if (!nsList.some((n) => selectPods(n, peer.podSelector).length)) {
          error(o, `${dir}: podSelector ${JSON.stringify(peer.podSelector)} matches no pod template in ${nsList.join(", ") || "any namespace"}`);
        }
      }
    }
    if (dir === "ingress") {
      for (const p of rule.ports ?? []) {
        if (typeof p.port === "string" && targets.length && !hasPort(targets, p.port)) {
          error(o, `ingress port "${p.port}" is not a named container port of the selected pods`);
        }
      }
    }
  }
}

// RBAC bindings and APIServices.
for (const o of [...ofKind("ClusterRoleBinding"), ...ofKind("RoleBinding")]) {
  const ref = o.obj.roleRef ?? {};
  const ns = o.obj.kind === "RoleBinding" && ref.kind === "Role" ? o.obj.metadata.namespace : "";
  if (!get(ref.kind, ns, ref.name) && !isExternal(ref.kind, ns, ref.name)) {
    error(o, `roleRef ${ref.kind} ${ref.name} is neither declared nor documented as external`);
  }
  for (const s of o.obj.subjects ?? []) {
    if (s.kind === "ServiceAccount") checkRef(o, "ServiceAccount", s.namespace ?? o.obj.metadata.namespace, s.name, null, "subject");
  }
}
function serviceHasPort(kind, ns, name, port) {
  const svc = get("Service", ns, name);
  if (svc) return (svc.obj.spec?.ports ?? []).some((p) => p.port === port);
  const ext = isExternal("Service", ns, name);
  return ext ? ext.keys.size === 0 || ext.keys.has(String(port)) : false;
}
for (const o of ofKind("APIService")) {
  const s = o.obj.spec?.service;
  if (!s) continue;
  if (!get("Service", s.namespace, s.name) && !isExternal("Service", s.namespace, s.name)) {
    error(o, `spec.service ${s.namespace}/${s.name} is neither declared nor documented as external`);
  } else if (!serviceHasPort("Service", s.namespace, s.name, s.port ?? 443)) {
    error(o, `spec.service ${s.namespace}/${s.name} has no port ${s.port ?? 443}`);
  }
}

// AWS Load Balancer Controller TargetGroupBindings (a documented CRD): the Service and port exist.
for (const o of ofKind("TargetGroupBinding")) {
  const ref = o.obj.spec?.serviceRef ?? {};
  const svc = get("Service", o.obj.metadata.namespace, ref.name);
  if (!svc) error(o, `serviceRef ${ref.name} is not declared in namespace ${o.obj.metadata.namespace}`);
  else if (!(svc.obj.spec?.ports ?? []).some((p) => p.port === ref.port || p.name === ref.port)) {
    error(o, `serviceRef port ${JSON.stringify(ref.port)} is not a port of Service ${ref.name}`);
  }
  if (!o.obj.spec?.targetGroupARN && !o.obj.spec?.targetGroupName) error(o, "spec.targetGroupARN (or targetGroupName) is required");
  // No published model: the fields of the elbv2.k8s.aws/v1beta1 CRD, checked by hand.
  const TGB_SPEC = ["targetGroupARN", "targetGroupName", "targetType", "serviceRef", "networking", "nodeSelector",
    "ipAddressType", "vpcID", "multiClusterTargetGroup", "targetGroupProtocol"];
  for (const k of Object.keys(o.obj.spec ?? {})) if (!TGB_SPEC.includes(k)) error(o, `unknown field spec.${k}`);
  for (const k of Object.keys(ref)) if (!["name", "port"].includes(k)) error(o, `unknown field spec.serviceRef.${k}`);
  if (o.obj.spec?.targetType && !["ip", "instance"].includes(o.obj.spec.targetType)) error(o, "spec.targetType must be ip or instance");
  if (/SET-BY-PIPELINE/.test(o.obj.spec?.targetGroupARN ?? "")) notes.push(`${where(o)}: targetGroupARN is a placeholder, set at deploy time from terraform output`);
}

// In-cluster DNS names anywhere (env values, router.yaml, analysis addresses, prometheus.yml).
for (const o of objects) {
  const text = JSON.stringify(o.obj);
  for (const m of text.matchAll(/\b([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(?:\.cluster\.local)?\b(?::(\d+))?/g)) {
    const [, name, , ns, , port] = m;
    if (!get("Service", ns, name) && !isExternal("Service", ns, name)) {
      error(o, `refers to ${m[0]}: Service ${ns}/${name} is neither declared nor documented as external`);
    } else if (port && !serviceHasPort("Service", ns, name, Number(port))) {
      error(o, `refers to ${m[0]}: Service ${ns}/${name} has no port ${port}`);
    }
  }
}

// The admin endpoints (/health /ready /metrics) on their own port, never behind the load balancer:
// admin.listen set, the probes and the scrape annotation on that port, and no Service or
// TargetGroupBinding that exposes it (the ALB's targets come from the Service).
function checkAdminPort(o, p, c, cfg, listenPort) {
  if (!cfg.admin?.listen) {
    error(o, "router.yaml admin.listen is empty: /metrics and /ready would be served on the public port the load balancer forwards");
    return;
  }
  const adminPort = Number(String(cfg.admin.listen).split(":").pop());
  if (adminPort === listenPort) error(o, `router.yaml admin.listen port ${adminPort} is server.listen's port`);
  const numberOf = (port) => (typeof port === "number" ? port : (c.ports ?? []).find((x) => x.name === port)?.containerPort);
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
    const port = c[probe]?.httpGet?.port;
    if (port !== undefined && numberOf(port) !== adminPort) error(o, `${probe} must probe the admin port ${adminPort} (admin.listen), not ${JSON.stringify(port)}: /health and /ready are served there only`);
  }
  const ann = p.template.metadata?.annotations ?? {};
  if (Number(ann["prometheus.io/port"]) !== adminPort) error(o, `prometheus.io/port must be the admin port ${adminPort}, where /metrics is served`);
  for (const svc of ofKind("Service").filter((x) => x.obj.metadata.namespace === p.ns && matchesSelector(p.labels, x.obj.spec?.selector ?? {}))) {
    for (const sp of svc.obj.spec?.ports ?? []) {
      if (numberOf(sp.targetPort ?? sp.port) === adminPort) error(svc, `exposes the router's admin port ${adminPort}: the load balancer's targets come from this Service; keep /metrics and /ready off it`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 7. smart-router Deployment rules (router contract + deploy/k8s/README.md)
mkdirSync(outDir, { recursive: true });
for (const f of ["router.yaml", "router.env"]) rmSync(path.join(outDir, f), { force: true });
const routerPods = pods.filter((p) => p.containers.some((c) => (c.env ?? []).some((e) => e.name === "SMART_ROUTER_CONFIG")));
if (routerPods.length !== 1) error("deploy/k8s", `expected exactly one pod template running smart-router (env SMART_ROUTER_CONFIG), found ${routerPods.length}`);
for (const p of routerPods) {
  const o = p.source;
  const c = p.containers.find((x) => (x.env ?? []).some((e) => e.name === "SMART_ROUTER_CONFIG"));
  const env = Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
  const cfgPath = env.SMART_ROUTER_CONFIG;
  const argi = (c.args ?? []).indexOf("--config");
  if (argi >= 0 && c.args[argi + 1] !== cfgPath) error(o, `--config ${c.args[argi + 1]} differs from SMART_ROUTER_CONFIG ${cfgPath}`);
  if (!["true", "false"].includes(env.TIER_ROUTING_ENABLED)) error(o, `TIER_ROUTING_ENABLED must be "true" or "false"`);
  for (const v of ["SHARED_ENDPOINT", "PREMIUM_ENDPOINT"]) {
    if (!env[v] || !env[v].split(",").every((hp) => /^[^\s:,]+:\d+$/.test(hp.trim()))) error(o, `${v} must be a comma-separated host:port list`);
  }
  // The config must come from a ConfigMap mounted as a directory (no subPath) so that an edit
  // swaps the ..data symlink and the router reloads by itself.
  const mount = (c.volumeMounts ?? []).find((m) => m.mountPath.replace(/\/$/, "") === path.posix.dirname(cfgPath));
  const volume = mount && (p.template.spec.volumes ?? []).find((v) => v.name === mount.name);
  let routerYaml = null;
  if (!mount || !volume?.configMap) {
    error(o, `SMART_ROUTER_CONFIG ${cfgPath}: no ConfigMap volume mounted at ${path.posix.dirname(cfgPath)}`);
  } else {
    if ((c.volumeMounts ?? []).some((m) => m.name === mount.name && m.subPath)) {
      error(o, `the config volume is mounted with subPath: ConfigMap edits would never reach the pod`);
    }
    const item = (volume.configMap.items ?? []).find((it) => it.path === path.posix.basename(cfgPath));
    const cmKey = item ? item.key : path.posix.basename(cfgPath);
    const cm = get("ConfigMap", p.ns, volume.configMap.name);
    routerYaml = cm?.obj.data?.[cmKey] ?? null;
    if (cm && routerYaml === null) error(cm, `has no key ${cmKey} (SMART_ROUTER_CONFIG ${cfgPath})`);
  }
  if (routerYaml !== null) {
    let cfg = null;
    try {
      cfg = parseYaml(routerYaml);
    } catch (e) {
      error(o, `router.yaml is not YAML: ${e.message.split("\n")[0]}`);
    }
    writeFileSync(path.join(outDir, "router.yaml"), routerYaml);
    writeFileSync(
      path.join(outDir, "router.env"),
      ["TIER_ROUTING_ENABLED", "SHARED_ENDPOINT", "PREMIUM_ENDPOINT"].filter((k) => env[k] !== undefined).map((k) => `${k}=${env[k]}`).join("\n") + "\n",
    );
    if (cfg) {
      const listenPort = Number(String(cfg.server?.listen ?? "0.0.0.0:8080").split(":").pop());
      if (!hasPort([p], listenPort)) error(o, `router.yaml server.listen port ${listenPort} is not a container port`);
      if (cfg.admin?.listen) {
        const adminPort = Number(String(cfg.admin.listen).split(":").pop());
        if (!hasPort([p], adminPort)) error(o, `router.yaml admin.listen port ${adminPort} is not a container port`);
      }
      for (const pool of ["shared", "premium"]) {
        if (!cfg.pools?.[pool]) error(o, `router.yaml has no pool "${pool}" (the ${pool.toUpperCase()}_ENDPOINT override needs it)`);
      }
      if (cfg.logging?.access_log && !["stdout", "off"].includes(cfg.logging.access_log)) {
        error(o, "router.yaml logging.access_log must be stdout or off: the root filesystem is read-only");
      }
      // Drain timing: preStop sleep + drain_timeout_ms must fit in the grace period.
      const drainS = (cfg.server?.drain_timeout_ms ?? 20000) / 1000;
      const pre = c.lifecycle?.preStop;
      let preS = 0;
      if (pre?.sleep) preS = Number(pre.sleep.seconds);
      else if (pre?.exec?.command) {
        const cmd = pre.exec.command;
        if (!/(^|\/)sleep$/.test(cmd[0]) || !/^\d+$/.test(cmd[1] ?? "")) error(o, `preStop must be a sleep, got ${JSON.stringify(cmd)}`);
        else preS = Number(cmd[1]);
      } else error(o, "a preStop sleep is required: the load balancer needs time to stop sending new connections");
      const grace = p.template.spec.terminationGracePeriodSeconds ?? 30;
      if (!(grace > preS + drainS)) {
        error(o, `terminationGracePeriodSeconds ${grace} must exceed preStop ${preS}s + server.drain_timeout_ms ${drainS}s`);
      }
      const liveness = c.livenessProbe?.httpGet;
      if (liveness?.path !== "/health") error(o, "livenessProbe must be httpGet /health (never /ready: an upstream outage must not restart routers)");
      if (!["/health", "/ready"].includes(c.readinessProbe?.httpGet?.path)) error(o, "readinessProbe must be httpGet /health or /ready");
      if (c.startupProbe && c.startupProbe.httpGet?.path !== "/ready") error(o, "startupProbe, when present, must be httpGet /ready");
      const livenessWindow = (c.livenessProbe?.periodSeconds ?? 10) * (c.livenessProbe?.failureThreshold ?? 3);
      if (livenessWindow <= drainS) error(o, `livenessProbe gives up after ${livenessWindow}s, less than the ${drainS}s drain during which /health is 503`);
      checkAdminPort(o, p, c, cfg, listenPort);
    }
  }
  const ann = p.template.metadata?.annotations ?? {};
  if (ann["prometheus.io/scrape"] !== "true" || ann["prometheus.io/path"] !== "/metrics") {
    error(o, 'the router pod template needs prometheus.io/scrape: "true" and prometheus.io/path: /metrics');
  }
  const sc = c.securityContext ?? {};
  const psc = p.template.spec.securityContext ?? {};
  if (!(sc.runAsNonRoot ?? psc.runAsNonRoot) || sc.readOnlyRootFilesystem !== true || sc.allowPrivilegeEscalation !== false || !(sc.capabilities?.drop ?? []).includes("ALL")) {
    error(o, "router container: runAsNonRoot, readOnlyRootFilesystem, allowPrivilegeEscalation false and drop ALL are required");
  }
}

// ---------------------------------------------------------------------------------------------
// 8. Monitoring: rules ConfigMaps == rules files, prometheus.yml extraction, PromQL names.
const promDir = path.join(outDir, "prometheus");
rmSync(promDir, { recursive: true, force: true });
mkdirSync(path.join(promDir, "rules"), { recursive: true });
for (const cmDef of RULE_CONFIGMAPS) {
  const cm = get("ConfigMap", "monitoring", cmDef.name);
  const src = path.join(repo, rulesSource(cmDef.tier));
  if (!cm) {
    error(cmDef.file, `ConfigMap monitoring/${cmDef.name} is missing (node deploy/validate/sync-rules.mjs --write)`);
    continue;
  }
  if (!existsSync(src)) {
    error(cm, `${rulesSource(cmDef.tier)} is missing`);
    continue;
  }
  const want = readFileSync(src, "utf8");
  const have = cm.obj.data?.[rulesKey(cmDef.tier)];
  if (have !== want) {
    error(cm, `data.${rulesKey(cmDef.tier)} is not byte-identical to ${rulesSource(cmDef.tier)} (node deploy/validate/sync-rules.mjs --write)`);
  }
  const rules = parseYaml(want);
  for (const g of rules?.groups ?? []) for (const r of g.rules ?? []) checkPromqlNames(cm, `rule ${r.alert ?? r.record}`, r.expr ?? "");
}
for (const o of ofKind("ConfigMap").filter((x) => x.obj.metadata.namespace === "monitoring")) {
  for (const [k, v] of Object.entries(o.obj.data ?? {})) {
    if (k.endsWith(".rules.yaml")) writeFileSync(path.join(promDir, "rules", k), v);
  }
}
const promCm = ofKind("ConfigMap").find((o) => o.obj.data?.["prometheus.yml"]);
if (!promCm) error("deploy/k8s/monitoring", "no ConfigMap with prometheus.yml");
else {
  writeFileSync(path.join(promDir, "prometheus.yml"), promCm.obj.data["prometheus.yml"]);
  const prom = parseYaml(promCm.obj.data["prometheus.yml"]);
  // Debian's promtool is built without Kubernetes service discovery: check the SD blocks here
  // and also write a copy with them replaced by a static target for promtool, which then still
  // checks everything else (relabel regexes, rule files, alerting).
  const SD_ROLES = ["pod", "endpoints", "endpointslice", "service", "node", "ingress"];
  const SD_KEYS = ["role", "namespaces", "selectors", "api_server", "kubeconfig_file", "attach_metadata",
    "basic_auth", "authorization", "oauth2", "tls_config", "proxy_url", "follow_redirects", "enable_http2"];
  const noSd = structuredClone(prom ?? {});
  for (const job of noSd.scrape_configs ?? []) {
    for (const sd of job.kubernetes_sd_configs ?? []) {
      for (const k of Object.keys(sd)) if (!SD_KEYS.includes(k)) error(promCm, `job ${job.job_name}: unknown kubernetes_sd_configs field ${k}`);
      if (!SD_ROLES.includes(sd.role)) error(promCm, `job ${job.job_name}: kubernetes_sd role "${sd.role}" is not one of ${SD_ROLES.join(", ")}`);
      for (const n of sd.namespaces?.names ?? []) {
        if (!namespaces.has(n)) error(promCm, `job ${job.job_name}: kubernetes_sd namespace ${n} is not declared`);
      }
    }
    if (job.kubernetes_sd_configs) {
      delete job.kubernetes_sd_configs;
      job.static_configs = [...(job.static_configs ?? []), { targets: ["sd-placeholder:9090"] }];
    }
  }
  writeFileSync(path.join(promDir, "prometheus.no-k8s-sd.yml"), stringify(noSd));
  // Every annotated pod template must live in a namespace a kubernetes_sd job watches.
  const watched = (prom?.scrape_configs ?? []).flatMap((j) => (j.kubernetes_sd_configs ?? []).map((sd) => sd.namespaces?.names ?? ["*"]));
  for (const p of pods) {
    if (p.template.metadata?.annotations?.["prometheus.io/scrape"] !== "true") continue;
    if (!watched.some((names) => names.includes("*") || names.includes(p.ns))) {
      error(p.source, `annotated for scraping, but no kubernetes_sd job of prometheus.yml watches namespace ${p.ns}`);
    }
  }
}

// Every PromQL query of the manifests, as recording rules for `promtool check rules`.
const queries = [];
for (const o of [...ofKind("AnalysisTemplate"), ...ofKind("ClusterAnalysisTemplate")]) {
  const args = Object.fromEntries((o.obj.spec?.args ?? []).map((a) => [a.name, a.value ?? "placeholder"]));
  for (const m of o.obj.spec?.metrics ?? []) {
    const q = m.provider?.prometheus?.query;
    if (!q) continue;
    const expr = q.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (_, n) => args[n] ?? "placeholder");
    if (!checkPromqlNames(o, `metric ${m.name}`, expr)) error(o, `metric ${m.name}: query uses no router-contract metric`);
    queries.push({ from: `${where(o)} metric ${m.name}`, expr });
  }
}
const adapterCm = ofKind("ConfigMap").find((o) => {
  const c = o.obj.data?.["config.yaml"];
  return c && /(^|\n)(rules|externalRules):/.test(c);
});
const served = { rules: new Set(), externalRules: new Set() };
if (hpaCustomMetrics.length && !adapterCm) error("deploy/k8s/monitoring", "HPAs use custom/external metrics but no Prometheus Adapter config.yaml ConfigMap exists");
if (adapterCm) {
  const conf = parseYaml(adapterCm.obj.data["config.yaml"]) ?? {};
  for (const section of ["rules", "externalRules"]) {
    (conf[section] ?? []).forEach((r, i) => {
      const what = `${section}[${i}]`;
      const series = String(r.seriesQuery ?? "").match(/^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/)?.[1];
      if (!series) return error(adapterCm, `${what}: seriesQuery must start with a metric name`);
      checkPromqlNames(adapterCm, `${what} seriesQuery`, r.seriesQuery);
      const as = r.name?.as || series;
      if (r.name?.matches && !new RegExp(r.name.matches).test(series)) error(adapterCm, `${what}: name.matches does not match ${series}`);
      served[section].add(as);
      if (section === "rules") {
        const ov = r.resources?.overrides ?? {};
        if (ov.namespace?.resource !== "namespace" || ov.pod?.resource !== "pod") {
          error(adapterCm, `${what}: a pods metric needs resources.overrides namespace -> namespace and pod -> pod`);
        }
      }
      const expr = String(r.metricsQuery ?? "")
        .replaceAll("<<.Series>>", series)
        .replaceAll("<<.LabelMatchers>>", section === "rules" ? 'namespace="smart-router",pod="p"' : 'tier="shared"')
        .replaceAll("<<.GroupBy>>", "namespace,pod");
      if (/<<|>>/.test(expr)) error(adapterCm, `${what}: metricsQuery uses an unknown template field`);
      checkPromqlNames(adapterCm, `${what} metricsQuery`, expr);
      queries.push({ from: `${where(adapterCm)} ${what}`, expr });
    });
  }
  if (!served.rules.has("response_time_ms")) error(adapterCm, "does not expose response_time_ms as a pods custom metric (rules)");
}
for (const { o, type, name } of hpaCustomMetrics) {
  const section = type === "External" ? "externalRules" : "rules";
  if (!served[section].has(name)) error(o, `${type} metric ${name} is not served by any Prometheus Adapter ${section} entry`);
}
writeFileSync(
  path.join(outDir, "manifest-queries.rules.yaml"),
  "# Generated by deploy/validate/validate-k8s.mjs: every PromQL query of deploy/k8s, for promtool.\n" +
    stringify({
      groups: [{ name: "manifest-queries", rules: queries.map((q, i) => ({ record: `manifest_query_${i}`, expr: q.expr, labels: { source: q.from } })) }],
    }),
);

// ---------------------------------------------------------------------------------------------
// Summary
for (const n of notes) console.log(`note: ${n}`);
const files = new Set(objects.map((o) => o.file)).size;
const kinds = [...new Set(objects.map((o) => o.obj.kind))].sort();
if (errors.length) {
  for (const e of errors) console.error(`ERROR ${e}`);
  console.error(`validate-k8s: ${errors.length} error(s) in ${objects.length} objects from ${files} files`);
  process.exit(1);
}
console.log(`validate-k8s: ${objects.length} objects from ${files} files OK (${kinds.join(", ")})`);
console.log(`validate-k8s: wrote ${rel(outDir)}/router.yaml, router.env, prometheus/, manifest-queries.rules.yaml (${queries.length} queries)`);
