# Inputs. Every variable has a description and a type; validations catch what AWS would only
# reject at apply time (or, worse, accept). Defaults are the production values; the per-tier
# sizing defaults are also written in deploy/config/scaling-config.yaml and
# deploy/config/check-scaling.sh fails when the two drift apart.

# --------------------------------------------------------------------------- general

variable "project" {
  description = "Project name, used as the prefix of every resource name."
  type        = string
  default     = "smart-router"

  validation {
    # 12 characters at most: "<project>-<environment>-premium" must fit the 32-character limit of
    # ALB and target group names.
    condition     = can(regex("^[a-z][a-z0-9-]{1,10}[a-z0-9]$", var.project))
    error_message = "Invalid value: project must be 3-12 characters of lowercase letters, digits and '-', starting with a letter (ALB/target group names are limited to 32 characters)."
  }
}

variable "environment" {
  description = "Deployment environment; part of every resource name."
  type        = string
  default     = "prod"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "Invalid value: environment must be one of: dev, staging, prod."
  }
}

variable "region" {
  description = "AWS region to deploy into. ap-south-1 (Mumbai): the platform serves Indian markets and its colocation hosts belong next to NSE and BSE, both in Mumbai. ap-south-1's own Availability Zones are in Mumbai; its two Local Zones are Delhi (ap-south-1-del-1a) and Kolkata (ap-south-1-ccu-1a), both farther from the exchanges (see colocation.tf)."
  type        = string
  default     = "ap-south-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "Invalid value: region must look like an AWS region name, e.g. ap-south-1."
  }
}

variable "tags" {
  description = "Extra tags added to every resource (on top of Project, Environment, ManagedBy)."
  type        = map(string)
  default     = {}
}

# --------------------------------------------------------------------------- network

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC. Split into public /22-equivalents, data /22-equivalents and private /19-equivalents per AZ (see vpc.tf)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "Invalid value: vpc_cidr must be a valid IPv4 CIDR with a prefix length between /16 and /20."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread subnets, NAT gateways, nodes and databases over."
  type        = number
  default     = 3

  validation {
    # >= 2: ALB, Aurora subnet groups and ElastiCache multi-AZ need two zones.
    # <= 4: the subnet plan in vpc.tf has room for four zones.
    condition     = var.az_count >= 2 && var.az_count <= 4 && floor(var.az_count) == var.az_count
    error_message = "Invalid value: az_count must be a whole number from 2 to 4."
  }
}

variable "single_nat_gateway" {
  description = "true: one NAT gateway for all private subnets (cheaper, but one AZ's outage cuts egress for all). false: one NAT gateway per AZ."
  type        = bool
  default     = false
}

# --------------------------------------------------------------------------- ALB

variable "certificate_arn" {
  description = "ARN of the ACM certificate for the HTTPS listener (must be in the same region as the ALB)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$", var.certificate_arn))
    error_message = "Invalid value: certificate_arn must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<id>."
  }
}

variable "alb_ssl_policy" {
  description = "TLS security policy of the HTTPS listener. TLS 1.3 policies only; the older ELBSecurityPolicy-2016-08 / -TLS-1-2-2017-01 policies are refused."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-TLS13-", var.alb_ssl_policy))
    error_message = "Invalid value: alb_ssl_policy must be a TLS 1.3 policy (ELBSecurityPolicy-TLS13-*), e.g. ELBSecurityPolicy-TLS13-1-2-2021-06."
  }
}

variable "alb_ingress_cidrs" {
  description = "IPv4 CIDRs allowed to reach the ALB on ports 80 and 443."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.alb_ingress_cidrs) > 0 && alltrue([for c in var.alb_ingress_cidrs : can(cidrhost(c, 0))])
    error_message = "Invalid value: alb_ingress_cidrs must be a non-empty list of valid IPv4 CIDRs."
  }
}

variable "alb_idle_timeout_seconds" {
  description = "ALB idle timeout. Must stay below the router's keep-alive idle timeout (server.limits.idle_timeout_ms, 60000 ms by default) so the ALB, not the router, closes idle connections; otherwise the ALB can send a request on a connection the router is closing and answer 502."
  type        = number
  default     = 50

  validation {
    condition     = var.alb_idle_timeout_seconds >= 1 && var.alb_idle_timeout_seconds < 60
    error_message = "Invalid value: alb_idle_timeout_seconds must be 1-59 (below the router's 60 s keep-alive idle timeout)."
  }
}

variable "alb_deletion_protection" {
  description = "Protect the ALB from deletion (turn off only to tear an environment down)."
  type        = bool
  default     = true
}

variable "alb_access_logs_bucket" {
  description = "S3 bucket for ALB access logs; empty string disables access logs."
  type        = string
  default     = ""

  validation {
    condition     = var.alb_access_logs_bucket == "" || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.alb_access_logs_bucket))
    error_message = "Invalid value: alb_access_logs_bucket must be empty or a valid S3 bucket name."
  }
}

variable "router_port" {
  description = "Port smart-router listens on in its pods (server.listen in config/router.yaml, EXPOSE in the Dockerfile)."
  type        = number
  default     = 8080

  validation {
    condition     = var.router_port >= 1024 && var.router_port <= 65535
    error_message = "Invalid value: router_port must be an unprivileged port, 1024-65535 (the router runs as uid 10001)."
  }
}

variable "router_health_check_path" {
  description = "Path the ALB target groups probe. smart-router answers GET /health with 200, and 503 while draining."
  type        = string
  default     = "/health"

  validation {
    condition     = startswith(var.router_health_check_path, "/") && length(var.router_health_check_path) <= 1024
    error_message = "Invalid value: router_health_check_path must start with '/' and be at most 1024 characters."
  }
}

variable "router_admin_port" {
  description = "Port of smart-router's admin listener (admin.listen in deploy/k8s/router/configmap.yaml): /health, /ready, /metrics. The ALB health-checks it but never routes a request to it (the target groups forward to router_port); Prometheus scrapes it."
  type        = number
  default     = 9090

  validation {
    condition     = var.router_admin_port >= 1024 && var.router_admin_port <= 65535
    error_message = "Invalid value: router_admin_port must be an unprivileged port, 1024-65535."
  }
}

# The router verifies the tier claim of every request with these (tiers.trust.mode: jwt); the
# values go into deploy/k8s/router/configmap.yaml, and deploy/config/check-scaling.sh fails when
# the two disagree. The router fetches the keys from the JWKS URL itself and refreshes them.
variable "tier_jwt_jwks_url" {
  description = "HTTPS URL of the identity provider's JSON Web Key Set; the router verifies tier tokens (RS256) with these keys (tiers.trust.jwt.jwks_url)."
  type        = string
  default     = "https://auth.smart-router.example/.well-known/jwks.json"

  validation {
    condition     = can(regex("^https://[^/ ]+/", var.tier_jwt_jwks_url))
    error_message = "Invalid value: tier_jwt_jwks_url must be an https:// URL with a path (the keys must not travel in clear)."
  }
}

variable "tier_jwt_issuer" {
  description = "Expected iss claim of tier tokens (tiers.trust.jwt.issuer)."
  type        = string
  default     = "https://auth.smart-router.example/"

  validation {
    condition     = length(var.tier_jwt_issuer) > 0
    error_message = "Invalid value: tier_jwt_issuer must not be empty: a token of any issuer would be accepted."
  }
}

variable "tier_jwt_audience" {
  description = "Expected aud claim of tier tokens (tiers.trust.jwt.audience)."
  type        = string
  default     = "smart-router"

  validation {
    condition     = length(var.tier_jwt_audience) > 0
    error_message = "Invalid value: tier_jwt_audience must not be empty: a token meant for another service would be accepted."
  }
}

variable "premium_path_patterns" {
  description = "Path patterns the ALB sends to the premium target group."
  type        = list(string)
  default     = ["/api/v1/premium/*", "/api/v1/elite/*", "/api/v1/black/*"]

  validation {
    # An ALB rule allows at most 5 condition values in total.
    condition     = length(var.premium_path_patterns) >= 1 && length(var.premium_path_patterns) <= 5 && alltrue([for p in var.premium_path_patterns : startswith(p, "/") && length(p) <= 128])
    error_message = "Invalid value: premium_path_patterns must hold 1-5 patterns, each starting with '/' and at most 128 characters (ALB rule limits)."
  }
}

variable "premium_tier_header_name" {
  description = "Request header carrying the user's tier (the router's tiers.header)."
  type        = string
  default     = "X-User-Tier"

  validation {
    condition     = can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$", var.premium_tier_header_name))
    error_message = "Invalid value: premium_tier_header_name must be an HTTP header token of at most 40 characters (ALB limit)."
  }
}

variable "premium_tier_header_values" {
  description = "Tier header values the ALB sends to the premium target group (matched case-insensitively by the ALB)."
  type        = list(string)
  default     = ["ELITE", "BLACK", "OBSIDIAN", "VOID"]

  validation {
    condition     = length(var.premium_tier_header_values) >= 1 && length(var.premium_tier_header_values) <= 5 && alltrue([for v in var.premium_tier_header_values : length(v) >= 1 && length(v) <= 128])
    error_message = "Invalid value: premium_tier_header_values must hold 1-5 values of 1-128 characters (ALB rule limits)."
  }
}

# --------------------------------------------------------------------------- EKS

variable "kubernetes_version" {
  description = "EKS control plane version (major.minor). 1.35: in EKS standard support until 2027-03-27 (EKS release calendar; 1.34's standard support ended 2026-12-02, 1.30's in 2025). Upgrade before that date or pay for extended support."
  type        = string
  default     = "1.35"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "Invalid value: kubernetes_version must look like 1.30."
  }
}

variable "eks_endpoint_public_access" {
  description = "Expose the EKS API endpoint publicly (restricted to eks_public_access_cidrs). The private endpoint is always on."
  type        = bool
  default     = false
}

variable "eks_public_access_cidrs" {
  description = "CIDRs allowed to reach the public EKS API endpoint when eks_endpoint_public_access is true."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.eks_public_access_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "Invalid value: eks_public_access_cidrs must be valid IPv4 CIDRs, and not 0.0.0.0/0."
  }
}

variable "eks_node_groups" {
  description = "Managed node groups by role. shared (label node-type=shared): shared-api. premium (node-type=premium, taint premium-only=true:NoSchedule): premium-api only, one node group per AZ (its zone spread is required, and the cluster autoscaler can add a node in a given zone only through a group of that zone), so its sizes are totals split evenly over the az_count groups and must be multiples of az_count. router (node-type=router, taint router-only=true:NoSchedule): smart-router alone, so a shared-api surge can neither take its CPU nor leave it pending. Sizes must hold the HPA maxima during a blue-green rollout (checked by deploy/config/check-scaling.sh against deploy/config/scaling-config.yaml)."
  type = map(object({
    instance_types = list(string)
    min_size       = number
    desired_size   = number
    max_size       = number
    disk_size_gib  = number
  }))
  default = {
    shared = {
      instance_types = ["m6i.xlarge"]
      min_size       = 3
      desired_size   = 3
      max_size       = 18
      disk_size_gib  = 50
    }
    premium = {
      instance_types = ["m6i.2xlarge"]
      min_size       = 3
      desired_size   = 3
      max_size       = 9
      disk_size_gib  = 50
    }
    router = {
      instance_types = ["m6i.large"]
      min_size       = 3
      desired_size   = 3
      max_size       = 6
      disk_size_gib  = 30
    }
  }

  validation {
    condition     = length(var.eks_node_groups) == 3 && alltrue([for k in ["shared", "premium", "router"] : contains(keys(var.eks_node_groups), k)])
    error_message = "Invalid value: eks_node_groups must have exactly the keys shared, premium and router."
  }
  validation {
    condition     = alltrue([for g in values(var.eks_node_groups) : g.min_size >= 1 && g.min_size <= g.desired_size && g.desired_size <= g.max_size && g.max_size <= 100])
    error_message = "Invalid value: every eks_node_groups entry needs 1 <= min_size <= desired_size <= max_size <= 100."
  }
  validation {
    # ami_type is AL2023_x86_64_STANDARD: Graviton (e.g. m7g, c6gn) and burstable (t*) types are refused.
    condition     = alltrue([for g in values(var.eks_node_groups) : length(g.instance_types) > 0 && alltrue([for t in g.instance_types : can(regex("^[a-z]+[0-9]+[a-fh-z]*\\.[0-9]*[a-z]+$", t)) && !startswith(t, "t")])])
    error_message = "Invalid value: every eks_node_groups entry needs instance_types, x86_64 (no Graviton '<family>g' types) and not burstable (t*)."
  }
  validation {
    condition     = alltrue([for g in values(var.eks_node_groups) : g.disk_size_gib >= 20 && g.disk_size_gib <= 1000])
    error_message = "Invalid value: every eks_node_groups entry needs disk_size_gib 20-1000."
  }
}

variable "cluster_autoscaler_service_account" {
  description = "namespace/name of the cluster autoscaler's ServiceAccount; its IAM role is bound to it through EKS Pod Identity (eks.tf)."
  type        = string
  default     = "kube-system/cluster-autoscaler"

  validation {
    condition     = can(regex("^[a-z0-9-]+/[a-z0-9-]+$", var.cluster_autoscaler_service_account))
    error_message = "Invalid value: cluster_autoscaler_service_account must be namespace/name."
  }
}

# --------------------------------------------------------------------------- Aurora MySQL

variable "aurora_engine_version" {
  description = "Aurora MySQL engine version (Aurora MySQL 3 = MySQL 8.0). Check availability with `aws rds describe-db-engine-versions --engine aurora-mysql`."
  type        = string
  default     = "8.0.mysql_aurora.3.08.0"

  validation {
    condition     = can(regex("^8\\.0\\.mysql_aurora\\.3\\.[0-9]{2}\\.[0-9]+$", var.aurora_engine_version))
    error_message = "Invalid value: aurora_engine_version must be an Aurora MySQL 3 version, e.g. 8.0.mysql_aurora.3.08.0 (the parameter group family is aurora-mysql8.0)."
  }
}

variable "aurora_shared" {
  description = "Aurora MySQL cluster of the shared tier. instance_count is the writer plus readers. max_connections goes into the instance-level DB parameter group; per-pod pool x max replicas must fit it (deploy/config/check-scaling.sh)."
  type = object({
    instance_class        = string
    instance_count        = number
    max_connections       = number
    backup_retention_days = number
  })
  default = {
    instance_class        = "db.r6g.2xlarge"
    instance_count        = 3
    max_connections       = 3000
    backup_retention_days = 14
  }

  validation {
    # Memory-optimized classes only: burstable db.t* classes run out of CPU credits under load.
    condition     = can(regex("^db\\.(r5|r6g|r6i|r7g|r7i|r8g|x2g)\\.[0-9]*x?large$", var.aurora_shared.instance_class))
    error_message = "Invalid value: aurora_shared.instance_class must be a memory-optimized Aurora class such as db.r6g.2xlarge (no db.t*)."
  }
  validation {
    # >= 2: a writer and at least one reader in another AZ to fail over to. Aurora allows 15 replicas.
    condition     = var.aurora_shared.instance_count >= 2 && var.aurora_shared.instance_count <= 16 && floor(var.aurora_shared.instance_count) == var.aurora_shared.instance_count
    error_message = "Invalid value: aurora_shared.instance_count must be a whole number from 2 (writer + one reader) to 16."
  }
  validation {
    condition     = var.aurora_shared.max_connections >= 100 && var.aurora_shared.max_connections <= 16000
    error_message = "Invalid value: aurora_shared.max_connections must be 100-16000 (Aurora MySQL's ceiling)."
  }
  validation {
    condition     = var.aurora_shared.backup_retention_days >= 7 && var.aurora_shared.backup_retention_days <= 35
    error_message = "Invalid value: aurora_shared.backup_retention_days must be 7-35."
  }
}

variable "aurora_premium" {
  description = "Aurora MySQL cluster of the premium tier. Same fields and rules as aurora_shared."
  type = object({
    instance_class        = string
    instance_count        = number
    max_connections       = number
    backup_retention_days = number
  })
  default = {
    instance_class        = "db.r6g.4xlarge"
    instance_count        = 3
    max_connections       = 4000
    backup_retention_days = 35
  }

  validation {
    condition     = can(regex("^db\\.(r5|r6g|r6i|r7g|r7i|r8g|x2g)\\.[0-9]*x?large$", var.aurora_premium.instance_class))
    error_message = "Invalid value: aurora_premium.instance_class must be a memory-optimized Aurora class such as db.r6g.4xlarge (no db.t*)."
  }
  validation {
    condition     = var.aurora_premium.instance_count >= 2 && var.aurora_premium.instance_count <= 16 && floor(var.aurora_premium.instance_count) == var.aurora_premium.instance_count
    error_message = "Invalid value: aurora_premium.instance_count must be a whole number from 2 (writer + one reader) to 16."
  }
  validation {
    condition     = var.aurora_premium.max_connections >= 100 && var.aurora_premium.max_connections <= 16000
    error_message = "Invalid value: aurora_premium.max_connections must be 100-16000 (Aurora MySQL's ceiling)."
  }
  validation {
    condition     = var.aurora_premium.backup_retention_days >= 7 && var.aurora_premium.backup_retention_days <= 35
    error_message = "Invalid value: aurora_premium.backup_retention_days must be 7-35."
  }
}

variable "aurora_deletion_protection" {
  description = "Protect both Aurora clusters from deletion."
  type        = bool
  default     = true
}

variable "aurora_monitoring_interval_seconds" {
  description = "RDS Enhanced Monitoring interval of every Aurora instance (OS metrics: CPU steal, run queue, memory, per-process), in seconds. 0 would turn it off, which is refused: CloudWatch's 60 s instance metrics cannot explain a 50 ms latency budget."
  type        = number
  default     = 15

  validation {
    condition     = contains([1, 5, 10, 15, 30, 60], var.aurora_monitoring_interval_seconds)
    error_message = "Invalid value: aurora_monitoring_interval_seconds must be one of 1, 5, 10, 15, 30, 60 (0, off, is refused)."
  }
}

# --------------------------------------------------------------------------- ElastiCache (Redis)

variable "redis_engine_version" {
  description = "ElastiCache Redis OSS engine version (major.minor). The parameter group family is derived from the major version."
  type        = string
  default     = "7.1"

  validation {
    condition     = can(regex("^7\\.[0-9]+$", var.redis_engine_version))
    error_message = "Invalid value: redis_engine_version must be a Redis 7 version such as 7.1 (parameter group family redis7)."
  }
}

variable "redis_shared" {
  description = "ElastiCache replication group of the shared tier: node type, nodes (primary + replicas), eviction policy and reserved-memory-percent. Must match deploy/config/scaling-config.yaml."
  type = object({
    node_type               = string
    num_cache_clusters      = number
    maxmemory_policy        = string
    reserved_memory_percent = number
  })
  default = {
    node_type               = "cache.r6g.xlarge"
    num_cache_clusters      = 3
    maxmemory_policy        = "allkeys-lru"
    reserved_memory_percent = 25
  }

  validation {
    condition     = can(regex("^cache\\.(m6g|m7g|r6g|r7g|m5|r5|m6i|r6i)\\.[0-9]*x?large$", var.redis_shared.node_type))
    error_message = "Invalid value: redis_shared.node_type must be a current-generation, non-burstable node type such as cache.r6g.xlarge."
  }
  validation {
    # automatic failover with multi-AZ needs a primary and at least one replica; 6 = primary + 5 replicas.
    condition     = var.redis_shared.num_cache_clusters >= 2 && var.redis_shared.num_cache_clusters <= 6
    error_message = "Invalid value: redis_shared.num_cache_clusters must be 2-6 (primary + 1-5 replicas; automatic failover needs a replica)."
  }
  validation {
    condition     = contains(["volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu", "volatile-random", "allkeys-random", "volatile-ttl", "noeviction"], var.redis_shared.maxmemory_policy)
    error_message = "Invalid value: redis_shared.maxmemory_policy must be a Redis maxmemory-policy value (e.g. allkeys-lru)."
  }
  validation {
    condition     = var.redis_shared.reserved_memory_percent >= 0 && var.redis_shared.reserved_memory_percent <= 100
    error_message = "Invalid value: redis_shared.reserved_memory_percent must be 0-100."
  }
}

variable "redis_premium" {
  description = "ElastiCache replication group of the premium tier. Same fields and rules as redis_shared."
  type = object({
    node_type               = string
    num_cache_clusters      = number
    maxmemory_policy        = string
    reserved_memory_percent = number
  })
  default = {
    node_type               = "cache.r6g.2xlarge"
    num_cache_clusters      = 3
    maxmemory_policy        = "allkeys-lfu"
    reserved_memory_percent = 25
  }

  validation {
    condition     = can(regex("^cache\\.(m6g|m7g|r6g|r7g|m5|r5|m6i|r6i)\\.[0-9]*x?large$", var.redis_premium.node_type))
    error_message = "Invalid value: redis_premium.node_type must be a current-generation, non-burstable node type such as cache.r6g.2xlarge."
  }
  validation {
    condition     = var.redis_premium.num_cache_clusters >= 2 && var.redis_premium.num_cache_clusters <= 6
    error_message = "Invalid value: redis_premium.num_cache_clusters must be 2-6 (primary + 1-5 replicas; automatic failover needs a replica)."
  }
  validation {
    condition     = contains(["volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu", "volatile-random", "allkeys-random", "volatile-ttl", "noeviction"], var.redis_premium.maxmemory_policy)
    error_message = "Invalid value: redis_premium.maxmemory_policy must be a Redis maxmemory-policy value (e.g. allkeys-lfu)."
  }
  validation {
    condition     = var.redis_premium.reserved_memory_percent >= 0 && var.redis_premium.reserved_memory_percent <= 100
    error_message = "Invalid value: redis_premium.reserved_memory_percent must be 0-100."
  }
}

# --------------------------------------------------------------------------- colocation

variable "colocation_instance_type" {
  description = "Instance type of the colocation (low-latency) hosts. Must be a Nitro type (ENA enhanced networking is then always on); the network-optimized *n families (c6in, m6in, r6in, c7gn...) give the most bandwidth and packets per second."
  type        = string
  default     = "c6in.4xlarge"

  validation {
    # Current Nitro families only. Xen-era types (c4, m4, r4, ...) need SR-IOV/ENA flags on the AMI.
    condition     = can(regex("^(c5n|c6i|c6in|c7i|m6i|m6in|m7i|r6i|r6in|r7i)\\.[0-9]*x?large$", var.colocation_instance_type))
    error_message = "Invalid value: colocation_instance_type must be a current-generation x86_64 Nitro type such as c6in.4xlarge."
  }
}

variable "colocation_instance_count" {
  description = "Number of colocation hosts in the cluster placement group (0 disables them)."
  type        = number
  default     = 2

  validation {
    condition     = var.colocation_instance_count >= 0 && var.colocation_instance_count <= 16 && floor(var.colocation_instance_count) == var.colocation_instance_count
    error_message = "Invalid value: colocation_instance_count must be a whole number from 0 to 16."
  }
}

variable "colocation_service_ports" {
  description = "TCP ports the colocation hosts serve (e.g. the order gateway and the market-data feed). Only these are open, only to the premium nodes and to the other colocation hosts; nothing else reaches them (no SSH: SSM Session Manager)."
  type        = list(number)
  default     = [9001, 9002]

  validation {
    condition     = length(var.colocation_service_ports) > 0 && alltrue([for p in var.colocation_service_ports : p >= 1 && p <= 65535 && floor(p) == p])
    error_message = "Invalid value: colocation_service_ports must be a non-empty list of TCP ports (1-65535)."
  }
}

variable "colocation_az_index" {
  description = "Index (0-based) of the AZ, in the module's AZ list, that holds the colocation placement group. A cluster placement group lives in one AZ."
  type        = number
  default     = 0

  validation {
    condition     = var.colocation_az_index >= 0 && var.colocation_az_index <= 3 && floor(var.colocation_az_index) == var.colocation_az_index
    error_message = "Invalid value: colocation_az_index must be a whole number from 0 to 3 (and below az_count)."
  }
}

variable "colocation_ami_id" {
  description = "AMI for the colocation hosts; empty string uses the latest Amazon Linux 2023 x86_64 AMI (ENA-enabled) from SSM."
  type        = string
  default     = ""

  validation {
    condition     = var.colocation_ami_id == "" || can(regex("^ami-[0-9a-f]{8,17}$", var.colocation_ami_id))
    error_message = "Invalid value: colocation_ami_id must be empty or an AMI id (ami-...)."
  }
}

variable "colocation_ena_express_enabled" {
  description = "Enable ENA Express (AWS Scalable Reliable Datagram) on the colocation hosts' network interface. Off by default: it raises single-flow bandwidth and cuts tail latency under congestion, but adds tens of microseconds per packet on a quiet network, which a latency-sensitive trading path does not want. Needs an ENA Express capable type (e.g. c6in.8xlarge and up)."
  type        = bool
  default     = false
}
