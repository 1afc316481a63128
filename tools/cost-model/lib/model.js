'use strict';
// The cost model: pure arithmetic on gathered inputs (lib/inputs.js), no I/O.
//
// Monthly cost = hourly price x hours_per_month (730). Two load points:
//   baseline — every workload at its HPA minReplicas (nights, weekends);
//   peak     — every workload at its HPA maxReplicas (what the platform is sized for).
// Nodes: the pods of a node group are bin-packed (first-fit decreasing on cpu, memory and pod
// slots, with the allocatable fraction and DaemonSet overhead of scaling-config.yaml) onto its
// instance type; the group never runs fewer than its min size. A node group's cost is shared by
// the workloads on it in proportion to their cpu requests (the idle part of a node included).
// Tier cost = its workloads' node shares + its Aurora instances + its Redis nodes.
// Platform cost = the router's node share + EKS control plane + ALB + NAT gateways + KMS keys +
// colocation hosts; per user it is split evenly over all users.
//
// Sharing LITE and PRO on one tier versus a tier each (see README.md): each split tier keeps the
// shared tier's HA layout (HPA min replicas, node-group min size, Aurora instance count, Redis
// node count) and gets its share of the load: API replicas = max(min, ceil(replicas x share)), the
// smallest Aurora class of the same family with vcpu >= share x the shared class's vcpu (and a
// default max_connections that holds the split tier's pools), the smallest Redis node of the
// same family whose usable memory holds share x the planned cache. Router pods stay with the
// larger split tier's node group. saving = split - shared; saving % = saving / split.

const { allocatable, pack } = require('../../../deploy/config/lib/capacity');

const round2 = (x) => Math.round(x * 100) / 100;

function priceOf(table, key, what) {
  const v = table[key];
  if (v === undefined) throw new Error(`prices.yaml has no ${what} price for "${key}"`);
  return v;
}

function nodeMonthly(inputs, group) {
  const { prices } = inputs;
  const type = group.instance_types[0];
  return priceOf(prices.ec2, type, 'ec2') * prices.hours_per_month + (group.disk_gib || 0) * prices.other.ebs_gp3_gb_month;
}

// pods: [{name, count, requests: {cpu (millicores), mem (MiB)}}] on node group `g`
// -> {nodes, packed, cost, byWorkload: {name: cost share}, overMax}
function groupCost(inputs, g, group, pods) {
  const { cfg } = inputs;
  const type = group.instance_types[0];
  const shape = cfg.reference.instance_shapes[type];
  if (!shape) throw new Error(`scaling-config.yaml reference.instance_shapes has no ${type}`);
  const alloc = allocatable(shape, cfg.capacity_model);
  const list = [];
  let cpuTotal = 0;
  for (const p of pods) {
    for (let i = 0; i < p.count; i++) list.push({ name: p.name, cpu: p.requests.cpu, mem: p.requests.mem });
    cpuTotal += p.count * p.requests.cpu;
  }
  const packed = pack(list, alloc);
  if (packed.unfit.length) throw new Error(`node group ${g}: a ${packed.unfit[0]} pod fits no ${type}`);
  const nodes = Math.max(packed.nodes, group.min);
  const cost = nodes * nodeMonthly(inputs, group);
  const byWorkload = {};
  for (const p of pods) byWorkload[p.name] = cpuTotal ? cost * ((p.count * p.requests.cpu) / cpuTotal) : 0;
  return { group: g, type, nodes, packed: packed.nodes, cost, byWorkload, overMax: packed.nodes > group.max, max: group.max };
}

const auroraMonthly = (inputs, a) => a.instances * priceOf(inputs.prices.aurora_mysql, a.instance_class, 'aurora_mysql') * inputs.prices.hours_per_month;
const redisMonthly = (inputs, r) => r.nodes * priceOf(inputs.prices.elasticache_redis, r.node_type, 'elasticache_redis') * inputs.prices.hours_per_month;

function platformFixed(inputs) {
  const { prices, tf } = inputs;
  const H = prices.hours_per_month;
  const nat = tf.single_nat_gateway ? 1 : tf.az_count;
  const items = {
    'EKS control plane': prices.other.eks_cluster_hour * H,
    'ALB (hourly, no LCUs)': prices.other.alb_hour * H,
    [`NAT gateways (${nat})`]: nat * prices.other.nat_gateway_hour * H,
    [`KMS keys (${tf.kms_keys})`]: tf.kms_keys * prices.other.kms_key_month,
  };
  if (tf.colocation.count > 0) {
    items[`colocation hosts (${tf.colocation.count} x ${tf.colocation.type})`] = tf.colocation.count
      * (priceOf(prices.ec2, tf.colocation.type, 'ec2') * H + tf.colocation.disk_gib * prices.other.ebs_gp3_gb_month);
  }
  return items;
}

function replicasAt(w, load) { return load === 'baseline' ? w.replicas.min : w.replicas.max; }

// Cost of the platform as configured, at one load point.
function scenario(inputs, load) {
  const { cfg } = inputs;
  const groups = {};
  for (const [g, group] of Object.entries(cfg.node_groups)) {
    const pods = Object.entries(inputs.workloads).filter(([, wl]) => wl.node_group === g)
      .map(([w, wl]) => ({ name: w, count: replicasAt(wl, load), requests: wl.requests }));
    groups[g] = groupCost(inputs, g, group, pods);
  }
  const tiers = {};
  for (const [t, tc] of Object.entries(cfg.tiers)) {
    const nodes = {};
    for (const [w, wl] of Object.entries(inputs.workloads)) if (wl.tier === t) nodes[w] = groups[wl.node_group].byWorkload[w];
    const aurora = auroraMonthly(inputs, tc.aurora);
    const redis = redisMonthly(inputs, tc.redis);
    const total = Object.values(nodes).reduce((a, b) => a + b, 0) + aurora + redis;
    tiers[t] = { nodes, aurora, redis, total };
  }
  const platform = { ...platformFixed(inputs) };
  for (const [w, wl] of Object.entries(inputs.workloads)) if (wl.tier === 'platform') platform[`${w} pods (node share)`] = groups[wl.node_group].byWorkload[w];
  const platformTotal = Object.values(platform).reduce((a, b) => a + b, 0);
  const total = Object.values(tiers).reduce((a, t) => a + t.total, 0) + platformTotal;
  return { load, groups, tiers, platform, platformTotal, total };
}

function familyOf(cls) { return cls.replace(/\.[^.]+$/, ''); }

// Smallest class of the same family that satisfies ok(spec); falls back to the largest.
function pickClass(table, current, ok, priced) {
  const fam = familyOf(current);
  const cands = Object.entries(table).filter(([k]) => familyOf(k) === fam && priced(k)).sort((a, b) => (a[1].vcpu - b[1].vcpu) || (a[1].memory_gib - b[1].memory_gib));
  const hit = cands.find(([, spec]) => ok(spec));
  return hit ? { cls: hit[0], fits: true } : { cls: cands.length ? cands[cands.length - 1][0] : current, fits: false };
}

// LITE and PRO on one tier (as configured) versus a tier each, at one load point.
function splitComparison(inputs, load, shares, tierName = 'shared') {
  const { cfg, prices } = inputs;
  const tc = cfg.tiers[tierName];
  const base = scenario(inputs, load);
  const tierWorkloads = Object.entries(inputs.workloads).filter(([, w]) => w.tier === tierName);
  const groupNames = [...new Set(tierWorkloads.map(([, w]) => w.node_group))];
  if (groupNames.length !== 1) throw new Error(`split comparison expects the ${tierName} tier on one node group, found ${groupNames.join(', ')}`);
  const g = groupNames[0];
  const group = cfg.node_groups[g];
  const others = Object.entries(inputs.workloads).filter(([, w]) => w.node_group === g && w.tier !== tierName);

  const sharedCost = base.groups[g].cost + base.tiers[tierName].aurora + base.tiers[tierName].redis;
  const parts = Object.entries(shares).sort((a, b) => b[1] - a[1]); // largest first: it hosts the other pods
  const split = {};
  let splitCost = 0;
  const aClass = cfg.reference.aurora_classes[tc.aurora.instance_class];
  const rNode = cfg.reference.elasticache_nodes[tc.redis.node_type];
  for (const [i, [name, s]] of parts.entries()) {
    const pods = [];
    let connsPerInstance = 0;
    for (const [w, wl] of tierWorkloads) {
      const n = Math.max(wl.replicas.min, Math.ceil(replicasAt(wl, load) * s));
      pods.push({ name: w, count: n, requests: wl.requests, split: true });
      const wc = cfg.workloads[w];
      if (wc && wc.database_pool) {
        const peakPods = Math.ceil(Math.max(wl.replicas.min, Math.ceil(wl.replicas.max * s)) * (1 + (wc.rollout_surge_percent || 0) / 100));
        connsPerInstance += peakPods * Math.max(wc.database_pool.writer_per_pod, wc.database_pool.reader_per_pod || 0);
      }
    }
    if (i === 0) for (const [w, wl] of others) pods.push({ name: w, count: replicasAt(wl, load), requests: wl.requests });
    const gc = groupCost(inputs, `${g}-${name}`, group, pods);
    const aurora = pickClass(cfg.reference.aurora_classes, tc.aurora.instance_class,
      (spec) => spec.vcpu >= s * aClass.vcpu - 1e-9 && spec.default_max_connections - tc.aurora.reserved_connections >= connsPerInstance,
      (k) => prices.aurora_mysql[k] !== undefined);
    const redis = pickClass(cfg.reference.elasticache_nodes, tc.redis.node_type,
      (spec) => spec.memory_gib * (1 - tc.redis.reserved_memory_percent / 100) >= s * tc.redis.cache_memory_gib - 1e-9,
      (k) => prices.elasticache_redis[k] !== undefined);
    const a = { ...tc.aurora, instance_class: aurora.cls };
    const r = { ...tc.redis, node_type: redis.cls };
    const part = {
      share: s,
      apiPods: Object.fromEntries(pods.filter((p) => p.split).map((p) => [p.name, p.count])),
      nodes: gc.nodes, nodeCost: gc.cost,
      aurora: { cls: aurora.cls, instances: a.instances, cost: auroraMonthly(inputs, a), fits: aurora.fits },
      redis: { type: redis.cls, nodes: r.nodes, cost: redisMonthly(inputs, r), fits: redis.fits },
    };
    part.total = part.nodeCost + part.aurora.cost + part.redis.cost;
    split[name] = part;
    splitCost += part.total;
  }
  const saving = splitCost - sharedCost;
  const platformSplit = base.total - sharedCost + splitCost;
  return {
    load, tier: tierName,
    shared: { nodes: base.groups[g].nodes, nodeCost: base.groups[g].cost, aurora: base.tiers[tierName].aurora, redis: base.tiers[tierName].redis, total: sharedCost },
    split, splitCost, saving,
    savingPctOfSplit: splitCost ? (saving / splitCost) * 100 : 0,
    savingPctOfShared: sharedCost ? (saving / sharedCost) * 100 : 0,
    platformShared: base.total, platformSplit,
    savingPctOfPlatform: platformSplit ? (saving / platformSplit) * 100 : 0,
  };
}

// Users: total, premium share, PRO share (of all users); LITE is the rest.
function userMix(o) {
  const premium = o.users * o.premiumShare;
  const pro = o.users * o.proShare;
  const lite = o.users - premium - pro;
  if (lite < 0) throw new Error('--premium-share + --pro-share exceed 1');
  const w = o.proLoadWeight === undefined ? 1 : o.proLoadWeight;
  const sharedLoad = lite + w * pro;
  return { users: o.users, lite, pro, premium, shared: lite + pro, loadShares: { LITE: sharedLoad ? lite / sharedLoad : 0, PRO: sharedLoad ? (w * pro) / sharedLoad : 0 } };
}

function compute(inputs, o) {
  const mix = userMix(o);
  const loads = o.load === 'both' ? ['baseline', 'peak'] : [o.load];
  const tierUsers = {};
  for (const [t, tc] of Object.entries(inputs.cfg.tiers)) {
    tierUsers[t] = tc.user_tiers.reduce((n, u) => n + (u === 'LITE' ? mix.lite : u === 'PRO' ? mix.pro : 0), 0);
  }
  // premium user tiers share the premium users
  for (const [t, tc] of Object.entries(inputs.cfg.tiers)) if (!tc.user_tiers.includes('LITE') && !tc.user_tiers.includes('PRO')) tierUsers[t] = mix.premium;
  const results = loads.map((load) => {
    const s = scenario(inputs, load);
    const perUser = {};
    for (const [t, tr] of Object.entries(s.tiers)) {
      const u = tierUsers[t];
      perUser[t] = { users: u, tierOnly: u ? tr.total / u : null, loaded: u ? tr.total / u + s.platformTotal / mix.users : null };
    }
    return { ...s, perUser, sharing: splitComparison(inputs, load, mix.loadShares) };
  });
  return { mix, results, notes: inputs.notes, workloads: inputs.workloads, tf: inputs.tf };
}

module.exports = { compute, scenario, splitComparison, userMix, round2 };
