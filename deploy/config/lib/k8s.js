'use strict';
// Reading deploy/k8s: every YAML document of every *.yaml / *.yml file, and, per workload, its
// HorizontalPodAutoscaler, Deployment and/or Argo Rollout and the container that carries the
// workload's resources.

const fs = require('fs');
const path = require('path');
const { load } = require('./deps');

function listYaml(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listYaml(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

// -> { docs: [{file, doc}], errors: [string] }
function loadManifests(dir) {
  const YAML = load('yaml');
  const docs = [];
  const errors = [];
  for (const file of listYaml(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const d of YAML.parseAllDocuments(text)) {
      if (d.errors && d.errors.length) {
        errors.push(`${file}: YAML error: ${d.errors[0].message.split('\n')[0]}`);
        continue;
      }
      const doc = d.toJS();
      if (doc && typeof doc === 'object' && doc.kind) docs.push({ file, doc });
    }
  }
  return { docs, errors };
}

const podSpecOf = (doc) => doc && doc.spec && doc.spec.template && doc.spec.template.spec;

// The pieces of one workload (cfg from scaling-config: manifests, name, container?).
// -> { dir, exists, hpas: [{file, doc}], hpa, workloads: [{file, doc, podSpec, container}], notes: [] }
function findWorkload(repoRoot, cfg, allDocs) {
  const dir = path.resolve(repoRoot, cfg.manifests);
  const inDir = allDocs.filter((d) => d.file === dir || d.file.startsWith(dir + path.sep));
  const notes = [];
  const hpas = inDir.filter((d) => d.doc.kind === 'HorizontalPodAutoscaler');
  let hpa = hpas.find((d) => d.doc.spec && d.doc.spec.scaleTargetRef && d.doc.spec.scaleTargetRef.name === cfg.name);
  if (!hpa && hpas.length === 1) {
    hpa = hpas[0];
    notes.push(`HPA ${hpa.doc.metadata && hpa.doc.metadata.name} targets "${hpa.doc.spec.scaleTargetRef && hpa.doc.spec.scaleTargetRef.name}", not "${cfg.name}"; using it as the only HPA in ${cfg.manifests}`);
  }
  let workloads = inDir.filter((d) => ['Deployment', 'Rollout', 'StatefulSet'].includes(d.doc.kind) && podSpecOf(d.doc));
  const named = workloads.filter((d) => d.doc.metadata && d.doc.metadata.name === cfg.name);
  if (named.length) workloads = named;
  const result = [];
  for (const w of workloads) {
    const spec = podSpecOf(w.doc);
    const containers = spec.containers || [];
    let c = containers.find((x) => x.name === (cfg.container || cfg.name));
    if (!c && containers.length === 1) c = containers[0];
    if (!c && containers.length) {
      c = containers[0];
      notes.push(`${path.basename(w.file)}: no container named "${cfg.container || cfg.name}", using the first, "${c.name}"`);
    }
    result.push({ ...w, podSpec: spec, container: c || null });
  }
  const rollouts = inDir.filter((d) => d.doc.kind === 'Rollout' && (!cfg.name || (d.doc.metadata && d.doc.metadata.name === cfg.name)));
  return { dir, exists: fs.existsSync(dir), hpas, hpa: hpa || null, workloads: result, rollouts, notes };
}

function percentOf(v, replicas, dflt) {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'string' && v.endsWith('%')) return Number(v.slice(0, -1));
  return (Number(v) / Math.max(1, replicas)) * 100;
}

// Extra pods during a rollout, in percent of `replicas` (HPA max), with where it comes from:
//   Argo Rollout blueGreen -> 100 (green at full size beside blue until scaleDownDelaySeconds)
//   Argo Rollout canary    -> canary.maxSurge (default 25%)
//   Deployment             -> strategy.rollingUpdate.maxSurge (default 25%), Recreate -> 0
function effectiveSurge(found, replicas) {
  const ro = found.rollouts[0];
  if (ro) {
    const st = (ro.doc.spec && ro.doc.spec.strategy) || {};
    if (st.blueGreen) return { percent: 100, source: `${path.basename(ro.file)}: Rollout blueGreen` };
    if (st.canary) return { percent: percentOf(st.canary.maxSurge, replicas, 25), source: `${path.basename(ro.file)}: Rollout canary maxSurge` };
  }
  const dep = found.workloads.find((w) => w.doc.kind === 'Deployment' && w.doc.spec.replicas !== 0);
  if (dep) {
    const st = dep.doc.spec.strategy || {};
    if (st.type === 'Recreate') return { percent: 0, source: `${path.basename(dep.file)}: Recreate` };
    return { percent: percentOf(st.rollingUpdate && st.rollingUpdate.maxSurge, replicas, 25), source: `${path.basename(dep.file)}: RollingUpdate maxSurge` };
  }
  return null;
}

// HPA metrics in a flat form: [{type, name, target: {kind, value}}]
function hpaMetrics(hpa) {
  const out = [];
  for (const m of (hpa.spec && hpa.spec.metrics) || []) {
    const body = m[m.type ? m.type.charAt(0).toLowerCase() + m.type.slice(1) : ''] || {};
    const name = body.name || (body.metric && body.metric.name) || null;
    const t = body.target || {};
    let target = null;
    if (t.averageUtilization !== undefined) target = { kind: 'averageUtilization', value: Number(t.averageUtilization) };
    else if (t.averageValue !== undefined) target = { kind: 'averageValue', value: t.averageValue };
    else if (t.value !== undefined) target = { kind: 'value', value: t.value };
    out.push({ type: m.type, name, target });
  }
  return out;
}

module.exports = { loadManifests, findWorkload, hpaMetrics, effectiveSurge, podSpecOf };
