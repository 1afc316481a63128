'use strict';
// node --test: the cost model's arithmetic on a fixture whose costs are worked out by hand.
//
// Fixture (test/fixture): 1000 h/month; node n.small $0.10/h + 10 GB x $0.10 = $101/month,
// 2 vCPU / 8 GiB all allocatable; Aurora db.x.{large,xlarge,2xlarge} $200/$400/$800 a month;
// Redis cache.x.{large,xlarge} $100/$200; EKS $100, ALB $20, NAT $50 each (2 AZs), 2 KMS keys $1.
// Pods: router 500m/1Gi (1-2), shared-api 1/2Gi (2-10 from the manifest; 8 in scaling-config),
// premium-api 1/2Gi (1-4). Users 1000: LITE 600, PRO 300, premium 100.
//
// baseline: shared group = 2 api + 1 router -> 2 nodes $202 (api 2000m of 2500m = $161.60,
//   router $40.40); premium 1 node $101. Shared tier $161.60 + Aurora 3 x $800 + Redis 3 x $200
//   = $3,161.60; premium $101 + $400 + $200 = $701; platform $100 + $20 + $100 + $2 + $40.40 =
//   $262.40; total $4,125.
//   Split (LITE 2/3, PRO 1/3 of the load): LITE 2 api + router -> 2 nodes $202, Aurora needs
//   5.33 vCPU -> 3 x 2xlarge $2,400, Redis needs 8 GiB usable -> 3 x xlarge $600: $3,202. PRO:
//   2 api (the HA minimum) -> 1 node $101, Aurora 2.67 vCPU -> 3 x xlarge $1,200, Redis 4 GiB ->
//   3 x large $300: $1,601. Split $4,803 vs shared $202 + $3,000 = $3,202: saving $1,601 = 33.33%.
// peak: shared group = 10 api + 2 router -> 6 nodes $606 (api $550.91, router $55.09); premium
//   4 pods -> 2 nodes $202. Shared tier $3,550.91, premium $802, platform $277.09, total $4,630.
//   Split: LITE ceil(10 x 2/3) = 7 api + 2 routers -> 4 nodes $404 + $3,000 = $3,404; PRO 4 api ->
//   2 nodes $202 + $1,500 = $1,702. Split $5,106 vs shared $3,606: saving $1,500 = 29.38% of the
//   split cost (41.60% of the shared cost; 24.47% of the whole split platform, $6,130).
const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const { execFileSync } = require('child_process');
const { gatherInputs } = require('../lib/inputs');
const { compute, userMix } = require('../lib/model');

const fx = path.join(__dirname, 'fixture');
const opts = {
  root: fx, config: path.join(fx, 'scaling-config.yaml'), k8s: path.join(fx, 'k8s'),
  terraform: path.join(fx, 'terraform'), prices: path.join(fx, 'prices.yaml'),
  users: 1000, premiumShare: 0.1, proShare: 0.3, proLoadWeight: 1, load: 'both',
};
const near = (got, want, what) => assert.ok(Math.abs(got - want) < 0.005, `${what}: got ${got}, want ${want}`);

test('user mix and load shares', () => {
  const m = userMix(opts);
  assert.deepStrictEqual([m.lite, m.pro, m.premium, m.shared], [600, 300, 100, 900]);
  near(m.loadShares.LITE, 2 / 3, 'LITE share');
  near(userMix({ ...opts, proLoadWeight: 2 }).loadShares.PRO, 0.5, 'PRO share with weight 2');
  assert.throws(() => userMix({ ...opts, premiumShare: 0.8, proShare: 0.3 }), /exceed 1/);
});

test('inputs come from the manifests', async () => {
  const inputs = await gatherInputs(opts);
  assert.deepStrictEqual(inputs.workloads['shared-api'].replicas, { min: 2, max: 10 });
  assert.match(inputs.workloads['shared-api'].source.replicas, /k8s\/shared-api\/hpa.yaml$/);
  assert.deepStrictEqual(inputs.workloads['shared-api'].requests, { cpu: 1000, mem: 2048 });
  assert.deepStrictEqual(inputs.workloads['premium-api'].requests, { cpu: 1000, mem: 2048 });
  assert.strictEqual(inputs.tf.kms_keys, 2);
  assert.strictEqual(inputs.tf.az_count, 2);
});

test('baseline arithmetic', async () => {
  const res = compute(await gatherInputs(opts), opts);
  const b = res.results.find((r) => r.load === 'baseline');
  assert.strictEqual(b.groups.shared.nodes, 2);
  assert.strictEqual(b.groups.premium.nodes, 1);
  near(b.tiers.shared.nodes['shared-api'], 161.6, 'shared-api node share');
  near(b.tiers.shared.total, 3161.6, 'shared tier');
  near(b.tiers.premium.total, 701, 'premium tier');
  near(b.platformTotal, 262.4, 'platform');
  near(b.total, 4125, 'total');
  near(b.perUser.shared.tierOnly, 3161.6 / 900, 'shared per user');
  near(b.perUser.premium.tierOnly, 7.01, 'premium per user');
  near(b.perUser.shared.loaded, 3161.6 / 900 + 0.2624, 'shared per user incl. platform');
  const s = b.sharing;
  near(s.shared.total, 3202, 'shared tier incl. router nodes');
  assert.strictEqual(s.split.LITE.aurora.cls, 'db.x.2xlarge');
  assert.strictEqual(s.split.PRO.aurora.cls, 'db.x.xlarge');
  assert.strictEqual(s.split.LITE.redis.type, 'cache.x.xlarge');
  assert.strictEqual(s.split.PRO.redis.type, 'cache.x.large');
  assert.deepStrictEqual(s.split.PRO.apiPods, { 'shared-api': 2 });
  near(s.split.LITE.total, 3202, 'LITE split tier');
  near(s.split.PRO.total, 1601, 'PRO split tier');
  near(s.saving, 1601, 'saving');
  near(s.savingPctOfSplit, 100 / 3, 'saving % of split');
});

test('peak arithmetic', async () => {
  const res = compute(await gatherInputs(opts), opts);
  const p = res.results.find((r) => r.load === 'peak');
  assert.strictEqual(p.groups.shared.nodes, 6);
  assert.strictEqual(p.groups.premium.nodes, 2);
  near(p.tiers.shared.total, 3000 + 606 * 10 / 11, 'shared tier');
  near(p.tiers.premium.total, 802, 'premium tier');
  near(p.platformTotal, 222 + 606 / 11, 'platform');
  near(p.total, 4630, 'total');
  const s = p.sharing;
  assert.deepStrictEqual(s.split.LITE.apiPods, { 'shared-api': 7 });
  assert.strictEqual(s.split.LITE.nodes, 4);
  assert.strictEqual(s.split.PRO.nodes, 2);
  near(s.splitCost, 5106, 'split cost');
  near(s.shared.total, 3606, 'shared cost');
  near(s.saving, 1500, 'saving');
  near(s.savingPctOfSplit, 1500 / 5106 * 100, 'saving % of split');
  near(s.savingPctOfShared, 1500 / 3606 * 100, 'saving % of shared');
  near(s.platformSplit, 6130, 'platform with split tiers');
});

test('missing manifests: fallback with a note, or an error with --strict', async () => {
  const o = { ...opts, k8s: path.join(fx, 'no-such-dir') };
  const inputs = await gatherInputs(o);
  assert.deepStrictEqual(inputs.workloads['shared-api'].replicas, { min: 2, max: 8 });
  assert.strictEqual(inputs.workloads['shared-api'].source.replicas, 'scaling-config.yaml');
  assert.ok(inputs.notes.some((n) => /shared-api: no HPA/.test(n)));
  await assert.rejects(gatherInputs({ ...o, strict: true }), /no HorizontalPodAutoscaler for router/);
});

test('CLI prints the saving line', () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'cost-model.js'),
    '--root', fx, '--config', opts.config, '--k8s', opts.k8s, '--terraform', opts.terraform, '--prices', opts.prices,
    '--users', '1000', '--premium-share', '0.1', '--pro-share', '0.3', '--load', 'peak'], { encoding: 'utf8' });
  assert.match(out, /separate tiers \$5,106\.00 - shared \$3,606\.00 = saving \$1,500\.00 a month: 29\.4% of the separate-tier cost/);
  assert.match(out, /41\.6% if divided by the shared-tier cost instead/);
});
