'use strict';
// Node capacity: how much of an instance pods can request, and how many nodes a set of pods needs
// (first-fit decreasing bin packing on cpu, memory and pod count: what the scheduler plus the
// cluster autoscaler achieve at best, so a "fits" here is necessary, not a guarantee).

const { cpuMillis, memMiB } = require('./quantity');

function allocatable(shape, model) {
  const over = model.per_node_overhead || {};
  const frac = model.allocatable_fraction || { cpu: 1, memory: 1 };
  return {
    cpu: Math.floor(shape.vcpu * 1000 * frac.cpu - cpuMillis(over.cpu || 0)),
    mem: Math.floor(shape.memory_gib * 1024 * frac.memory - memMiB(over.memory || 0)),
    pods: (shape.max_pods || 110) - (over.pods || 0),
  };
}

// pods: [{name, cpu (millicores), mem (MiB)}] -> {nodes, unfit: [pod names that fit no node]}
function pack(pods, alloc) {
  const sorted = [...pods].sort((a, b) => (b.cpu / alloc.cpu + b.mem / alloc.mem) - (a.cpu / alloc.cpu + a.mem / alloc.mem));
  const nodes = [];
  const unfit = [];
  for (const p of sorted) {
    if (p.cpu > alloc.cpu || p.mem > alloc.mem) { unfit.push(p.name); continue; }
    let n = nodes.find((x) => x.cpu >= p.cpu && x.mem >= p.mem && x.pods >= 1);
    if (!n) { n = { ...alloc }; nodes.push(n); }
    n.cpu -= p.cpu; n.mem -= p.mem; n.pods -= 1;
  }
  return { nodes: nodes.length, unfit };
}

function podsOf(name, count, requests) {
  const cpu = cpuMillis(requests.cpu);
  const mem = memMiB(requests.memory);
  return Array.from({ length: count }, () => ({ name, cpu, mem }));
}

module.exports = { allocatable, pack, podsOf };
