#!/usr/bin/env node
'use strict';
// check-terraform.js DIR — offline static checks of a Terraform module (no terraform binary, no
// provider download). Exit 0 when clean, 1 on any error, 2 on a usage problem.
//
// Checks:
//   parse      every *.tf parses (HashiCorp HCL parser via @cdktf/hcl2json)
//   refs       every var.X, local.X, TYPE.NAME, data.TYPE.NAME, module.X points at a declaration;
//              count.* / each.* only inside blocks with count / for_each; a resource with
//              count/for_each is indexed before its attributes, one without is not indexed
//   variables  description and type on every variable; validation blocks complete, their
//              condition refers to no other variable (Terraform < 1.9 rejects that)
//   outputs    description and value on every output
//   duplicates no resource, data source, variable, output, module or local declared twice
//   pins       required_version >= 1.5; every provider in required_providers has a source and a
//              bounded version constraint; aws pinned with ~> 5.x; every provider used is required
//   policy     the project's invariants (TLS 1.3 listener policy, encryption, KMS rotation,
//              Redis failover, EKS node-group labels/taint, /health target-group checks,
//              no `srm_enabled`, vpc-cni with enableNetworkPolicy, no KMS key, security group
//              or AUTH token shared by two tiers' data stores)
// Warnings (do not fail): unused variables and locals.

const path = require('path');
const { loadModule, referencesIn, prefetch, lineOf, literal, soleVarRef, isExpression } = require('./lib/hcl');

const BUILTIN_ROOTS = new Set(['path', 'terraform', 'self']);

class Report {
  constructor(dir) { this.dir = dir; this.errors = []; this.warnings = []; }
  where(file, line) { return `${path.relative(process.cwd(), file) || file}${line ? `:${line}` : ''}`; }
  error(file, line, msg) { this.errors.push({ file, line, text: `${this.where(file, line)}: error: ${msg}` }); }
  warn(file, line, msg) { this.warnings.push({ file, line, text: `${this.where(file, line)}: warning: ${msg}` }); }
  sorted(list) { return [...list].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line || 0) - (b.line || 0))).map((x) => x.text); }
}

function first(body, key) {
  const v = body ? body[key] : undefined;
  return Array.isArray(v) && v.length && typeof v[0] === 'object' && !Array.isArray(v[0]) ? v[0] : v;
}

// Walk a block body, yielding every string with its attribute path and the dynamic-block
// iterator names in scope. Skips what holds no expressions to resolve.
function* strings(value, trail, scoped) {
  if (typeof value === 'string') { yield { str: value, trail, scoped }; return; }
  if (Array.isArray(value)) { for (const v of value) yield* strings(v, trail, scoped); return; }
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'lifecycle') {
      // ignore_changes lists attribute names, not references; the rest is ordinary
      for (const lc of [].concat(v)) {
        for (const [lk, lv] of Object.entries(lc || {})) {
          if (lk !== 'ignore_changes') yield* strings(lv, trail.concat('lifecycle', lk), scoped);
        }
      }
      continue;
    }
    if (k === 'dynamic' && typeof v === 'object' && !Array.isArray(v)) {
      for (const [label, dyns] of Object.entries(v)) {
        for (const d of [].concat(dyns)) {
          const iterator = typeof d.iterator === 'string' && !isExpression(d.iterator) ? d.iterator : label;
          if (d.for_each !== undefined) yield* strings(d.for_each, trail.concat('dynamic', label, 'for_each'), scoped);
          yield* strings(d.content, trail.concat('dynamic', label, 'content'), scoped.concat(iterator));
        }
      }
      continue;
    }
    yield* strings(v, trail.concat(k), scoped);
  }
}

function bump(map, key) { map.set(key, (map.get(key) || 0) + 1); }

async function checkModule(dir, report) {
  const mod = await loadModule(dir);
  if (mod.files.length === 0) {
    report.error(dir, 0, 'no .tf files found');
    return mod;
  }
  for (const f of mod.files) if (f.error) report.error(f.file, 0, `does not parse: ${f.error}`);

  // ------------------------------------------------------------------ declarations
  const decl = { resource: new Map(), data: new Map(), variable: new Map(), output: new Map(), module: new Map(), local: new Map() };
  const providerAliases = new Set();
  let terraformBlocks = [];
  for (const b of mod.blocks) {
    if (b.unknown) { report.error(b.file, 0, `unknown top-level block "${b.kind}"`); continue; }
    if (b.kind === 'resource') (decl.resource.get(b.key) || decl.resource.set(b.key, []).get(b.key)).push(b);
    if (b.kind === 'data') (decl.data.get(b.key) || decl.data.set(b.key, []).get(b.key)).push(b);
    if (b.kind === 'variable') (decl.variable.get(b.name) || decl.variable.set(b.name, []).get(b.name)).push(b);
    if (b.kind === 'output') (decl.output.get(b.name) || decl.output.set(b.name, []).get(b.name)).push(b);
    if (b.kind === 'module') (decl.module.get(b.name) || decl.module.set(b.name, []).get(b.name)).push(b);
    if (b.kind === 'locals') {
      for (const [name, value] of Object.entries(b.body)) {
        (decl.local.get(name) || decl.local.set(name, []).get(name)).push({ ...b, name, value });
      }
    }
    if (b.kind === 'provider') {
      const alias = literal(b.body.alias);
      providerAliases.add(alias ? `${b.name}.${alias}` : b.name);
    }
    if (b.kind === 'terraform') terraformBlocks.push(b);
  }
  const labels = { resource: 'resource', data: 'data source', variable: 'variable', output: 'output', module: 'module', local: 'local value' };
  for (const [kind, map] of Object.entries(decl)) {
    for (const [name, list] of map) {
      if (list.length > 1) {
        const where = list.map((b) => path.basename(b.file)).join(', ');
        report.error(list[1].file, lineOf(list[1].file && mod.files.find((f) => f.file === list[1].file).text, name.split('.').pop()),
          `duplicate ${labels[kind]} "${name}" (declared ${list.length} times: ${where})`);
      }
    }
  }

  // ------------------------------------------------------------------ references
  const used = { variable: new Map(), local: new Map() };
  const textOf = (file) => (mod.files.find((f) => f.file === file) || {}).text;

  async function resolveAll(block, body, extraScoped = []) {
    const where = block.key;
    const hasCount = body.count !== undefined;
    const hasForEach = body.for_each !== undefined;
    for (const { str, trail, scoped } of strings(body, [], extraScoped)) {
      if (block.kind === 'variable' && (trail[0] === 'type' || trail[0] === 'validation')) continue;
      if (trail[0] === 'provider' && (block.kind === 'resource' || block.kind === 'data' || block.kind === 'module')) {
        const m = /^\$\{([\w-]+(?:\.[\w-]+)?)\}$/.exec(str);
        if (m && !providerAliases.has(m[1])) report.error(block.file, lineOf(textOf(block.file), m[1]), `${where}: provider "${m[1]}" is not configured (no provider block with that alias)`);
        continue;
      }
      const refs = await referencesIn(str);
      if (refs.error) {
        report.error(block.file, 0, `${where}.${trail.join('.')}: expression does not parse: ${refs.error}`);
        continue;
      }
      for (const r of refs) {
        const line = lineOf(textOf(block.file), r.text);
        const p = r.parts;
        const name = (i) => (p[i] && p[i].kind === 'name' ? p[i].value : null);
        if (scoped.includes(r.root)) continue;
        if (BUILTIN_ROOTS.has(r.root)) continue;
        if (r.root === 'count') {
          if (!hasCount) report.error(block.file, line, `${where}: "${r.text}" used in a block without count`);
          continue;
        }
        if (r.root === 'each') {
          if (!hasForEach) report.error(block.file, line, `${where}: "${r.text}" used in a block without for_each`);
          continue;
        }
        if (r.root === 'var') {
          if (!decl.variable.has(name(1))) report.error(block.file, line, `${where}: reference to undeclared variable "var.${name(1)}"`);
          else bump(used.variable, name(1));
          continue;
        }
        if (r.root === 'local') {
          if (!decl.local.has(name(1))) report.error(block.file, line, `${where}: reference to undeclared local value "local.${name(1)}"`);
          else bump(used.local, name(1));
          continue;
        }
        if (r.root === 'module') {
          if (!decl.module.has(name(1))) report.error(block.file, line, `${where}: reference to undeclared module "module.${name(1)}"`);
          continue;
        }
        if (r.root === 'data') {
          const key = `data.${name(1)}.${name(2)}`;
          if (!decl.data.has(key)) report.error(block.file, line, `${where}: reference to undeclared data source "${key}"`);
          else checkIndexing(decl.data.get(key)[0], p.slice(3), key, block, line);
          continue;
        }
        if (/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(r.root)) {
          const key = `${r.root}.${name(1)}`;
          if (!name(1)) report.error(block.file, line, `${where}: "${r.text}" names a resource type without a resource name`);
          else if (!decl.resource.has(key)) report.error(block.file, line, `${where}: reference to undeclared resource "${key}"`);
          else checkIndexing(decl.resource.get(key)[0], p.slice(2), key, block, line);
          continue;
        }
        report.error(block.file, line, `${where}: unknown reference "${r.text}" (not var., local., data., module., a resource, or a for/dynamic iterator)`);
      }
    }
  }

  function checkIndexing(target, rest, key, block, line) {
    const multi = target.body.count !== undefined || target.body.for_each !== undefined;
    if (rest.length === 0) return; // whole object / list: fine either way (depends_on, splat sources)
    if (multi && rest[0].kind === 'name') {
      report.error(block.file, line, `${block.key}: "${key}.${rest[0].value}" — ${key} has count/for_each, index it first (${key}[0].${rest[0].value} or ${key}[*].${rest[0].value})`);
    }
    if (!multi && rest[0].kind === 'index') {
      report.error(block.file, line, `${block.key}: "${key}[...]" — ${key} has no count/for_each and cannot be indexed`);
    }
  }

  // parse every expression of the module in a few batched calls
  const all = [];
  for (const b of mod.blocks) for (const { str } of strings(b.body, [], [])) all.push(str);
  await prefetch(all);

  for (const b of mod.blocks) {
    if (b.unknown || b.kind === 'terraform' || b.kind === 'moved' || b.kind === 'removed' || b.kind === 'import') continue;
    if (b.kind === 'locals') {
      for (const [name, value] of Object.entries(b.body)) await resolveAll({ ...b, key: `local.${name}` }, { [name]: value });
      continue;
    }
    await resolveAll(b, b.body);
  }

  // ------------------------------------------------------------------ variables and outputs
  for (const [name, list] of decl.variable) {
    const b = list[0];
    const line = lineOf(textOf(b.file), `variable "${name}"`);
    if (typeof b.body.description !== 'string' || !b.body.description.trim()) report.error(b.file, line, `variable "${name}" has no description`);
    if (b.body.type === undefined) report.error(b.file, line, `variable "${name}" has no type`);
    for (const v of [].concat(b.body.validation || [])) {
      if (v.condition === undefined) { report.error(b.file, line, `variable "${name}": validation without condition`); continue; }
      if (typeof v.error_message !== 'string' || !v.error_message.trim()) {
        report.error(b.file, line, `variable "${name}": validation without error_message`);
      } else if (!/^[A-Z]/.test(v.error_message) || !/[.?]$/.test(v.error_message.trim())) {
        report.error(b.file, line, `variable "${name}": error_message must be a sentence (capital first letter, ending with "." or "?")`);
      }
      const refs = await referencesIn(typeof v.condition === 'string' ? v.condition : String(v.condition));
      if (refs.error) { report.error(b.file, line, `variable "${name}": validation condition does not parse: ${refs.error}`); continue; }
      const self = refs.filter((r) => r.root === 'var' && r.parts[1] && r.parts[1].value === name);
      const others = refs.filter((r) => ['var', 'local', 'data', 'module'].includes(r.root) && !(r.root === 'var' && r.parts[1] && r.parts[1].value === name));
      if (self.length === 0) report.error(b.file, line, `variable "${name}": validation condition does not refer to var.${name}`);
      for (const o of others) report.error(b.file, lineOf(textOf(b.file), o.text), `variable "${name}": validation condition refers to "${o.text}" (Terraform < 1.9 allows only var.${name}; use a precondition instead)`);
    }
    if (!used.variable.has(name)) report.warn(b.file, line, `variable "${name}" is declared but never used`);
  }
  for (const [name, list] of decl.local) {
    if (!used.local.has(name)) report.warn(list[0].file, lineOf(textOf(list[0].file), name), `local value "${name}" is declared but never used`);
  }
  for (const [name, list] of decl.output) {
    const b = list[0];
    const line = lineOf(textOf(b.file), `output "${name}"`);
    if (typeof b.body.description !== 'string' || !b.body.description.trim()) report.error(b.file, line, `output "${name}" has no description`);
    if (b.body.value === undefined) report.error(b.file, line, `output "${name}" has no value`);
  }

  // ------------------------------------------------------------------ version pins
  checkPins(mod, terraformBlocks, decl, report, textOf);

  // ------------------------------------------------------------------ project policy
  checkPolicy(mod, decl, report, textOf);

  // local child modules are modules of their own
  for (const [name, list] of decl.module) {
    const src = literal(list[0].body.source);
    if (typeof src === 'string' && (src.startsWith('./') || src.startsWith('../'))) {
      await checkModule(path.resolve(dir, src), report);
    } else if (src === undefined) {
      report.error(list[0].file, 0, `module "${name}" has no source`);
    } else if (!list[0].body.version && !/[?&]ref=/.test(src)) {
      report.error(list[0].file, 0, `module "${name}" from "${src}" is not pinned (set version, or ?ref= for git sources)`);
    }
  }
  return { mod, decl };
}

function versionAtLeast(constraint, major, minor) {
  // true when every version the constraint admits is >= major.minor (looks at >=, ~> and = parts)
  const parts = String(constraint).split(',').map((s) => s.trim());
  for (const p of parts) {
    const m = /^(>=|~>|=)?\s*(\d+)(?:\.(\d+))?/.exec(p);
    if (!m || (m[1] && !['>=', '~>', '='].includes(m[1]))) continue;
    const ma = Number(m[2]); const mi = Number(m[3] || 0);
    if (ma > major || (ma === major && mi >= minor)) return true;
  }
  return false;
}

function checkPins(mod, terraformBlocks, decl, report, textOf) {
  if (terraformBlocks.length === 0) {
    report.error(mod.dir, 0, 'no terraform {} block: required_version and required_providers must be set');
    return;
  }
  const tb = terraformBlocks.find((b) => b.body.required_version !== undefined) || terraformBlocks[0];
  const rv = tb.body.required_version;
  if (rv === undefined) report.error(tb.file, 0, 'terraform.required_version is not set');
  else if (!versionAtLeast(rv, 1, 5)) report.error(tb.file, lineOf(textOf(tb.file), 'required_version'), `terraform.required_version "${rv}" must require >= 1.5`);

  const required = {};
  for (const b of terraformBlocks) {
    for (const rp of [].concat(b.body.required_providers || [])) Object.assign(required, rp);
  }
  for (const [name, spec] of Object.entries(required)) {
    const line = lineOf(textOf(tb.file), `${name} = {`) || lineOf(textOf(tb.file), name);
    if (typeof spec !== 'object' || !spec.source) report.error(tb.file, line, `required_providers.${name} has no source`);
    const v = spec && spec.version;
    if (!v) { report.error(tb.file, line, `required_providers.${name} has no version constraint (pin it, e.g. "~> 5.70")`); continue; }
    if (!/~>|<|^\s*=?\s*\d+\.\d+\.\d+\s*$/.test(v)) report.error(tb.file, line, `required_providers.${name} version "${v}" has no upper bound (use ~> or <)`);
  }
  const aws = required.aws;
  if (aws && aws.version && !/~>\s*5\.\d+/.test(aws.version)) {
    report.error(tb.file, lineOf(textOf(tb.file), 'version'), `required_providers.aws version "${aws.version}" must be a pessimistic 5.x pin ("~> 5.<minor>")`);
  }
  const usedProviders = new Set();
  for (const key of [...decl.resource.keys(), ...[...decl.data.keys()].map((k) => k.slice(5))]) {
    const type = key.split('.')[0];
    if (type === 'terraform_data') continue; // built into Terraform itself
    usedProviders.add(type.split('_')[0]);
  }
  for (const p of usedProviders) {
    if (!required[p]) report.error(tb.file, 0, `provider "${p}" is used but not listed in required_providers (unpinned)`);
  }
}

// ---------------------------------------------------------------------------- policy

function resolveValue(v, decl) {
  // literal, or "${var.x}" / "${var.x.field}" resolved to the variable's default
  if (v === undefined) return { known: false };
  const ref = soleVarRef(v);
  if (ref) {
    const vb = decl.variable.get(ref.name);
    if (!vb || vb[0].body.default === undefined) return { known: false, expr: v };
    let d = vb[0].body.default;
    for (const k of ref.path) d = d && typeof d === 'object' ? d[k] : undefined;
    return d === undefined ? { known: false, expr: v } : { known: true, value: d, via: `var.${[ref.name, ...ref.path].join('.')}` };
  }
  if (isExpression(v)) return { known: false, expr: v };
  return { known: true, value: v };
}

function checkPolicy(mod, decl, report, textOf) {
  const resources = (type) => [...decl.resource.entries()].filter(([k]) => k.startsWith(`${type}.`)).map(([k, l]) => ({ key: k, b: l[0] }));
  const at = (b, needle) => lineOf(textOf(b.file), needle);
  const fail = (b, needle, msg) => report.error(b.file, at(b, needle), msg);

  for (const { key, b } of resources('aws_lb_listener')) {
    const proto = resolveValue(b.body.protocol, decl);
    if (proto.known && proto.value === 'HTTPS') {
      const pol = resolveValue(b.body.ssl_policy, decl);
      if (b.body.ssl_policy === undefined) fail(b, `"${b.name}"`, `${key}: HTTPS listener without ssl_policy (the ALB default is the 2016 policy)`);
      else if (pol.known && !/^ELBSecurityPolicy-TLS13-/.test(pol.value)) fail(b, 'ssl_policy', `${key}: ssl_policy "${pol.value}" is not a TLS 1.3 policy (use ELBSecurityPolicy-TLS13-1-2-2021-06)`);
      if (b.body.certificate_arn === undefined) fail(b, `"${b.name}"`, `${key}: HTTPS listener without certificate_arn`);
    }
  }
  for (const { key, b } of resources('aws_instance')) {
    if (b.body.srm_enabled !== undefined) fail(b, 'srm_enabled', `${key}: "srm_enabled" is not an aws_instance argument (ENA is implicit on Nitro types; ENA Express is launch template network_interfaces.ena_srd_specification)`);
  }
  for (const { key, b } of resources('aws_rds_cluster')) {
    if (b.body.storage_encrypted !== true) fail(b, `"${b.name}"`, `${key}: storage_encrypted must be true`);
    if (b.body.kms_key_id === undefined) fail(b, `"${b.name}"`, `${key}: kms_key_id must name a customer-managed KMS key`);
    const br = resolveValue(b.body.backup_retention_period, decl);
    if (b.body.backup_retention_period === undefined || (br.known && Number(br.value) < 1)) fail(b, `"${b.name}"`, `${key}: backup_retention_period must be set and >= 1`);
    if (b.body.skip_final_snapshot === true) fail(b, 'skip_final_snapshot', `${key}: skip_final_snapshot must not be true`);
  }
  for (const { key, b } of resources('aws_kms_key')) {
    if (b.body.enable_key_rotation !== true) fail(b, `"${b.name}"`, `${key}: enable_key_rotation must be true`);
  }
  for (const { key, b } of resources('aws_elasticache_replication_group')) {
    for (const attr of ['at_rest_encryption_enabled', 'transit_encryption_enabled', 'automatic_failover_enabled']) {
      if (b.body[attr] !== true) fail(b, `"${b.name}"`, `${key}: ${attr} must be true`);
    }
    if (b.body.parameter_group_name === undefined) fail(b, `"${b.name}"`, `${key}: parameter_group_name must be set (maxmemory-policy lives there)`);
  }
  for (const { key, b } of resources('aws_elasticache_parameter_group')) {
    const params = [].concat(b.body.parameter || []);
    if (!params.some((p) => p.name === 'maxmemory-policy')) fail(b, `"${b.name}"`, `${key}: must set maxmemory-policy`);
  }
  for (const { key, b } of resources('aws_lb_target_group')) {
    const hc = first(b.body, 'health_check');
    const p = resolveValue(hc && hc.path, decl);
    if (!hc || hc.path === undefined) fail(b, `"${b.name}"`, `${key}: health_check.path must be set (smart-router answers /health)`);
    else if (p.known && p.value !== '/health') fail(b, 'path', `${key}: health_check.path is "${p.value}", smart-router answers /health`);
  }
  // Enforced NetworkPolicies: the VPC CNI add-on must turn its policy agent on.
  for (const { key, b } of resources('aws_eks_addon')) {
    if (b.body.addon_name !== 'vpc-cni') continue;
    if (!/enableNetworkPolicy\s*[=:]\s*"?true/.test(String(b.body.configuration_values || ''))) {
      fail(b, `"${b.name}"`, `${key}: vpc-cni needs configuration_values with enableNetworkPolicy = "true", or every NetworkPolicy is ignored`);
    }
  }
  // Tier isolation: no two data stores of one kind share a key, a security group or a token.
  const isolated = { aws_rds_cluster: ['kms_key_id', 'vpc_security_group_ids', 'master_user_secret_kms_key_id'], aws_elasticache_replication_group: ['kms_key_id', 'security_group_ids', 'auth_token'] };
  for (const [type, attrs] of Object.entries(isolated)) {
    const stores = resources(type);
    for (const attr of attrs) {
      const seen = new Map();
      for (const { key, b } of stores) {
        if (b.body[attr] === undefined) continue;
        const v = JSON.stringify(b.body[attr]);
        if (seen.has(v)) fail(b, attr, `${key}: ${attr} is the same as ${seen.get(v)}'s: each tier's data store needs its own`);
        else seen.set(v, key);
      }
    }
  }
  const groups = resources('aws_eks_node_group');
  for (const { key, b } of groups) {
    const labels = b.body.labels || {};
    const nodeType = labels['node-type'];
    if (!nodeType) { fail(b, `"${b.name}"`, `${key}: labels must carry node-type (shared, premium or router)`); continue; }
    const taints = [].concat(b.body.taint || []);
    const premiumTaint = taints.find((t) => t.key === 'premium-only');
    if (nodeType === 'premium') {
      if (!premiumTaint || premiumTaint.value !== 'true' || premiumTaint.effect !== 'NO_SCHEDULE') {
        fail(b, `"${b.name}"`, `${key}: the premium node group must carry the taint premium-only=true with effect NO_SCHEDULE`);
      }
    } else if (premiumTaint) {
      fail(b, 'premium-only', `${key}: only the premium node group may carry the premium-only taint`);
    }
  }
  if (groups.length) {
    const types = new Set(groups.map(({ b }) => (b.body.labels || {})['node-type']));
    for (const t of ['shared', 'premium']) if (!types.has(t)) report.error(groups[0].b.file, 0, `no aws_eks_node_group with label node-type=${t}`);
  }
}

async function main() {
  const dir = path.resolve(process.argv[2] || '.');
  const report = new Report(dir);
  let info;
  try {
    info = await checkModule(dir, report);
  } catch (e) {
    console.error(`check-terraform: internal error: ${e.stack || e}`);
    process.exit(2);
  }
  for (const w of report.sorted(report.warnings)) console.log(w);
  for (const e of report.sorted(report.errors)) console.log(e);
  const d = info.decl || {};
  const count = (m) => (m ? m.size : 0);
  const summary = `check-terraform: ${info.mod.files.length} files, ${count(d.resource)} resources, ${count(d.data)} data sources, `
    + `${count(d.variable)} variables, ${count(d.output)} outputs: ${report.errors.length} errors, ${report.warnings.length} warnings`;
  console.log(summary);
  process.exit(report.errors.length ? 1 : 0);
}

if (require.main === module) main();
module.exports = { checkModule, Report, resolveValue };
