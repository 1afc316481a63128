# ElastiCache for Redis OSS: one replication group per infrastructure tier (cluster mode off:
# one primary + replicas, automatic failover across AZs). Eviction policy and reserved memory come
# from the per-tier variables and are checked against deploy/config/scaling-config.yaml.

locals {
  redis_family = "redis${split(".", var.redis_engine_version)[0]}" # 7.1 -> redis7
}

resource "aws_elasticache_subnet_group" "redis" {
  name        = "${local.name}-redis"
  description = "Data subnets for the Redis replication groups"
  subnet_ids  = aws_subnet.data[*].id
}

# Per tier: its own KMS key (at rest and the AUTH token's secret), its own AUTH token and its own
# security group (security_groups.tf): a leaked shared-tier credential or a compromised shared
# node opens nothing of premium's cache.
resource "aws_kms_key" "redis" {
  for_each = toset(["shared", "premium"])

  description             = "${local.name} ElastiCache ${each.key}: at-rest encryption and the AUTH token secret"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30

  tags = { Name = "${local.name}-redis-${each.key}", Tier = each.key }
}

resource "aws_kms_alias" "redis" {
  for_each = aws_kms_key.redis

  name          = "alias/${local.name}-redis-${each.key}"
  target_key_id = each.value.key_id
}

# AUTH tokens: one per tier, drawn by Secrets Manager and kept in a secret per tier (encrypted
# with the tier's key), from which the tier's pods read it (External Secrets -> the tier's
# <tier>-api-secrets REDIS_URL). The generator is a data source and draws new values at every
# plan; the secret version ignores that change, so each token stays what it was at creation.
# Rotate on purpose: terraform apply -replace='aws_secretsmanager_secret_version.redis_auth["premium"]'
# draws a new token; auth_token_update_strategy ROTATE keeps the old one valid beside it until
# the pods have read the new secret. '@', '"', '/' and spaces, which ElastiCache refuses in a
# token, are excluded with the punctuation.
data "aws_secretsmanager_random_password" "redis_auth" {
  for_each = toset(["shared", "premium"])

  password_length     = 64
  exclude_punctuation = true
  include_space       = false
}

resource "aws_secretsmanager_secret" "redis_auth" {
  for_each = aws_kms_key.redis

  name        = "${local.name}/redis/${each.key}/auth-token"
  description = "AUTH token of the ${each.key} tier's ElastiCache replication group"
  kms_key_id  = each.value.arn

  tags = { Tier = each.key }
}

resource "aws_secretsmanager_secret_version" "redis_auth" {
  for_each = aws_secretsmanager_secret.redis_auth

  secret_id     = each.value.id
  secret_string = data.aws_secretsmanager_random_password.redis_auth[each.key].random_password

  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_elasticache_parameter_group" "shared" {
  name        = "${local.name}-redis-shared"
  family      = local.redis_family
  description = "Redis parameters, shared tier"

  parameter {
    name  = "maxmemory-policy"
    value = var.redis_shared.maxmemory_policy
  }
  parameter {
    name  = "reserved-memory-percent"
    value = tostring(var.redis_shared.reserved_memory_percent)
  }

  tags = { Tier = "shared" }
}

resource "aws_elasticache_parameter_group" "premium" {
  name        = "${local.name}-redis-premium"
  family      = local.redis_family
  description = "Redis parameters, premium tier"

  parameter {
    name  = "maxmemory-policy"
    value = var.redis_premium.maxmemory_policy
  }
  parameter {
    name  = "reserved-memory-percent"
    value = tostring(var.redis_premium.reserved_memory_percent)
  }

  tags = { Tier = "premium" }
}

resource "aws_elasticache_replication_group" "shared" {
  replication_group_id = "${local.name}-shared"
  description          = "Redis cache, shared tier (LITE, PRO)"
  engine               = "redis"
  engine_version       = var.redis_engine_version
  node_type            = var.redis_shared.node_type
  num_cache_clusters   = var.redis_shared.num_cache_clusters
  port                 = 6379
  parameter_group_name = aws_elasticache_parameter_group.shared.name
  subnet_group_name    = aws_elasticache_subnet_group.redis.name
  security_group_ids   = [aws_security_group.data_store["redis-shared"].id]

  automatic_failover_enabled = true
  multi_az_enabled           = true

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.redis["shared"].arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = aws_secretsmanager_secret_version.redis_auth["shared"].secret_string
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit   = 3
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:06:30-sun:07:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = { Name = "${local.name}-shared", Tier = "shared" }
}

resource "aws_elasticache_replication_group" "premium" {
  replication_group_id = "${local.name}-premium"
  description          = "Redis cache, premium tier (ELITE, BLACK, OBSIDIAN, VOID)"
  engine               = "redis"
  engine_version       = var.redis_engine_version
  node_type            = var.redis_premium.node_type
  num_cache_clusters   = var.redis_premium.num_cache_clusters
  port                 = 6379
  parameter_group_name = aws_elasticache_parameter_group.premium.name
  subnet_group_name    = aws_elasticache_subnet_group.redis.name
  security_group_ids   = [aws_security_group.data_store["redis-premium"].id]

  automatic_failover_enabled = true
  multi_az_enabled           = true

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.redis["premium"].arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = aws_secretsmanager_secret_version.redis_auth["premium"].secret_string
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit   = 7
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:07:30-sun:08:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = { Name = "${local.name}-premium", Tier = "premium" }
}
