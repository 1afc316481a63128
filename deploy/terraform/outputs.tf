output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.main.id
}

output "private_subnet_ids" {
  description = "Private subnets (EKS nodes and pods, colocation hosts), one per AZ."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Public subnets (ALB, NAT gateways), one per AZ."
  value       = aws_subnet.public[*].id
}

output "alb_dns_name" {
  description = "DNS name of the ALB; point the API hostname (alias record) at it."
  value       = aws_lb.main.dns_name
}

output "alb_zone_id" {
  description = "Route 53 hosted zone ID of the ALB, for alias records."
  value       = aws_lb.main.zone_id
}

output "alb_target_group_arns" {
  description = "Target group ARNs by tier; each goes into a TargetGroupBinding that registers the smart-router Service's pods."
  value = {
    shared  = aws_lb_target_group.shared.arn
    premium = aws_lb_target_group.premium.arn
  }
}

output "eks_cluster_name" {
  description = "Name of the EKS cluster (aws eks update-kubeconfig --name ...)."
  value       = aws_eks_cluster.main.name
}

output "eks_cluster_endpoint" {
  description = "Endpoint of the EKS API server."
  value       = aws_eks_cluster.main.endpoint
}

output "eks_cluster_ca_data" {
  description = "Base64 certificate authority data of the EKS cluster."
  value       = aws_eks_cluster.main.certificate_authority[0].data
}

output "eks_node_groups" {
  description = "Managed node groups with their Kubernetes label and taint."
  value = {
    shared  = { name = aws_eks_node_group.shared.node_group_name, label = "node-type=shared", taint = "" }
    premium = { names = aws_eks_node_group.premium[*].node_group_name, label = "node-type=premium", taint = "premium-only=true:NoSchedule" }
    router  = { name = aws_eks_node_group.router.node_group_name, label = "node-type=router", taint = "router-only=true:NoSchedule" }
  }
}

output "lb_controller_role_arn" {
  description = "IAM role of the AWS Load Balancer Controller (kube-system/aws-load-balancer-controller, via EKS Pod Identity)."
  value       = aws_iam_role.lb_controller.arn
}

output "cluster_autoscaler_role_arn" {
  description = "IAM role of the Cluster Autoscaler (bound to var.cluster_autoscaler_service_account through EKS Pod Identity)."
  value       = aws_iam_role.cluster_autoscaler.arn
}

output "router_trust" {
  description = "What deploy/k8s/router/configmap.yaml and network-policies.yaml must say: tiers.trust.jwt (JWKS URL, issuer, audience), server.trusted_proxies (the public subnets, where the ALB's addresses are: every public subnet lies in cidrsubnet(vpc_cidr, 4, 0), no private or data subnet does) and the admin port."
  value = {
    jwks_url        = var.tier_jwt_jwks_url
    issuer          = var.tier_jwt_issuer
    audience        = var.tier_jwt_audience
    trusted_proxies = [cidrsubnet(var.vpc_cidr, 4, 0)]
    admin_port      = var.router_admin_port
  }
}

output "aurora_endpoints" {
  description = "Aurora writer and reader endpoints by tier."
  value = {
    shared  = { writer = aws_rds_cluster.shared.endpoint, reader = aws_rds_cluster.shared.reader_endpoint }
    premium = { writer = aws_rds_cluster.premium.endpoint, reader = aws_rds_cluster.premium.reader_endpoint }
  }
}

output "aurora_master_secret_arns" {
  description = "Secrets Manager ARNs of the RDS-managed master user passwords, by tier."
  value = {
    shared  = aws_rds_cluster.shared.master_user_secret[0].secret_arn
    premium = aws_rds_cluster.premium.master_user_secret[0].secret_arn
  }
}

output "redis_endpoints" {
  description = "Redis primary and reader endpoints by tier (TLS required, AUTH token required)."
  value = {
    shared  = { primary = aws_elasticache_replication_group.shared.primary_endpoint_address, reader = aws_elasticache_replication_group.shared.reader_endpoint_address }
    premium = { primary = aws_elasticache_replication_group.premium.primary_endpoint_address, reader = aws_elasticache_replication_group.premium.reader_endpoint_address }
  }
}

output "redis_auth_token_secret_arns" {
  description = "Secrets Manager ARNs of the Redis AUTH tokens, by tier (each encrypted with its tier's KMS key); External Secrets puts them into the tier's <tier>-api-secrets."
  value       = { for t, s in aws_secretsmanager_secret.redis_auth : t => s.arn }
}

output "colocation_private_ips" {
  description = "Private IPs of the colocation hosts."
  value       = aws_instance.colocation[*].private_ip
}
