'use strict';
// Everything the cost model prices, gathered from the repository:
//   deploy/k8s                        replica counts (HPA min/max) and pod requests, per workload
//   deploy/config/scaling-config.yaml node groups, Aurora and Redis classes and counts, which
//                                     workload belongs to which tier and node group
//   deploy/terraform                  az_count / single_nat_gateway (NAT gateways), colocation
//                                     hosts, number of KMS keys (variable defaults)
//   tools/cost-model/prices.yaml      the price table
// Each workload number records where it came from; with `strict`, a number that is not in the
// manifests is an error instead of a fallback to scaling-config.yaml.

const fs = require('fs');
const path = require('path');

const configLib = path.resolve(__dirname, '..', '..', '..', 'deploy', 'config', 'lib');
const { load, hclLib } = require(path.join(configLib, 'deps'));
const { loadScalingConfig } = require(path.join(configLib, 'scaling'));
const { loadManifests, findWorkload } = require(path.join(configLib, 'k8s'));
const { cpuMillis, memMiB } = require(path.join(configLib, 'quantity'));

function loadPrices(file) {
  const YAML = load('yaml');
  const p = YAML.parse(fs.readFileSync(file, 'utf8'));
  for (const k of ['hours_per_month', 'ec2', 'aurora_mysql', 'elasticache_redis', 'other']) {
    if (p[k] === undefined) throw new Error(`${file}: missing "${k}"`);
  }
  return p;
}

async function terraformFacts(dir) {
  const facts = { az_count: 3, single_nat_gateway: false, colocation: { count: 0, type: null, disk_gib: 0 }, kms_keys: 0, source: 'defaults' };
  if (!fs.existsSync(dir)) return facts;
  const { loadModule } = hclLib();
  const mod = await loadModule(dir);
  const def = (name) => {
    const b = mod.blocks.find((x) => x.kind === 'variable' && x.name === name);
    return b ? b.body.default : undefined;
  };
  if (def('az_count') !== undefined) facts.az_count = def('az_count');
  if (def('single_nat_gateway') !== undefined) facts.single_nat_gateway = def('single_nat_gateway');
  if (def('colocation_instance_count') !== undefined) facts.colocation.count = def('colocation_instance_count');
  if (def('colocation_instance_type') !== undefined) facts.colocation.type = def('colocation_instance_type');
  const lt = mod.blocks.find((b) => b.key === 'aws_launch_template.colocation');
  const bdm = lt && [].concat(lt.body.block_device_mappings || [])[0];
  const ebs = bdm && [].concat(bdm.ebs || [])[0];
  if (ebs && typeof ebs.volume_size === 'number') facts.colocation.disk_gib = ebs.volume_size;
  facts.kms_keys = mod.blocks.filter((b) => b.kind === 'resource' && b.type === 'aws_kms_key').length;
  facts.source = path.basename(dir);
  return facts;
}

async function gatherInputs(o) {
  const cfg = loadScalingConfig(o.config);
  const prices = loadPrices(o.prices);
  const { docs, errors } = fs.existsSync(o.k8s) ? loadManifests(o.k8s) : { docs: [], errors: [] };
  if (errors.length) throw new Error(errors.join('\n'));
  const workloads = {};
  const notes = [];
  for (const [name, wc] of Object.entries(cfg.workloads)) {
    const found = findWorkload(o.root, wc, docs);
    const rel = (f) => path.relative(o.root, f);
    const w = { tier: wc.tier, node_group: wc.node_group, source: {} };
    if (found.hpa) {
      w.replicas = { min: found.hpa.doc.spec.minReplicas === undefined ? 1 : found.hpa.doc.spec.minReplicas, max: found.hpa.doc.spec.maxReplicas };
      w.source.replicas = rel(found.hpa.file);
    } else {
      if (o.strict) throw new Error(`${wc.manifests}: no HorizontalPodAutoscaler for ${name} (--strict)`);
      w.replicas = { ...wc.replicas };
      w.source.replicas = 'scaling-config.yaml';
      notes.push(`${name}: no HPA in ${wc.manifests}; replicas from scaling-config.yaml`);
    }
    const c = found.workloads.map((x) => x.container).find((x) => x && x.resources && x.resources.requests);
    if (c) {
      w.requests = { cpu: cpuMillis(c.resources.requests.cpu), mem: memMiB(c.resources.requests.memory) };
      w.source.requests = rel(found.workloads.find((x) => x.container === c).file);
    } else {
      if (o.strict) throw new Error(`${wc.manifests}: no container requests for ${name} (--strict)`);
      w.requests = { cpu: cpuMillis(wc.resources.requests.cpu), mem: memMiB(wc.resources.requests.memory) };
      w.source.requests = 'scaling-config.yaml';
      notes.push(`${name}: no pod template with requests in ${wc.manifests}; requests from scaling-config.yaml`);
    }
    workloads[name] = w;
  }
  const tf = await terraformFacts(o.terraform);
  return { cfg, prices, workloads, tf, notes };
}

module.exports = { gatherInputs, loadPrices };
