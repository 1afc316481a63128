#!/usr/bin/env node
'use strict';
// deploy/config/lib/check-scaling.js (run through deploy/config/check-scaling.sh) —
// deploy/config/scaling-config.yaml against everything that repeats its
// numbers, so they cannot drift apart:
//   deploy/k8s         HPA min/max and cpu/memory/response-time targets; Deployment/Rollout
//                      container requests/limits, replicas, rolling surge, DB pool env; premium
//                      pods tolerate the premium-only taint and select node-type=premium
//   deploy/terraform   node-group types/sizes/disks, labels and taint; Aurora class/count/
//                      max_connections (the instance parameter group)/backups; Redis node type/
//                      count/maxmemory-policy/reserved-memory-percent (variables and parameter groups)
//   config/router.yaml which user tiers map to which pool, and their latency budgets; against
//                      the Terraform ALB: router port, ALB idle timeout < router keep-alive,
//                      deregistration delay > drain timeout, premium header name/values and
//                      path patterns = the router's premium routing (skipped with a note while
//                      the file does not exist)
// and the invariants of the numbers themselves:
//   DB pools   per-pod pool x (max replicas + rollout surge) + reserved <= max_connections,
//              for the writer and for each reader
//   Redis      planned cache memory <= node memory x (1 - reserved-memory-percent)
//   capacity   pods at HPA max fit the node group's max size (bin packing), one pod fits one node
//   sanity     min <= max, requests <= limits, targets within 1-100, HPA response-time target
//              <= the tier's SLO
// Usage: check-scaling.js [--root DIR] [--config FILE] [--k8s DIR] [--terraform DIR]
//                         [--router-config FILE] [--verbose]
// Exit 0: consistent; 1: drift or broken invariant (each printed); 2: cannot run.

const fs = require('fs');
const path = require('path');
const { loadScalingConfig } = require('./scaling');
const { loadManifests, findWorkload, hpaMetrics, effectiveSurge } = require('./k8s');
const { cpuMillis, memMiB } = require('./quantity');
const { allocatable, pack, podsOf } = require('./capacity');
const { load, hclLib } = require('./deps');

function args(argv) {
  const root = path.resolve(__dirname, '..', '..', '..');
  const o = { root, verbose: false };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--root') o.root = path.resolve(next());
    else if (a === '--config') o.config = path.resolve(next());
    else if (a === '--k8s') o.k8s = path.resolve(next());
    else if (a === '--terraform') o.terraform = path.resolve(next());
    else if (a === '--router-config') o.router = path.resolve(next());
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--help' || a === '-h') {
      const lines = fs.readFileSync(__filename, 'utf8').split('\n');
      const start = lines.findIndex((l) => l.startsWith('//'));
      const end = lines.findIndex((l, i) => i > start && !l.startsWith('//'));
      console.log(lines.slice(start, end).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      process.exit(0);
    }
    else throw new Error(`unknown argument ${a}`);
  }
  o.config = o.config || path.join(o.root, 'deploy/config/scaling-config.yaml');
  o.k8s = o.k8s || path.join(o.root, 'deploy/k8s');
  o.terraform = o.terraform || path.join(o.root, 'deploy/terraform');
  o.router = o.router || path.join(o.root, 'config/router.yaml');
  return o;
}

class Result {
  constructor(root, verbose) { this.root = root; this.verbose = verbose; this.problems = []; this.passed = 0; this.notes = []; }
  rel(f) { return path.relative(this.root, f) || f; }
  ok(msg) { this.passed++; if (this.verbose) console.log(`  ok  ${msg}`); }
  drift(where, what, want, got) {
    this.problems.push(`DRIFT ${this.rel(where)}: ${what}: scaling-config.yaml says ${fmt(want)}, ${path.basename(where)} says ${fmt(got)}`);
  }
  fail(kind, msg) { this.problems.push(`${kind} ${msg}`); }
  note(msg) { this.notes.push(msg); }
  // compare one value; numbers compare numerically
  same(where, what, want, got) {
    const eq = (typeof want === 'number' || typeof got === 'number') ? Number(want) === Number(got) : JSON.stringify(want) === JSON.stringify(got);
    if (eq) this.ok(`${what} = ${fmt(want)}`); else this.drift(where, what, want, got);
    return eq;
  }
}
function fmt(v) { return v === undefined ? '(not set)' : typeof v === 'string' ? `"${v}"` : JSON.stringify(v); }

// ---------------------------------------------------------------------------- invariants

function checkInvariants(cfg, r) {
  const ref = cfg.reference;
  for (const [w, wc] of Object.entries(cfg.workloads)) {
    const { min, max } = wc.replicas;
    if (!(min >= 1 && min <= max)) r.fail('INVALID', `workloads.${w}.replicas: need 1 <= min (${min}) <= max (${max})`); else r.ok(`${w} replicas ${min}..${max}`);
    for (const k of ['cpu', 'memory']) {
      const conv = k === 'cpu' ? cpuMillis : memMiB;
      const req = conv(wc.resources.requests[k]); const lim = conv(wc.resources.limits[k]);
      if (req > lim) r.fail('INVALID', `workloads.${w}.resources: ${k} request ${wc.resources.requests[k]} > limit ${wc.resources.limits[k]}`); else r.ok(`${w} ${k} request <= limit`);
    }
    for (const [k, v] of Object.entries(wc.targets)) {
      if (k.endsWith('_percent') && !(v >= 1 && v <= 100)) r.fail('INVALID', `workloads.${w}.targets.${k} = ${v} is not within 1-100`);
    }
  }

  for (const [t, tc] of Object.entries(cfg.tiers)) {
    const a = tc.aurora;
    const cls = ref.aurora_classes[a.instance_class];
    if (!cls) r.fail('INVALID', `tiers.${t}.aurora.instance_class ${a.instance_class} has no entry in reference.aurora_classes`);
    if (a.max_connections > 16000) r.fail('INVARIANT', `tiers.${t}.aurora.max_connections ${a.max_connections} > 16000 (Aurora MySQL ceiling)`);
    if (cls && a.max_connections > cls.default_max_connections) {
      r.note(`tiers.${t}.aurora.max_connections ${a.max_connections} is above the ${a.instance_class} default (${cls.default_max_connections}): check the instance's memory holds that many connections`);
    }
    // DB pools: every workload of this tier, at max replicas plus rollout surge.
    let writer = 0; let reader = 0; const parts = [];
    for (const [w, wc] of Object.entries(cfg.workloads)) {
      if (wc.tier !== t || !wc.database_pool) continue;
      const pods = Math.ceil(wc.replicas.max * (1 + (wc.rollout_surge_percent || 0) / 100));
      writer += pods * wc.database_pool.writer_per_pod;
      reader += pods * (wc.database_pool.reader_per_pod || 0);
      parts.push(`${w}: ${pods} pods (max ${wc.replicas.max} + ${wc.rollout_surge_percent || 0}% surge) x ${wc.database_pool.writer_per_pod} writer / ${wc.database_pool.reader_per_pod || 0} reader`);
    }
    const budget = a.max_connections - a.reserved_connections;
    const explain = parts.join('; ');
    if (writer > budget) r.fail('INVARIANT', `tier ${t}: writer connections ${writer} (${explain}) exceed max_connections ${a.max_connections} - reserved ${a.reserved_connections} = ${budget}`);
    else r.ok(`tier ${t}: writer connections ${writer} <= ${budget}`);
    if (a.instances < 2 && reader > 0) r.fail('INVARIANT', `tier ${t}: pods hold reader pools but the cluster has no reader (instances ${a.instances})`);
    // The reader endpoint is DNS round robin: one reader can receive all reader connections.
    if (reader > budget) r.fail('INVARIANT', `tier ${t}: reader connections ${reader} (${explain}) exceed one reader's max_connections ${a.max_connections} - reserved ${a.reserved_connections} = ${budget}`);
    else r.ok(`tier ${t}: reader connections ${reader} <= ${budget}`);

    const rd = tc.redis;
    const node = ref.elasticache_nodes[rd.node_type];
    if (!node) r.fail('INVALID', `tiers.${t}.redis.node_type ${rd.node_type} has no entry in reference.elasticache_nodes`);
    else {
      const usable = node.memory_gib * (1 - rd.reserved_memory_percent / 100);
      if (rd.cache_memory_gib > usable) r.fail('INVARIANT', `tier ${t}: Redis cache_memory_gib ${rd.cache_memory_gib} > usable ${usable.toFixed(2)} GiB (${rd.node_type} ${node.memory_gib} GiB x (1 - ${rd.reserved_memory_percent}% reserved))`);
      else r.ok(`tier ${t}: Redis ${rd.cache_memory_gib} GiB <= usable ${usable.toFixed(2)} GiB`);
    }
    if (rd.nodes < 2) r.fail('INVARIANT', `tier ${t}: Redis needs a replica for automatic failover (nodes ${rd.nodes})`);
  }

  // Node capacity at HPA maxima, plus the extra pods of a rollout at that size.
  for (const [g, gc] of Object.entries(cfg.node_groups)) {
    if (!(gc.min >= 1 && gc.min <= gc.desired && gc.desired <= gc.max)) r.fail('INVALID', `node_groups.${g}: need 1 <= min <= desired <= max`);
    const shapes = gc.instance_types.map((tp) => ({ tp, s: ref.instance_shapes[tp] })).filter((x) => x.s);
    if (!shapes.length) continue;
    // the smallest listed type is what the autoscaler may get: size for it
    const smallest = shapes.sort((x, y) => x.s.vcpu - y.s.vcpu || x.s.memory_gib - y.s.memory_gib)[0];
    const alloc = allocatable(smallest.s, cfg.capacity_model);
    const pods = [];
    for (const [w, wc] of Object.entries(cfg.workloads)) {
      if (wc.node_group !== g) continue;
      pods.push(...podsOf(w, Math.ceil(wc.replicas.max * (1 + (wc.rollout_surge_percent || 0) / 100)), wc.resources.requests));
      if (cpuMillis(wc.resources.limits.cpu) > smallest.s.vcpu * 1000) r.fail('INVARIANT', `workloads.${w}: cpu limit ${wc.resources.limits.cpu} is more than a whole ${smallest.tp}`);
    }
    const p = pack(pods, alloc);
    for (const name of new Set(p.unfit)) r.fail('INVARIANT', `workloads.${name}: one pod's requests do not fit an empty ${smallest.tp} (allocatable ${alloc.cpu}m cpu, ${alloc.mem}Mi memory)`);
    const what = Object.entries(cfg.workloads).filter(([, wc]) => wc.node_group === g)
      .map(([w, wc]) => `${w} ${Math.ceil(wc.replicas.max * (1 + (wc.rollout_surge_percent || 0) / 100))}`).join(', ');
    if (p.nodes > gc.max) r.fail('INVARIANT', `node group ${g}: pods at HPA max plus rollout surge (${what}) need ${p.nodes} x ${smallest.tp} (allocatable ${alloc.cpu}m/${alloc.mem}Mi each), max size is ${gc.max}`);
    else r.ok(`node group ${g}: HPA maxima + surge (${what}) pack into ${p.nodes} x ${smallest.tp} <= max ${gc.max}`);
  }
}

// ---------------------------------------------------------------------------- deploy/k8s

function tolerates(podSpec, taint) {
  return (podSpec.tolerations || []).some((t) => (t.key === taint.key || (t.key === undefined && t.operator === 'Exists'))
    && (t.operator === 'Exists' || String(t.value) === String(taint.value))
    && (!t.effect || t.effect === taint.effect));
}

// node-type value(s) a pod is pinned to: nodeSelector or required node affinity
function selectedNodeTypes(podSpec) {
  const out = new Set();
  if (podSpec.nodeSelector && podSpec.nodeSelector['node-type']) out.add(String(podSpec.nodeSelector['node-type']));
  const req = podSpec.affinity && podSpec.affinity.nodeAffinity && podSpec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  for (const term of (req && req.nodeSelectorTerms) || []) {
    for (const e of term.matchExpressions || []) if (e.key === 'node-type' && e.operator === 'In') (e.values || []).forEach((v) => out.add(String(v)));
  }
  return out;
}

function checkK8s(cfg, o, r) {
  if (!fs.existsSync(o.k8s)) { r.fail('MISSING', `${r.rel(o.k8s)}: directory does not exist`); return; }
  const { docs, errors } = loadManifests(o.k8s);
  for (const e of errors) r.fail('INVALID', e);
  for (const [w, wc] of Object.entries(cfg.workloads)) {
    const found = findWorkload(o.root, wc, docs);
    found.notes.forEach((n) => r.note(`${w}: ${n}`));
    if (!found.exists) { r.fail('MISSING', `${wc.manifests}: directory for workload ${w} does not exist`); continue; }

    // HPA
    if (!found.hpa) r.fail('MISSING', `${wc.manifests}: no HorizontalPodAutoscaler for ${wc.name}`);
    else {
      const h = found.hpa.doc; const f = found.hpa.file;
      r.same(f, `${w} HPA minReplicas`, wc.replicas.min, h.spec.minReplicas === undefined ? 1 : h.spec.minReplicas);
      r.same(f, `${w} HPA maxReplicas`, wc.replicas.max, h.spec.maxReplicas);
      const metrics = hpaMetrics(h);
      for (const [res, key] of [['cpu', 'cpu_percent'], ['memory', 'memory_percent']]) {
        const m = metrics.find((x) => (x.type === 'Resource' || x.type === 'ContainerResource') && x.name === res);
        const got = m && m.target && m.target.kind === 'averageUtilization' ? m.target.value : m ? `${m.target && m.target.kind}` : undefined;
        if (wc.targets[key] === undefined && got === undefined) continue;
        r.same(f, `${w} HPA ${res} averageUtilization`, wc.targets[key], got);
      }
      const tier = cfg.tiers[wc.tier];
      for (const m of metrics.filter((x) => x.name && /response_time/.test(x.name))) {
        const v = m.target ? Number(String(m.target.value).replace(/m$/, '')) / (String(m.target.value).endsWith('m') ? 1000 : 1) : NaN;
        if (!tier) continue;
        if (!(v <= tier.response_time_target_ms)) r.fail('DRIFT', `${r.rel(f)}: ${w} HPA ${m.name} target ${m.target && m.target.value} ms is above the ${wc.tier} tier's response-time target ${tier.response_time_target_ms} ms (it must scale out before the SLO is missed)`);
        else r.ok(`${w} HPA ${m.name} target ${v} <= ${tier.response_time_target_ms}`);
      }
    }

    // Rollout surge: the DB pool and capacity invariants count these pods
    const surge = effectiveSurge(found, wc.replicas.max);
    if (surge && surge.percent > (wc.rollout_surge_percent || 0) + 1e-9) {
      r.fail('DRIFT', `${wc.manifests}: ${w} rolls out with ${surge.percent.toFixed(1)}% extra pods (${surge.source}) but rollout_surge_percent is ${wc.rollout_surge_percent || 0}: the DB pool and node capacity invariants undercount`);
    } else if (surge) r.ok(`${w} rollout surge ${surge.percent.toFixed(1)}% <= ${wc.rollout_surge_percent || 0}%`);

    // Deployment / Rollout
    if (!found.workloads.length) { r.fail('MISSING', `${wc.manifests}: no Deployment or Rollout with a pod template for ${wc.name}`); continue; }
    for (const wl of found.workloads) {
      const f = wl.file; const kind = wl.doc.kind;
      const c = wl.container;
      if (!c) { r.fail('MISSING', `${r.rel(f)}: ${kind} ${wl.doc.metadata.name} has no containers`); continue; }
      const res = c.resources || {};
      for (const sect of ['requests', 'limits']) {
        for (const k of ['cpu', 'memory']) {
          const conv = k === 'cpu' ? cpuMillis : memMiB;
          const want = wc.resources[sect][k];
          const got = res[sect] && res[sect][k];
          const eq = got !== undefined && conv(got) === conv(want);
          if (eq) r.ok(`${w} ${kind} ${sect}.${k} = ${want}`); else r.drift(f, `${w} ${kind} container "${c.name}" resources.${sect}.${k}`, want, got);
        }
      }
      const replicas = wl.doc.spec.replicas;
      if (replicas !== undefined && found.hpa && !(replicas >= wc.replicas.min && replicas <= wc.replicas.max) && !(replicas === 0 && kind === 'Deployment')) {
        r.fail('DRIFT', `${r.rel(f)}: ${w} ${kind} spec.replicas ${replicas} is outside the HPA range ${wc.replicas.min}..${wc.replicas.max}`);
      }
      // DB pool env vars, when the manifest sets them
      if (wc.database_pool && wc.database_pool.env) {
        const missingEnv = [];
        for (const [role, envName] of Object.entries(wc.database_pool.env)) {
          const e = (c.env || []).find((x) => x.name === envName);
          const want = wc.database_pool[`${role}_per_pod`];
          if (!e) { missingEnv.push(`${envName}=${want}`); continue; }
          if (e.value === undefined) { r.note(`${w}: ${envName} comes from ${Object.keys(e.valueFrom || {})[0] || 'elsewhere'}; not compared`); continue; }
          r.same(f, `${w} env ${envName}`, want, Number(e.value));
        }
        if (missingEnv.length) r.note(`${w}: ${r.rel(f)} sets no ${missingEnv.map((x) => x.split('=')[0]).join('/')}; the per-pod pools (${missingEnv.join(', ')}) the connection invariant assumes are not enforced by the manifest`);
      }
      // node placement
      const group = cfg.node_groups[wc.node_group];
      const types = selectedNodeTypes(wl.podSpec);
      const want = group.labels && group.labels['node-type'];
      const premiumTaints = Object.values(cfg.node_groups).flatMap((g) => g.taints || []);
      if ((group.taints || []).length) {
        for (const t of group.taints) {
          if (tolerates(wl.podSpec, t)) r.ok(`${w} tolerates ${t.key}`);
          else r.fail('DRIFT', `${r.rel(f)}: ${w} runs on node group ${wc.node_group} but does not tolerate its taint ${t.key}=${t.value}:${t.effect}`);
        }
        if (types.has(want) && types.size === 1) r.ok(`${w} selects node-type=${want}`);
        else r.fail('DRIFT', `${r.rel(f)}: ${w} must select node-type=${want} (nodeSelector or required node affinity); it selects ${types.size ? [...types].join(', ') : 'nothing'}`);
      } else {
        if (types.size && !(types.has(want) && types.size === 1)) r.fail('DRIFT', `${r.rel(f)}: ${w} belongs on node-type=${want} but selects ${[...types].join(', ')}`);
        else if (!types.size) r.note(`${w}: no node-type selector; pods can land on any untainted node (scaling-config puts them on ${wc.node_group})`);
        for (const t of premiumTaints) {
          if (tolerates(wl.podSpec, t) && !types.has(want)) r.fail('DRIFT', `${r.rel(f)}: ${w} tolerates ${t.key} without selecting node-type=${want}: it can take premium nodes`);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------- deploy/terraform

async function checkTerraform(cfg, o, r, routerDoc) {
  if (!fs.existsSync(o.terraform)) { r.fail('MISSING', `${r.rel(o.terraform)}: directory does not exist`); return; }
  const { loadModule, soleVarRef } = hclLib();
  const mod = await loadModule(o.terraform);
  for (const f of mod.files) if (f.error) r.fail('INVALID', `${r.rel(f.file)}: does not parse: ${f.error}`);
  const vars = new Map(); const res = new Map();
  for (const b of mod.blocks) {
    if (b.kind === 'variable') vars.set(b.name, b);
    if (b.kind === 'resource') res.set(b.key, b);
  }
  const varDefault = (name) => { const b = vars.get(name); return b ? { b, d: b.body.default } : null; };
  function resolve(v) {
    const ref = soleVarRef(v);
    if (!ref) return v;
    const vd = varDefault(ref.name);
    let d = vd && vd.d;
    for (const k of ref.path) d = d && typeof d === 'object' ? d[k] : undefined;
    return d;
  }
  const vfile = (name) => (vars.get(name) ? vars.get(name).file : path.join(o.terraform, 'variables.tf'));
  const needVar = (name) => { const v = varDefault(name); if (!v) r.fail('MISSING', `${r.rel(o.terraform)}: variable "${name}" is not declared`); else if (v.d === undefined) r.fail('MISSING', `${r.rel(v.b.file)}: variable "${name}" has no default to compare`); return v && v.d; };

  // node groups
  for (const [g, gc] of Object.entries(cfg.node_groups)) {
    const groups = needVar('eks_node_groups'); if (!groups) continue;
    const d = groups[g];
    const f = vfile('eks_node_groups');
    if (!d) { r.fail('MISSING', `${r.rel(f)}: var.eks_node_groups has no default entry "${g}"`); continue; }
    const v = `var.eks_node_groups["${g}"]`;
    r.same(f, `${v}.instance_types`, gc.instance_types, d.instance_types);
    r.same(f, `${v}.min_size`, gc.min, d.min_size);
    r.same(f, `${v}.desired_size`, gc.desired, d.desired_size);
    r.same(f, `${v}.max_size`, gc.max, d.max_size);
    r.same(f, `${v}.disk_size_gib`, gc.disk_gib, d.disk_size_gib);
    const ng = res.get(`aws_eks_node_group.${g}`);
    if (!ng) { r.fail('MISSING', `${r.rel(o.terraform)}: no aws_eks_node_group.${g}`); continue; }
    r.same(ng.file, `aws_eks_node_group.${g} labels`, gc.labels || {}, ng.body.labels || {});
    const effect = { NoSchedule: 'NO_SCHEDULE', PreferNoSchedule: 'PREFER_NO_SCHEDULE', NoExecute: 'NO_EXECUTE' };
    const want = (gc.taints || []).map((t) => `${t.key}=${t.value}:${effect[t.effect] || t.effect}`).sort();
    const got = [].concat(ng.body.taint || []).map((t) => `${resolve(t.key)}=${resolve(t.value)}:${resolve(t.effect)}`).sort();
    r.same(ng.file, `aws_eks_node_group.${g} taints`, want, got);
  }

  for (const [t, tc] of Object.entries(cfg.tiers)) {
    // Aurora
    const a = needVar(`aurora_${t}`);
    if (a) {
      const f = vfile(`aurora_${t}`);
      r.same(f, `var.aurora_${t}.instance_class`, tc.aurora.instance_class, a.instance_class);
      r.same(f, `var.aurora_${t}.instance_count`, tc.aurora.instances, a.instance_count);
      r.same(f, `var.aurora_${t}.max_connections`, tc.aurora.max_connections, a.max_connections);
      r.same(f, `var.aurora_${t}.backup_retention_days`, tc.aurora.backup_retention_days, a.backup_retention_days);
    }
    const pg = res.get(`aws_db_parameter_group.${t}`);
    if (!pg) r.fail('MISSING', `${r.rel(o.terraform)}: no aws_db_parameter_group.${t} (instance-level; holds max_connections)`);
    else {
      const p = [].concat(pg.body.parameter || []).find((x) => x.name === 'max_connections');
      r.same(pg.file, `aws_db_parameter_group.${t} max_connections`, tc.aurora.max_connections, p ? resolve(p.value) : undefined);
    }
    for (const [rk, attr] of [[`aws_rds_cluster_instance.${t}`, 'db_parameter_group_name']]) {
      const ri = res.get(rk);
      if (!ri) r.fail('MISSING', `${r.rel(o.terraform)}: no ${rk}`);
      else if (!String(ri.body[attr] || '').includes(`aws_db_parameter_group.${t}.`)) r.fail('DRIFT', `${r.rel(ri.file)}: ${rk}.${attr} does not use aws_db_parameter_group.${t} (max_connections would not apply)`);
      else r.ok(`${rk} uses aws_db_parameter_group.${t}`);
    }
    // Redis
    const rd = needVar(`redis_${t}`);
    if (rd) {
      const f = vfile(`redis_${t}`);
      r.same(f, `var.redis_${t}.node_type`, tc.redis.node_type, rd.node_type);
      r.same(f, `var.redis_${t}.num_cache_clusters`, tc.redis.nodes, rd.num_cache_clusters);
      r.same(f, `var.redis_${t}.maxmemory_policy`, tc.redis.maxmemory_policy, rd.maxmemory_policy);
      r.same(f, `var.redis_${t}.reserved_memory_percent`, tc.redis.reserved_memory_percent, rd.reserved_memory_percent);
    }
    const epg = res.get(`aws_elasticache_parameter_group.${t}`);
    if (!epg) r.fail('MISSING', `${r.rel(o.terraform)}: no aws_elasticache_parameter_group.${t}`);
    else {
      const params = [].concat(epg.body.parameter || []);
      const pol = params.find((x) => x.name === 'maxmemory-policy');
      r.same(epg.file, `aws_elasticache_parameter_group.${t} maxmemory-policy`, tc.redis.maxmemory_policy, pol ? resolve(pol.value) : undefined);
      const rmp = params.find((x) => x.name === 'reserved-memory-percent');
      r.same(epg.file, `aws_elasticache_parameter_group.${t} reserved-memory-percent`, tc.redis.reserved_memory_percent, rmp ? Number(resolve(rmp.value)) : undefined);
    }
    const rg = res.get(`aws_elasticache_replication_group.${t}`);
    if (!rg) r.fail('MISSING', `${r.rel(o.terraform)}: no aws_elasticache_replication_group.${t}`);
    else if (!String(rg.body.parameter_group_name || '').includes(`aws_elasticache_parameter_group.${t}.`)) r.fail('DRIFT', `${r.rel(rg.file)}: aws_elasticache_replication_group.${t} does not use aws_elasticache_parameter_group.${t}`);
    else r.ok(`aws_elasticache_replication_group.${t} uses its parameter group`);
  }

  // The ALB in front of the router and the router's own server settings.
  if (routerDoc) {
    const server = routerDoc.server || {};
    const limits = server.limits || {};
    const vf = path.join(o.terraform, 'variables.tf');
    const port = Number(String(server.listen || '0.0.0.0:8080').split(':').pop());
    const tfPort = varDefault('router_port');
    if (tfPort) r.same(vf, 'router port (config/router.yaml server.listen vs var.router_port)', port, tfPort.d);
    const idle = limits.idle_timeout_ms === undefined ? 60000 : limits.idle_timeout_ms;
    const albIdle = varDefault('alb_idle_timeout_seconds');
    if (albIdle) {
      if (!(albIdle.d * 1000 < idle)) r.fail('INVARIANT', `ALB idle timeout ${albIdle.d} s (var.alb_idle_timeout_seconds) must be below the router's server.limits.idle_timeout_ms ${idle} ms, or the ALB reuses connections the router is closing (502s)`);
      else r.ok(`ALB idle ${albIdle.d} s < router idle ${idle} ms`);
    }
    // The ALB's premium rules mirror the router's premium routing (they only pick a target
    // group, but a mismatch would make the per-tier ALB metrics lie).
    const hdr = varDefault('premium_tier_header_name');
    const routerHeader = (routerDoc.tiers && routerDoc.tiers.header) || 'X-User-Tier';
    if (hdr) r.same(vf, 'tier header (config/router.yaml tiers.header vs var.premium_tier_header_name, case-insensitive)', routerHeader.toLowerCase(), String(hdr.d).toLowerCase());
    const vals = varDefault('premium_tier_header_values');
    if (vals && cfg.tiers.premium) r.same(vf, 'var.premium_tier_header_values (the premium user tiers)', [...cfg.tiers.premium.user_tiers].map((x) => x.toUpperCase()).sort(), [...vals.d].map((x) => String(x).toUpperCase()).sort());
    const pats = varDefault('premium_path_patterns');
    const premiumPrefixes = new Set();
    for (const rt of routerDoc.routes || []) {
      if (rt && rt.pool === 'premium' && rt.match && rt.match.path_prefix) [].concat(rt.match.path_prefix).forEach((x) => premiumPrefixes.add(String(x)));
    }
    if (pats && premiumPrefixes.size) {
      r.same(vf, 'var.premium_path_patterns (config/router.yaml path_prefix of the routes to pool premium, + "*")', [...premiumPrefixes].map((x) => `${x}*`).sort(), [...pats.d].sort());
    }
    const drain = server.drain_timeout_ms === undefined ? 20000 : server.drain_timeout_ms;
    for (const t of ['shared', 'premium']) {
      const tg = res.get(`aws_lb_target_group.${t}`);
      if (!tg) continue;
      const dd = Number(resolve(tg.body.deregistration_delay));
      if (Number.isFinite(dd) && !(dd * 1000 > drain)) r.fail('INVARIANT', `${r.rel(tg.file)}: aws_lb_target_group.${t} deregistration_delay ${dd} s must exceed the router's server.drain_timeout_ms ${drain} ms`);
      else if (Number.isFinite(dd)) r.ok(`target group ${t} deregistration ${dd} s > drain ${drain} ms`);
    }
  }
  checkShippedTrust(o, r, varDefault);
}

// The router.yaml of the shipped ConfigMap against Terraform: the JWT identity provider
// (var.tier_jwt_*), the ALB's addresses as the only trusted proxies (cidrsubnet(var.vpc_cidr,
// 4, 0), the public subnets) and the admin port the target groups health-check.
function checkShippedTrust(o, r, varDefault) {
  const cmFile = path.join(o.k8s, 'router/configmap.yaml');
  if (!fs.existsSync(cmFile)) { r.note(`${r.rel(cmFile)} does not exist: shipped trust settings not compared`); return; }
  const YAML = load('yaml');
  let doc;
  try { doc = YAML.parse(YAML.parse(fs.readFileSync(cmFile, 'utf8')).data['router.yaml']); } catch (e) { r.fail('INVALID', `${r.rel(cmFile)}: data."router.yaml": ${e.message.split('\n')[0]}`); return; }
  const same = (what, tf, got) => {
    if (JSON.stringify(tf) === JSON.stringify(got)) r.ok(`${what} = ${fmt(tf)}`);
    else r.fail('DRIFT', `${r.rel(cmFile)}: ${what}: variables.tf says ${fmt(tf)}, configmap.yaml says ${fmt(got)}`);
  };
  const trust = (doc.tiers && doc.tiers.trust) || {};
  const jwt = trust.jwt || {};
  if (trust.mode !== 'jwt') r.fail('INVARIANT', `${r.rel(cmFile)}: tiers.trust.mode is ${trust.mode || 'header (the default)'}: behind a public ALB only jwt proves a tier`);
  for (const [key, name] of [['jwks_url', 'tier_jwt_jwks_url'], ['issuer', 'tier_jwt_issuer'], ['audience', 'tier_jwt_audience']]) {
    const v = varDefault(name);
    if (v) same(`tiers.trust.jwt.${key} vs var.${name}`, v.d, jwt[key]);
  }
  const vpc = varDefault('vpc_cidr');
  if (vpc) same('server.trusted_proxies vs cidrsubnet(var.vpc_cidr, 4, 0) (the public subnets: the ALB)', [cidrSubnet(vpc.d, 4, 0)], (doc.server && doc.server.trusted_proxies) || []);
  const admin = varDefault('router_admin_port');
  const adminListen = String((doc.admin && doc.admin.listen) || '');
  if (!adminListen) r.fail('INVARIANT', `${r.rel(cmFile)}: admin.listen is empty: /metrics and /ready would be served on the public port`);
  else if (admin) same('admin.listen port vs var.router_admin_port', admin.d, Number(adminListen.split(':').pop()));
}

// cidrsubnet() of Terraform for IPv4.
function cidrSubnet(cidr, newbits, num) {
  const [ip, len] = cidr.split('/');
  const base = ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  const prefix = Number(len) + newbits;
  const addr = base + num * 2 ** (32 - prefix);
  return `${[24, 16, 8, 0].map((sh) => Math.floor(addr / 2 ** sh) % 256).join('.')}/${prefix}`;
}

// ---------------------------------------------------------------------------- config/router.yaml

function checkRouterConfig(cfg, o, r) {
  if (!fs.existsSync(o.router)) { r.note(`${r.rel(o.router)} does not exist yet: user-tier -> pool mapping, latency budgets and ALB timings not compared`); return null; }
  const YAML = load('yaml');
  let doc;
  try { doc = YAML.parse(fs.readFileSync(o.router, 'utf8')); } catch (e) { r.fail('INVALID', `${r.rel(o.router)}: ${e.message.split('\n')[0]}`); return null; }
  const classes = (doc && doc.tiers && doc.tiers.classes) || {};
  if (!Object.keys(classes).length) { r.fail('MISSING', `${r.rel(o.router)}: no tiers.classes`); return doc; }
  for (const [t, tc] of Object.entries(cfg.tiers)) {
    const inRouter = Object.entries(classes).filter(([, c]) => c && c.pool === t).map(([n]) => n.toUpperCase()).sort();
    r.same(o.router, `user tiers routed to pool ${t}`, [...tc.user_tiers].map((s) => s.toUpperCase()).sort(), inRouter);
    for (const name of tc.user_tiers) {
      const c = Object.entries(classes).find(([n]) => n.toUpperCase() === name.toUpperCase());
      if (c && c[1].latency_budget_ms !== undefined) r.same(o.router, `${name} latency_budget_ms`, tc.response_time_target_ms, c[1].latency_budget_ms);
    }
  }
  return doc;
}

async function main() {
  let o;
  try { o = args(process.argv); } catch (e) { console.error(`check-scaling: ${e.message}`); process.exit(2); }
  const r = new Result(o.root, o.verbose);
  let cfg;
  try { cfg = loadScalingConfig(o.config); } catch (e) { console.error(`check-scaling: ${e.message}`); process.exit(2); }
  try {
    checkInvariants(cfg, r);
    checkK8s(cfg, o, r);
    const routerDoc = checkRouterConfig(cfg, o, r);
    await checkTerraform(cfg, o, r, routerDoc);
  } catch (e) {
    console.error(`check-scaling: ${e.message}${o.verbose ? `\n${e.stack}` : ''}`);
    process.exit(2);
  }
  for (const n of r.notes) console.log(`note: ${n}`);
  for (const p of r.problems) console.log(p);
  console.log(`check-scaling: ${r.passed} checks passed, ${r.problems.length} problems (${r.rel(o.config)})`);
  process.exit(r.problems.length ? 1 : 0);
}

main();
