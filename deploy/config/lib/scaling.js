'use strict';
// Loading and shape-checking deploy/config/scaling-config.yaml.

const fs = require('fs');
const { load } = require('./deps');

function loadScalingConfig(file) {
  const YAML = load('yaml');
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
  const cfg = doc.toJS();
  const problems = [];
  const need = (cond, msg) => { if (!cond) problems.push(msg); };
  need(cfg && cfg.version === 1, 'version must be 1');
  for (const key of ['tiers', 'workloads', 'node_groups', 'capacity_model', 'reference']) need(cfg && cfg[key], `missing top-level key "${key}"`);
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  for (const [t, tc] of Object.entries(cfg.tiers)) {
    need(Array.isArray(tc.user_tiers) && tc.user_tiers.length, `tiers.${t}.user_tiers must be a non-empty list`);
    need(Number.isFinite(tc.response_time_target_ms), `tiers.${t}.response_time_target_ms must be a number`);
    for (const k of ['instance_class', 'instances', 'max_connections', 'reserved_connections', 'backup_retention_days']) need(tc.aurora && tc.aurora[k] !== undefined, `tiers.${t}.aurora.${k} is missing`);
    for (const k of ['node_type', 'nodes', 'maxmemory_policy', 'reserved_memory_percent', 'cache_memory_gib']) need(tc.redis && tc.redis[k] !== undefined, `tiers.${t}.redis.${k} is missing`);
  }
  for (const [w, wc] of Object.entries(cfg.workloads)) {
    need(wc.tier === 'platform' || cfg.tiers[wc.tier], `workloads.${w}.tier "${wc.tier}" is neither "platform" nor a tier`);
    need(cfg.node_groups[wc.node_group], `workloads.${w}.node_group "${wc.node_group}" is not in node_groups`);
    need(wc.manifests && wc.name, `workloads.${w} needs manifests and name`);
    need(wc.replicas && Number.isInteger(wc.replicas.min) && Number.isInteger(wc.replicas.max), `workloads.${w}.replicas needs integer min and max`);
    need(wc.resources && wc.resources.requests && wc.resources.limits, `workloads.${w}.resources needs requests and limits`);
    need(wc.targets && Number.isFinite(wc.targets.cpu_percent), `workloads.${w}.targets.cpu_percent is missing`);
  }
  for (const [g, gc] of Object.entries(cfg.node_groups)) {
    need(Array.isArray(gc.instance_types) && gc.instance_types.length, `node_groups.${g}.instance_types must be a non-empty list`);
    for (const t of gc.instance_types || []) need(cfg.reference.instance_shapes[t], `node_groups.${g}: instance type ${t} has no entry in reference.instance_shapes`);
    for (const k of ['min', 'desired', 'max', 'disk_gib']) need(Number.isInteger(gc[k]), `node_groups.${g}.${k} must be an integer`);
  }
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  return cfg;
}

module.exports = { loadScalingConfig };
