# Aurora MySQL 3 (MySQL 8.0): one cluster per infrastructure tier, so that a slow query or a
# connection storm of the 95% on `shared` never touches the `premium` database.
#
# Parameter groups, and why there are two kinds per tier:
#   aws_rds_cluster_parameter_group — cluster-level settings (TLS only, character set, time zone).
#   aws_db_parameter_group          — instance-level settings. max_connections is one of them: in
#     Aurora MySQL it is NOT modifiable in the cluster parameter group, so the connection limit
#     that deploy/config/check-scaling.sh compares with (pool per pod x max replicas) lives here.
#     Each instance (writer and every reader) enforces it separately.
# Sizes (variables.tf defaults, equal to deploy/config/scaling-config.yaml): premium's instances
# are larger than shared's (db.r6g.4xlarge against db.r6g.2xlarge; in redis.tf cache.r6g.2xlarge
# against cache.r6g.xlarge), as the seed has them: premium carries 5% of the users but the
# institutional clients' heaviest queries, and its 50 ms budget leaves no room for a buffer-pool
# miss or a CPU queue. Shared stays at 2xlarge for its connection budget (100 pods at a
# blue-green peak x 20 reader connections + reserve must fit max_connections 3000).
# Credentials: manage_master_user_password = true, so RDS keeps the master password in Secrets
# Manager (encrypted with the tier's KMS key) and it never appears in Terraform state or variables.

resource "aws_db_subnet_group" "aurora" {
  name        = "${local.name}-aurora"
  description = "Data subnets for the Aurora clusters"
  subnet_ids  = aws_subnet.data[*].id

  tags = { Name = "${local.name}-aurora" }
}

# --------------------------------------------------------------------------- KMS

resource "aws_kms_key" "aurora_shared" {
  description             = "${local.name} Aurora shared: storage, Performance Insights, master secret"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30

  tags = { Name = "${local.name}-aurora-shared", Tier = "shared" }
}

resource "aws_kms_alias" "aurora_shared" {
  name          = "alias/${local.name}-aurora-shared"
  target_key_id = aws_kms_key.aurora_shared.key_id
}

resource "aws_kms_key" "aurora_premium" {
  description             = "${local.name} Aurora premium: storage, Performance Insights, master secret"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30

  tags = { Name = "${local.name}-aurora-premium", Tier = "premium" }
}

resource "aws_kms_alias" "aurora_premium" {
  name          = "alias/${local.name}-aurora-premium"
  target_key_id = aws_kms_key.aurora_premium.key_id
}

# --------------------------------------------------------------------------- parameter groups

resource "aws_rds_cluster_parameter_group" "shared" {
  name        = "${local.name}-aurora-shared"
  family      = "aurora-mysql8.0"
  description = "Cluster parameters, shared tier"

  parameter {
    name  = "require_secure_transport"
    value = "ON"
  }
  parameter {
    name  = "character_set_server"
    value = "utf8mb4"
  }
  parameter {
    name  = "collation_server"
    value = "utf8mb4_0900_ai_ci"
  }
  parameter {
    name  = "time_zone"
    value = "UTC"
  }

  tags = { Tier = "shared" }
}

resource "aws_rds_cluster_parameter_group" "premium" {
  name        = "${local.name}-aurora-premium"
  family      = "aurora-mysql8.0"
  description = "Cluster parameters, premium tier"

  parameter {
    name  = "require_secure_transport"
    value = "ON"
  }
  parameter {
    name  = "character_set_server"
    value = "utf8mb4"
  }
  parameter {
    name  = "collation_server"
    value = "utf8mb4_0900_ai_ci"
  }
  parameter {
    name  = "time_zone"
    value = "UTC"
  }

  tags = { Tier = "premium" }
}

resource "aws_db_parameter_group" "shared" {
  name        = "${local.name}-aurora-shared-instance"
  family      = "aurora-mysql8.0"
  description = "Instance parameters, shared tier (max_connections is instance-level)"

  parameter {
    name         = "max_connections"
    value        = tostring(var.aurora_shared.max_connections)
    apply_method = "immediate"
  }
  # Slow-query log at the tier's latency target: a query that alone takes the whole 100 ms budget
  # is worth seeing.
  parameter {
    name         = "slow_query_log"
    value        = "1"
    apply_method = "immediate"
  }
  parameter {
    name         = "long_query_time"
    value        = "0.1"
    apply_method = "immediate"
  }

  tags = { Tier = "shared" }
}

resource "aws_db_parameter_group" "premium" {
  name        = "${local.name}-aurora-premium-instance"
  family      = "aurora-mysql8.0"
  description = "Instance parameters, premium tier (max_connections is instance-level)"

  parameter {
    name         = "max_connections"
    value        = tostring(var.aurora_premium.max_connections)
    apply_method = "immediate"
  }
  parameter {
    name         = "slow_query_log"
    value        = "1"
    apply_method = "immediate"
  }
  parameter {
    name         = "long_query_time"
    value        = "0.05"
    apply_method = "immediate"
  }

  tags = { Tier = "premium" }
}

# --------------------------------------------------------------------------- enhanced monitoring

data "aws_iam_policy_document" "rds_monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "rds_enhanced_monitoring" {
  name               = "${local.name}-rds-enhanced-monitoring"
  assume_role_policy = data.aws_iam_policy_document.rds_monitoring_assume.json
}

resource "aws_iam_role_policy_attachment" "rds_enhanced_monitoring" {
  role       = aws_iam_role.rds_enhanced_monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# --------------------------------------------------------------------------- clusters

resource "aws_rds_cluster" "shared" {
  cluster_identifier = "${local.name}-shared"
  engine             = "aurora-mysql"
  engine_version     = var.aurora_engine_version
  database_name      = "trading"
  master_username    = "sr_admin"

  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.aurora_shared.arn

  db_subnet_group_name            = aws_db_subnet_group.aurora.name
  vpc_security_group_ids          = [aws_security_group.data_store["aurora-shared"].id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.shared.name
  port                            = 3306

  storage_encrypted = true
  kms_key_id        = aws_kms_key.aurora_shared.arn

  backup_retention_period      = var.aurora_shared.backup_retention_days
  preferred_backup_window      = "03:00-04:00"
  preferred_maintenance_window = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot        = true
  deletion_protection          = var.aurora_deletion_protection
  skip_final_snapshot          = false
  final_snapshot_identifier    = "${local.name}-shared-final"

  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["error", "slowquery"]

  tags = { Name = "${local.name}-shared", Tier = "shared" }
}

resource "aws_rds_cluster_instance" "shared" {
  count = var.aurora_shared.instance_count

  identifier         = "${local.name}-shared-${count.index}"
  cluster_identifier = aws_rds_cluster.shared.id
  engine             = aws_rds_cluster.shared.engine
  engine_version     = aws_rds_cluster.shared.engine_version
  instance_class     = var.aurora_shared.instance_class

  db_subnet_group_name    = aws_db_subnet_group.aurora.name
  db_parameter_group_name = aws_db_parameter_group.shared.name
  availability_zone       = local.azs[count.index % var.az_count] # writer and readers in different AZs
  promotion_tier          = count.index
  publicly_accessible     = false
  ca_cert_identifier      = "rds-ca-rsa2048-g1"

  performance_insights_enabled    = true
  performance_insights_kms_key_id = aws_kms_key.aurora_shared.arn
  auto_minor_version_upgrade      = true

  # Enhanced Monitoring: OS metrics (CPU steal, run queue, memory, per-process) every
  # var.aurora_monitoring_interval_seconds, what CloudWatch's 60 s averages hide.
  monitoring_interval = var.aurora_monitoring_interval_seconds
  monitoring_role_arn = aws_iam_role.rds_enhanced_monitoring.arn

  tags = { Name = "${local.name}-shared-${count.index}", Tier = "shared" }
}

resource "aws_rds_cluster" "premium" {
  cluster_identifier = "${local.name}-premium"
  engine             = "aurora-mysql"
  engine_version     = var.aurora_engine_version
  database_name      = "trading"
  master_username    = "sr_admin"

  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.aurora_premium.arn

  db_subnet_group_name            = aws_db_subnet_group.aurora.name
  vpc_security_group_ids          = [aws_security_group.data_store["aurora-premium"].id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.premium.name
  port                            = 3306

  storage_encrypted = true
  kms_key_id        = aws_kms_key.aurora_premium.arn

  backup_retention_period      = var.aurora_premium.backup_retention_days
  preferred_backup_window      = "03:00-04:00"
  preferred_maintenance_window = "sun:05:30-sun:06:30" # not the same hour as shared
  copy_tags_to_snapshot        = true
  deletion_protection          = var.aurora_deletion_protection
  skip_final_snapshot          = false
  final_snapshot_identifier    = "${local.name}-premium-final"

  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["error", "slowquery"]

  tags = { Name = "${local.name}-premium", Tier = "premium" }
}

resource "aws_rds_cluster_instance" "premium" {
  count = var.aurora_premium.instance_count

  identifier         = "${local.name}-premium-${count.index}"
  cluster_identifier = aws_rds_cluster.premium.id
  engine             = aws_rds_cluster.premium.engine
  engine_version     = aws_rds_cluster.premium.engine_version
  instance_class     = var.aurora_premium.instance_class

  db_subnet_group_name    = aws_db_subnet_group.aurora.name
  db_parameter_group_name = aws_db_parameter_group.premium.name
  availability_zone       = local.azs[count.index % var.az_count]
  promotion_tier          = count.index
  publicly_accessible     = false
  ca_cert_identifier      = "rds-ca-rsa2048-g1"

  performance_insights_enabled    = true
  performance_insights_kms_key_id = aws_kms_key.aurora_premium.arn
  auto_minor_version_upgrade      = true

  # Enhanced Monitoring: OS metrics (CPU steal, run queue, memory, per-process) every
  # var.aurora_monitoring_interval_seconds, what CloudWatch's 60 s averages hide.
  monitoring_interval = var.aurora_monitoring_interval_seconds
  monitoring_role_arn = aws_iam_role.rds_enhanced_monitoring.arn

  tags = { Name = "${local.name}-premium-${count.index}", Tier = "premium" }
}
