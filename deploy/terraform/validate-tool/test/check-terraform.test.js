'use strict';
// node --test: the checker accepts a clean module and reports each planted mistake.
const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const { execFileSync } = require('child_process');

const tool = path.join(__dirname, '..', 'check-terraform.js');
function run(dir) {
  try {
    return { code: 0, out: execFileSync(process.execPath, [tool, dir], { encoding: 'utf8' }) };
  } catch (e) {
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

test('clean module passes', () => {
  const r = run(path.join(__dirname, 'fixtures', 'good'));
  assert.strictEqual(r.code, 0, r.out);
  assert.match(r.out, /0 errors, 0 warnings/);
});

test('planted mistakes are all reported', () => {
  const r = run(path.join(__dirname, 'fixtures', 'bad'));
  assert.strictEqual(r.code, 1, r.out);
  const expected = [
    /required_version ">= 1.3.0" must require >= 1.5/,
    /required_providers.aws has no version constraint/,
    /provider "random" is used but not listed in required_providers/,
    /variable "no_description" has no description/,
    /variable "no_type" has no type/,
    /error_message must be a sentence/,
    /validation condition refers to "var.no_description"/,
    /undeclared variable "var.undeclared_cidr"/,
    /undeclared resource "aws_vpc.mian"/,
    /undeclared local value "local.missing"/,
    /"each.key" used in a block without for_each/,
    /aws_subnet.private has count\/for_each, index it first/,
    /"srm_enabled" is not an aws_instance argument/,
    /not a TLS 1.3 policy/,
    /HTTPS listener without certificate_arn/,
    /undeclared data source "data.aws_ami.nope"/,
    /aws_kms_key.k: enable_key_rotation must be true/,
    /output "no_desc" has no description/,
    /aws_vpc.main has no count\/for_each and cannot be indexed/,
    /duplicate resource "aws_vpc.main"/,
    /aws_eks_addon.cni: vpc-cni needs configuration_values with enableNetworkPolicy/,
    /aws_elasticache_replication_group.two: kms_key_id is the same as aws_elasticache_replication_group.one's/,
    /aws_elasticache_replication_group.two: auth_token is the same as aws_elasticache_replication_group.one's/,
  ];
  for (const re of expected) assert.match(r.out, re);
});

test('the real module passes', () => {
  const r = run(path.join(__dirname, '..', '..'));
  assert.strictEqual(r.code, 0, r.out);
});
