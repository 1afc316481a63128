'use strict';
// node --test: check-scaling passes on the repository as it is, and catches each kind of drift
// planted in a temporary copy (one change per test; YAML edited through the parser, so the
// tests do not depend on how the manifests are formatted).
const { describe, it, after } = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');
const { load } = require('../lib/deps');

const YAML = load('yaml');
const repo = path.resolve(__dirname, '..', '..', '..');
const tool = path.join(__dirname, '..', 'lib', 'check-scaling.js');

const tmpDirs = [];

function copyInputs() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-scaling-'));
  tmpDirs.push(tmp);
  const cp = (rel) => { if (fs.existsSync(path.join(repo, rel))) fs.cpSync(path.join(repo, rel), path.join(tmp, rel), { recursive: true }); };
  cp('deploy/config/scaling-config.yaml');
  cp('deploy/k8s');
  fs.mkdirSync(path.join(tmp, 'deploy/terraform'), { recursive: true });
  for (const f of fs.readdirSync(path.join(repo, 'deploy/terraform')).filter((n) => n.endsWith('.tf'))) {
    fs.copyFileSync(path.join(repo, 'deploy/terraform', f), path.join(tmp, 'deploy/terraform', f));
  }
  cp('config/router.yaml');
  return tmp;
}

function run(root) {
  return new Promise((resolve) => {
    execFile(process.execPath, [tool, '--root', root], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, out: `${stdout}${stderr}` });
    });
  });
}

// Edit every YAML document of `file` for which pick(doc) is true.
function editYaml(file, pick, edit) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  let n = 0;
  for (const d of docs) {
    const js = d.toJS();
    if (js && pick(js)) { edit(js); d.contents = d.createNode(js); n++; }
  }
  assert.ok(n > 0, `test setup: nothing to edit in ${file}`);
  fs.writeFileSync(file, docs.map((d) => d.toString()).join(''));
}

function editText(file, from, to) {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(from.test ? from.test(text) : text.includes(from), `test setup: pattern not found in ${file}`);
  fs.writeFileSync(file, text.replace(from, to));
}

const cfgFile = (root) => path.join(root, 'deploy/config/scaling-config.yaml');
const k8sFiles = (root, dir) => fs.readdirSync(path.join(root, 'deploy/k8s', dir)).map((n) => path.join(root, 'deploy/k8s', dir, n));
function editWorkload(root, dir, kinds, edit) {
  let hit = false;
  for (const f of k8sFiles(root, dir)) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS());
    if (docs.some((d) => d && kinds.includes(d.kind) && (d.kind !== 'Deployment' || (d.spec.template && d.spec.template.spec)))) {
      editYaml(f, (d) => kinds.includes(d.kind), edit); hit = true;
    }
  }
  assert.ok(hit, `test setup: no ${kinds.join('/')} in deploy/k8s/${dir}`);
}

describe('check-scaling', { concurrency: 3 }, () => {
  after(() => { for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true }); });

  it('the repository is consistent', async () => {
    const r = await run(repo);
    assert.strictEqual(r.code, 0, r.out);
  });

  it('HPA maxReplicas drift', async () => {
    const root = copyInputs();
    editWorkload(root, 'shared-api', ['HorizontalPodAutoscaler'], (d) => { d.spec.maxReplicas = 40; });
    const r = await run(root);
    assert.strictEqual(r.code, 1, r.out);
    assert.match(r.out, /DRIFT deploy\/k8s\/shared-api\/\S+: shared-api HPA maxReplicas: scaling-config.yaml says 50, \S+ says 40/);
  });

  it('container resources drift', async () => {
    const root = copyInputs();
    editWorkload(root, 'premium-api', ['Deployment'], (d) => { d.spec.template.spec.containers[0].resources.limits.memory = '3Gi'; });
    const r = await run(root);
    assert.strictEqual(r.code, 1, r.out);
    assert.match(r.out, /premium-api Deployment container "[^"]+" resources.limits.memory: scaling-config.yaml says "4Gi", \S+ says "3Gi"/);
  });

  it('premium pods that no longer tolerate the premium taint', async () => {
    const root = copyInputs();
    editWorkload(root, 'premium-api', ['Deployment'], (d) => { delete d.spec.template.spec.tolerations; });
    const r = await run(root);
    assert.strictEqual(r.code, 1, r.out);
    assert.match(r.out, /premium-api runs on node group premium but does not tolerate its taint premium-only=true:NoSchedule/);
  });

  it('Terraform Redis eviction policy drift', async () => {
    const root = copyInputs();
    editText(path.join(root, 'deploy/terraform/variables.tf'), /maxmemory_policy\s*=\s*"allkeys-lru"/, 'maxmemory_policy        = "volatile-lru"');
    const r = await run(root);
    assert.strictEqual(r.code, 1, r.out);
    assert.match(r.out, /var.redis_shared.maxmemory_policy: scaling-config.yaml says "allkeys-lru", variables.tf says "volatile-lru"/);
  });

  it('Terraform parameter group not using the variable', async () => {
    const root = copyInputs();
    editText(path.join(root, 'deploy/terraform/aurora.tf'), 'value        = tostring(var.aurora_premium.max_connections)', 'value        = "5000"');
    const r = await run(root);
    assert.strictEqual(r.code, 1, r.out);
    assert.match(r.out, /aws_db_parameter_group.premium max_connections: scaling-config.yaml says 4000, aurora.tf says "5000"/);
  });

  it('DB pools that no longer fit max_connections', async () => {
    const root = copyInputs();
    editYaml(cfgFile(root), () => true, (c) => { c.workloads['shared-api'].database_pool.writer_per_pod = 40; });
    const r = await run(root);
    assert.strictEqual(r.code, 1, r.out);
    assert.match(r.out, /INVARIANT tier shared: writer connections 4000 \(shared-api: 100 pods \(max 50 \+ 100% surge\) x 40 writer/);
  });

  it('node group too small for the HPA maximum', async () => {
    const root = copyInputs();
    editYaml(cfgFile(root), () => true, (c) => { c.node_groups.premium.max = 4; });
    editText(path.join(root, 'deploy/terraform/variables.tf'), /max_size\s*=\s*9\b/, 'max_size       = 4');
    const r = await run(root);
    assert.strictEqual(r.code, 1, r.out);
    assert.match(r.out, /INVARIANT node group premium: pods at HPA max plus rollout surge \(premium-api 40\) need 7 x m6i.2xlarge/);
  });

  it('Redis working set larger than the node', async () => {
    const root = copyInputs();
    editYaml(cfgFile(root), () => true, (c) => { c.tiers.premium.redis.cache_memory_gib = 48; });
    const r = await run(root);
    assert.strictEqual(r.code, 1, r.out);
    assert.match(r.out, /INVARIANT tier premium: Redis cache_memory_gib 48 > usable 39\.6\d GiB/);
  });

  it('shipped router trust drifting from Terraform', async () => {
    const root = copyInputs();
    const cm = path.join(root, 'deploy/k8s/router/configmap.yaml');
    editText(cm, 'jwks_url: "https://auth.smart-router.example/.well-known/jwks.json"', 'jwks_url: "https://other.example/jwks.json"');
    editText(cm, 'trusted_proxies: ["10.40.0.0/20"]', 'trusted_proxies: ["0.0.0.0/0"]');
    editText(cm, 'listen: "0.0.0.0:9090"', 'listen: ""');
    const r = await run(root);
    assert.strictEqual(r.code, 1, r.out);
    assert.match(r.out, /tiers.trust.jwt.jwks_url vs var.tier_jwt_jwks_url: variables.tf says "https:\/\/auth.smart-router.example\/.well-known\/jwks.json", configmap.yaml says "https:\/\/other.example\/jwks.json"/);
    assert.match(r.out, /server.trusted_proxies vs cidrsubnet\(var.vpc_cidr, 4, 0\).*\["10.40.0.0\/20"\].*\["0.0.0.0\/0"\]/);
    assert.match(r.out, /admin.listen is empty/);
  });

  it('shipped router trusting the X-User-Tier header', async () => {
    const root = copyInputs();
    editText(path.join(root, 'deploy/k8s/router/configmap.yaml'), 'mode: jwt', 'mode: header');
    const r = await run(root);
    assert.strictEqual(r.code, 1, r.out);
    assert.match(r.out, /tiers.trust.mode is header: behind a public ALB only jwt proves a tier/);
  });
});
