'use strict';
// Text report of a compute() result.

const usd = (x) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x) => `${x.toFixed(1)}%`;
const usd4 = (x) => `$${x.toFixed(4)}`;
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function report(res, inputs, opts) {
  const out = [];
  const p = (s = '') => out.push(s);
  const { mix } = res;
  p(`smart-router cost model — USD per month, on-demand ${inputs.prices.region || ''} list prices (${inputs.prices.hours_per_month} h/month)`);
  p(`users: ${mix.users.toLocaleString('en-US')} = LITE ${mix.lite.toLocaleString('en-US')} + PRO ${mix.pro.toLocaleString('en-US')} (shared tier) + premium ${mix.premium.toLocaleString('en-US')}`);
  p('inputs:');
  for (const [w, wl] of Object.entries(res.workloads)) {
    p(`  ${pad(w, 12)} replicas ${wl.replicas.min}-${wl.replicas.max} (${wl.source.replicas}), requests ${wl.requests.cpu}m / ${wl.requests.mem}Mi (${wl.source.requests})`);
  }
  for (const [t, tc] of Object.entries(inputs.cfg.tiers)) {
    p(`  ${pad(`tier ${t}`, 12)} ${tc.user_tiers.join(', ')}: Aurora ${tc.aurora.instances} x ${tc.aurora.instance_class}, Redis ${tc.redis.nodes} x ${tc.redis.node_type} (scaling-config.yaml)`);
  }
  for (const [g, gc] of Object.entries(inputs.cfg.node_groups)) p(`  ${pad(`nodes ${g}`, 12)} ${gc.instance_types[0]}, min ${gc.min}, max ${gc.max} (scaling-config.yaml)`);
  for (const n of res.notes) p(`  note: ${n}`);

  for (const r of res.results) {
    p();
    p(`== ${r.load === 'baseline' ? 'baseline: every workload at its HPA minimum' : 'peak: every workload at its HPA maximum'}`);
    for (const [g, gr] of Object.entries(r.groups)) {
      p(`  node group ${pad(g, 8)} ${lpad(gr.nodes, 2)} x ${gr.type}${gr.nodes > gr.packed ? ` (pods need ${gr.packed}; min size ${gr.nodes})` : ''}${gr.overMax ? `  !! above max size ${gr.max}` : ''}  ${lpad(usd(gr.cost), 12)}`);
    }
    p(`  ${pad('', 22)}${lpad('nodes', 12)}${lpad('Aurora', 12)}${lpad('Redis', 12)}${lpad('total', 13)}${lpad('users', 10)}${lpad('per user', 10)}${lpad('+platform', 11)}`);
    for (const [t, tr] of Object.entries(r.tiers)) {
      const nodes = Object.values(tr.nodes).reduce((a, b) => a + b, 0);
      const pu = r.perUser[t];
      p(`  ${pad(`tier ${t}`, 22)}${lpad(usd(nodes), 12)}${lpad(usd(tr.aurora), 12)}${lpad(usd(tr.redis), 12)}${lpad(usd(tr.total), 13)}${lpad(Math.round(pu.users).toLocaleString('en-US'), 10)}${lpad(pu.tierOnly === null ? '-' : usd4(pu.tierOnly), 10)}${lpad(pu.loaded === null ? '-' : usd4(pu.loaded), 11)}`);
    }
    p(`  ${pad('platform (all users)', 22)}${lpad(usd(r.platformTotal), 49)}${lpad(mix.users.toLocaleString('en-US'), 10)}${lpad(usd4(r.platformTotal / mix.users), 10)}`);
    for (const [k, v] of Object.entries(r.platform)) p(`      ${pad(k, 44)}${lpad(usd(v), 12)}`);
    p(`  ${pad('total', 22)}${lpad(usd(r.total), 49)}${lpad(mix.users.toLocaleString('en-US'), 10)}${lpad(usd4(r.total / mix.users), 10)}`);

    const s = r.sharing;
    p(`  -- LITE and PRO sharing one tier vs a tier each (load shares LITE ${pct(mix.loadShares.LITE * 100)}, PRO ${pct(mix.loadShares.PRO * 100)})`);
    p(`     shared tier:   ${s.shared.nodes} nodes ${usd(s.shared.nodeCost)} + Aurora ${usd(s.shared.aurora)} + Redis ${usd(s.shared.redis)} = ${usd(s.shared.total)}`);
    for (const [name, part] of Object.entries(s.split)) {
      const api = Object.entries(part.apiPods).map(([w, n]) => `${n} ${w}`).join(', ');
      p(`     ${pad(`${name} tier:`, 14)} ${api}; ${part.nodes} nodes ${usd(part.nodeCost)} + Aurora ${part.aurora.instances} x ${part.aurora.cls} ${usd(part.aurora.cost)}${part.aurora.fits ? '' : ' (largest; does not fit)'} + Redis ${part.redis.nodes} x ${part.redis.type} ${usd(part.redis.cost)}${part.redis.fits ? '' : ' (largest; does not fit)'} = ${usd(part.total)}`);
    }
    p(`     separate tiers ${usd(s.splitCost)} - shared ${usd(s.shared.total)} = saving ${usd(s.saving)} a month: ${pct(s.savingPctOfSplit)} of the separate-tier cost`);
    p(`     (${pct(s.savingPctOfShared)} if divided by the shared-tier cost instead; ${pct(s.savingPctOfPlatform)} of the whole platform's cost with separate tiers)`);
  }
  p();
  p('Not included: data transfer, NAT per-GB, ALB LCUs, Aurora storage/I/O, backups, CloudWatch, Secrets Manager; no discounts.');
  if (opts && opts.pricesSource) p(`Prices: ${opts.pricesSource}`);
  return out.join('\n');
}

module.exports = { report };
