# Security groups. Rules are separate aws_vpc_security_group_*_rule resources (one rule, one
# resource) so that changing one rule never recreates the group or its other rules.
#
# Traffic allowed:
#   internet  --80/443-->  alb
#   alb       --router_port-->  eks_nodes        requests (target_type = ip: the pods are the
#                                                 targets, and pods on the VPC CNI carry the node
#                                                 ENI's security groups)
#   alb       --router_admin_port-->  eks_nodes  health checks only: no listener rule routes there
#   eks_nodes <-->  eks_nodes (all)              pod network; NetworkPolicies (enforced by the VPC
#                                                 CNI, eks.tf) narrow it per namespace
#   eks_nodes_shared  --3306/6379-->  aurora_shared, redis_shared
#   eks_nodes_premium --3306/6379-->  aurora_premium, redis_premium
#   eks_nodes_premium, colocation --colocation_service_ports-->  colocation
# Per-tier groups: shared-api pods run only on the shared nodes and premium-api pods only on the
# premium nodes (node selectors, the premium taint), and each node group carries its tier's
# group, so a shared node can open neither premium's database nor premium's cache. The router's
# nodes carry neither: the router talks to the APIs, never to their data stores.

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "Public ALB in front of smart-router"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-alb" }
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each = toset(var.alb_ingress_cidrs)

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from clients"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  for_each = toset(var.alb_ingress_cidrs)

  security_group_id = aws_security_group.alb.id
  description       = "HTTP from clients (redirected to HTTPS)"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_vpc_security_group_egress_rule" "alb_to_router_admin" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Target group health checks to the admin port of smart-router (/health)"
  referenced_security_group_id = aws_security_group.eks_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = var.router_admin_port
  to_port                      = var.router_admin_port
}

resource "aws_vpc_security_group_egress_rule" "alb_to_router" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Requests to smart-router pods"
  referenced_security_group_id = aws_security_group.eks_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = var.router_port
  to_port                      = var.router_port
}

# --------------------------------------------------------------------------- EKS nodes

resource "aws_security_group" "eks_nodes" {
  name        = "${local.name}-eks-nodes"
  description = "EKS worker nodes and their pods (attached next to the EKS cluster security group)"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name                                          = "${local.name}-eks-nodes"
    "kubernetes.io/cluster/${local.cluster_name}" = "owned"
  }
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_alb" {
  security_group_id            = aws_security_group.eks_nodes.id
  description                  = "ALB to smart-router pods"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.router_port
  to_port                      = var.router_port
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_alb_health" {
  security_group_id            = aws_security_group.eks_nodes.id
  description                  = "ALB health checks to the admin port of smart-router"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.router_admin_port
  to_port                      = var.router_admin_port
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_nodes" {
  security_group_id            = aws_security_group.eks_nodes.id
  description                  = "Node to node and pod to pod (router to shared-api/premium-api, DNS, metrics)"
  referenced_security_group_id = aws_security_group.eks_nodes.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "nodes_all" {
  security_group_id = aws_security_group.eks_nodes.id
  description       = "Egress: image pulls, AWS APIs (via NAT / S3 endpoint), databases"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

# Identity of a tier's nodes: no rules of their own, referenced by the tier's data stores.
resource "aws_security_group" "eks_nodes_tier" {
  for_each = toset(["shared", "premium"])

  name        = "${local.name}-eks-nodes-${each.key}"
  description = "EKS nodes of the ${each.key} tier (source of its Aurora and Redis access)"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-eks-nodes-${each.key}", Tier = each.key }
}

# --------------------------------------------------------------------------- Aurora and Redis

# One group per tier and store, open only to that tier's nodes on the store's port.
locals {
  data_store_ports = {
    "aurora-shared"  = { tier = "shared", port = 3306, what = "MySQL" }
    "aurora-premium" = { tier = "premium", port = 3306, what = "MySQL" }
    "redis-shared"   = { tier = "shared", port = 6379, what = "Redis (TLS)" }
    "redis-premium"  = { tier = "premium", port = 6379, what = "Redis (TLS)" }
  }
}

resource "aws_security_group" "data_store" {
  for_each = local.data_store_ports

  name        = "${local.name}-${each.key}"
  description = "${each.value.what} of the ${each.value.tier} tier"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-${each.key}", Tier = each.value.tier }
}

resource "aws_vpc_security_group_ingress_rule" "data_store_from_tier_nodes" {
  for_each = local.data_store_ports

  security_group_id            = aws_security_group.data_store[each.key].id
  description                  = "${each.value.what} from the nodes of the ${each.value.tier} tier only"
  referenced_security_group_id = aws_security_group.eks_nodes_tier[each.value.tier].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

# --------------------------------------------------------------------------- colocation

resource "aws_security_group" "colocation" {
  name        = "${local.name}-colocation"
  description = "Colocation hosts in the cluster placement group; no SSH (use SSM Session Manager)"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-colocation" }
}

# Only the ports the hosts serve, only from each other and from the premium tier's nodes.
resource "aws_vpc_security_group_ingress_rule" "colocation_self" {
  for_each = toset([for p in var.colocation_service_ports : tostring(p)])

  security_group_id            = aws_security_group.colocation.id
  description                  = "Between colocation hosts, service port ${each.value}"
  referenced_security_group_id = aws_security_group.colocation.id
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
}

resource "aws_vpc_security_group_ingress_rule" "colocation_from_premium" {
  for_each = toset([for p in var.colocation_service_ports : tostring(p)])

  security_group_id            = aws_security_group.colocation.id
  description                  = "From the nodes of the premium tier, service port ${each.value}"
  referenced_security_group_id = aws_security_group.eks_nodes_tier["premium"].id
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
}

resource "aws_vpc_security_group_egress_rule" "colocation_all" {
  security_group_id = aws_security_group.colocation.id
  description       = "Egress: SSM, package mirrors, exchange links"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}
