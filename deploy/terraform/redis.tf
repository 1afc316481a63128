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

resource "aws_kms_key" "redis" {
  description             = "${local.name} ElastiCache at-rest encryption (shared and premium)"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30

  tags = { Name = "${local.name}-redis" }
}

resource "aws_kms_alias" "redis" {
  name          = "alias/${local.name}-redis"
  target_key_id = aws_kms_key.redis.key_id
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
  security_group_ids   = [aws_security_group.redis.id]

  automatic_failover_enabled = true
  multi_az_enabled           = true

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.redis.arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = var.redis_auth_token

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
  security_group_ids   = [aws_security_group.redis.id]

  automatic_failover_enabled = true
  multi_az_enabled           = true

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.redis.arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = var.redis_auth_token

  snapshot_retention_limit   = 7
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:07:30-sun:08:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = { Name = "${local.name}-premium", Tier = "premium" }
}
