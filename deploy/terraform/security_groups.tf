# Security groups. Rules are separate aws_vpc_security_group_*_rule resources (one rule, one
# resource) so that changing one rule never recreates the group or its other rules.
#
# Traffic allowed:
#   internet  --80/443-->  alb
#   alb       --router_port-->  eks_nodes   (target_type = ip: the pods are the targets, and pods
#                                            on the VPC CNI carry the node ENI's security groups)
#   eks_nodes --3306-->  aurora             eks_nodes --6379-->  redis
#   eks_nodes <-->  eks_nodes (all)         colocation <--> colocation (all), colocation --> eks_nodes

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

resource "aws_vpc_security_group_egress_rule" "alb_to_router" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Requests and health checks to smart-router pods"
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

resource "aws_vpc_security_group_ingress_rule" "nodes_from_nodes" {
  security_group_id            = aws_security_group.eks_nodes.id
  description                  = "Node to node and pod to pod (router to shared-api/premium-api, DNS, metrics)"
  referenced_security_group_id = aws_security_group.eks_nodes.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_colocation" {
  security_group_id            = aws_security_group.eks_nodes.id
  description                  = "Colocation hosts to in-cluster services"
  referenced_security_group_id = aws_security_group.colocation.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "nodes_all" {
  security_group_id = aws_security_group.eks_nodes.id
  description       = "Egress: image pulls, AWS APIs (via NAT / S3 endpoint), databases"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

# --------------------------------------------------------------------------- Aurora

resource "aws_security_group" "aurora" {
  name        = "${local.name}-aurora"
  description = "Aurora MySQL clusters (shared and premium)"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-aurora" }
}

resource "aws_vpc_security_group_ingress_rule" "aurora_from_nodes" {
  security_group_id            = aws_security_group.aurora.id
  description                  = "MySQL from EKS pods"
  referenced_security_group_id = aws_security_group.eks_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

# --------------------------------------------------------------------------- Redis

resource "aws_security_group" "redis" {
  name        = "${local.name}-redis"
  description = "ElastiCache Redis replication groups (shared and premium)"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-redis" }
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_nodes" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Redis (TLS) from EKS pods"
  referenced_security_group_id = aws_security_group.eks_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

# --------------------------------------------------------------------------- colocation

resource "aws_security_group" "colocation" {
  name        = "${local.name}-colocation"
  description = "Colocation hosts in the cluster placement group; no SSH (use SSM Session Manager)"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-colocation" }
}

resource "aws_vpc_security_group_ingress_rule" "colocation_self" {
  security_group_id            = aws_security_group.colocation.id
  description                  = "Between colocation hosts"
  referenced_security_group_id = aws_security_group.colocation.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_ingress_rule" "colocation_from_nodes" {
  security_group_id            = aws_security_group.colocation.id
  description                  = "From EKS pods"
  referenced_security_group_id = aws_security_group.eks_nodes.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "colocation_all" {
  security_group_id = aws_security_group.colocation.id
  description       = "Egress: SSM, package mirrors, in-VPC services"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}
