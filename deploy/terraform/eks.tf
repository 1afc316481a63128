# EKS cluster with three kinds of managed node groups:
#   shared  — label node-type=shared; shared-api pods.
#   premium — label node-type=premium, taint premium-only=true:NoSchedule; one group per AZ (see
#             var.eks_node_groups). Only pods that tolerate the taint (premium-api) land
#             here, and premium-api selects node-type=premium, so the premium tier neither shares
#             nodes nor gets crowded out by the 95%.
#   router  — label node-type=router, taint router-only=true:NoSchedule; smart-router alone, so a
#             shared-api surge cannot starve the hop every request takes.
# The taint effect is spelled NO_SCHEDULE in the EKS API and NoSchedule in Kubernetes.
#
# Nodes are added by the Cluster Autoscaler (installed with its Helm chart, deploy/k8s/README.md;
# its IAM role is below). Managed node groups carry the k8s.io/cluster-autoscaler/enabled and
# k8s.io/cluster-autoscaler/<cluster> tags it discovers them by. desired_size belongs to it once
# it runs, hence ignore_changes. The max sizes hold every workload at its HPA maximum during a
# blue-green rollout, when an API tier runs twice its pods (deploy/config/check-scaling.sh packs
# the pods into the nodes; the arithmetic is in deploy/config/scaling-config.yaml):
#   shared   100 shared-api pods (50 x 2) x 500m/1Gi, 6 per m6i.xlarge     -> 17 nodes, max 18
#   premium   40 premium-api pods (20 x 2) x 1000m/2Gi, 6 per m6i.2xlarge  -> 7 nodes; spread
#             evenly over 3 zones that is 14 pods = 3 nodes per zone       -> max 3 x 3 = 9
#   router    14 router pods (12 + surge 1, rounded up) x 250m/256Mi, 6 per m6i.large -> 3, max 6

# --------------------------------------------------------------------------- control plane

resource "aws_kms_key" "eks_secrets" {
  description             = "${local.name} EKS envelope encryption of Kubernetes Secrets"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30

  tags = { Name = "${local.name}-eks-secrets" }
}

resource "aws_kms_alias" "eks_secrets" {
  name          = "alias/${local.name}-eks-secrets"
  target_key_id = aws_kms_key.eks_secrets.key_id
}

data "aws_iam_policy_document" "eks_cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "eks_cluster" {
  name               = "${local.name}-eks-cluster"
  assume_role_policy = data.aws_iam_policy_document.eks_cluster_assume.json
}

resource "aws_iam_role_policy_attachment" "eks_cluster_policy" {
  role       = aws_iam_role.eks_cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_eks_cluster" "main" {
  name     = local.cluster_name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.eks_cluster.arn

  vpc_config {
    subnet_ids              = aws_subnet.private[*].id
    endpoint_private_access = true
    endpoint_public_access  = var.eks_endpoint_public_access
    public_access_cidrs     = var.eks_endpoint_public_access ? var.eks_public_access_cidrs : null
  }

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = true
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.eks_secrets.arn
    }
  }

  enabled_cluster_log_types = ["api", "audit", "authenticator"]

  depends_on = [aws_iam_role_policy_attachment.eks_cluster_policy]
}

# --------------------------------------------------------------------------- nodes

data "aws_iam_policy_document" "eks_node_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "eks_node" {
  name               = "${local.name}-eks-node"
  assume_role_policy = data.aws_iam_policy_document.eks_node_assume.json
}

resource "aws_iam_role_policy_attachment" "eks_node" {
  for_each = toset([
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", # shell access through SSM, no SSH
  ])

  role       = aws_iam_role.eks_node.name
  policy_arn = each.value
}

# Launch templates carry what a managed node group cannot set by itself: our extra security groups
# (a launch template with security groups replaces the default, so the EKS cluster security group
# is listed again; each tier's nodes also carry the tier's identity group, the only source its
# Aurora and Redis accept), IMDSv2 only with a hop limit of 1, and an encrypted gp3 root volume.
locals {
  node_roles = {
    shared  = { tier = "shared", what = "node-type=shared", tier_sgs = [aws_security_group.eks_nodes_tier["shared"].id] }
    premium = { tier = "premium", what = "node-type=premium, tainted premium-only", tier_sgs = [aws_security_group.eks_nodes_tier["premium"].id] }
    router  = { tier = "platform", what = "node-type=router, tainted router-only", tier_sgs = [] }
  }
}

resource "aws_launch_template" "eks_node" {
  for_each = local.node_roles

  name_prefix            = "${local.name}-eks-${each.key}-"
  description            = "EKS node group ${each.key} (${each.value.what})"
  vpc_security_group_ids = concat([aws_eks_cluster.main.vpc_config[0].cluster_security_group_id, aws_security_group.eks_nodes.id], each.value.tier_sgs)
  update_default_version = true

  # Hop limit 1: pods on the pod network cannot reach IMDS, so they cannot borrow the node role.
  # AWS access for pods goes through EKS Pod Identity; the AWS Load Balancer Controller then
  # needs its region and VPC passed explicitly (--aws-region, --aws-vpc-id = output vpc_id).
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.eks_node_groups[each.key].disk_size_gib
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "${local.name}-eks-${each.key}", Tier = each.value.tier }
  }
}

resource "aws_eks_node_group" "shared" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "shared"
  node_role_arn   = aws_iam_role.eks_node.arn
  subnet_ids      = aws_subnet.private[*].id
  ami_type        = "AL2023_x86_64_STANDARD"
  capacity_type   = "ON_DEMAND"
  instance_types  = var.eks_node_groups["shared"].instance_types

  scaling_config {
    min_size     = var.eks_node_groups["shared"].min_size
    desired_size = var.eks_node_groups["shared"].desired_size
    max_size     = var.eks_node_groups["shared"].max_size
  }

  update_config {
    max_unavailable_percentage = 33
  }

  launch_template {
    id      = aws_launch_template.eks_node["shared"].id
    version = aws_launch_template.eks_node["shared"].latest_version
  }

  labels = {
    "node-type" = "shared"
  }

  tags = { Tier = "shared" }

  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.eks_node]
}

# One premium group per AZ: premium-api's zone spread is a hard constraint, and the autoscaler
# can only add a node in the zone a pending pod needs through a group of that zone. The totals
# of var.eks_node_groups["premium"] are split evenly.
resource "aws_eks_node_group" "premium" {
  count = var.az_count

  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "premium-${local.azs[count.index]}"
  node_role_arn   = aws_iam_role.eks_node.arn
  subnet_ids      = [aws_subnet.private[count.index].id]
  ami_type        = "AL2023_x86_64_STANDARD"
  capacity_type   = "ON_DEMAND"
  instance_types  = var.eks_node_groups["premium"].instance_types

  scaling_config {
    min_size     = ceil(var.eks_node_groups["premium"].min_size / var.az_count)
    desired_size = ceil(var.eks_node_groups["premium"].desired_size / var.az_count)
    max_size     = ceil(var.eks_node_groups["premium"].max_size / var.az_count)
  }

  update_config {
    max_unavailable = 1
  }

  launch_template {
    id      = aws_launch_template.eks_node["premium"].id
    version = aws_launch_template.eks_node["premium"].latest_version
  }

  labels = {
    "node-type" = "premium"
  }

  taint {
    key    = "premium-only"
    value  = "true"
    effect = "NO_SCHEDULE"
  }

  tags = { Tier = "premium" }

  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
    precondition {
      condition     = var.eks_node_groups["premium"].min_size % var.az_count == 0 && var.eks_node_groups["premium"].max_size % var.az_count == 0
      error_message = "Invalid value: eks_node_groups.premium min_size and max_size must be multiples of az_count (one premium node group per AZ)."
    }
  }

  depends_on = [aws_iam_role_policy_attachment.eks_node]
}

resource "aws_eks_node_group" "router" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "router"
  node_role_arn   = aws_iam_role.eks_node.arn
  subnet_ids      = aws_subnet.private[*].id
  ami_type        = "AL2023_x86_64_STANDARD"
  capacity_type   = "ON_DEMAND"
  instance_types  = var.eks_node_groups["router"].instance_types

  scaling_config {
    min_size     = var.eks_node_groups["router"].min_size
    desired_size = var.eks_node_groups["router"].desired_size
    max_size     = var.eks_node_groups["router"].max_size
  }

  update_config {
    max_unavailable = 1
  }

  launch_template {
    id      = aws_launch_template.eks_node["router"].id
    version = aws_launch_template.eks_node["router"].latest_version
  }

  labels = {
    "node-type" = "router"
  }

  taint {
    key    = "router-only"
    value  = "true"
    effect = "NO_SCHEDULE"
  }

  tags = { Tier = "platform" }

  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.eks_node]
}

# --------------------------------------------------------------------------- add-ons

# enableNetworkPolicy: the VPC CNI's network policy agent enforces the NetworkPolicies of
# deploy/k8s (without it they are stored and ignored, and any pod can reach premium-api).
resource "aws_eks_addon" "vpc_cni" {
  cluster_name                = aws_eks_cluster.main.name
  addon_name                  = "vpc-cni"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  configuration_values = jsonencode({
    enableNetworkPolicy = "true"
  })
}

resource "aws_eks_addon" "kube_proxy" {
  cluster_name                = aws_eks_cluster.main.name
  addon_name                  = "kube-proxy"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"
}

resource "aws_eks_addon" "pod_identity_agent" {
  cluster_name                = aws_eks_cluster.main.name
  addon_name                  = "eks-pod-identity-agent"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"
}

resource "aws_eks_addon" "coredns" {
  cluster_name                = aws_eks_cluster.main.name
  addon_name                  = "coredns"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"

  depends_on = [aws_eks_node_group.shared] # CoreDNS needs nodes to become ACTIVE
}

# --------------------------------------------------------------------------- load balancer controller

# The AWS Load Balancer Controller is used only for TargetGroupBinding: the ALB, listeners and
# target groups are Terraform's (alb.tf). So its role may describe, and register/deregister
# targets in exactly the two target groups; it cannot create or delete load balancers.
data "aws_iam_policy_document" "lb_controller_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "lb_controller" {
  statement {
    sid = "Describe"
    actions = [
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetHealth",
      "ec2:DescribeAccountAttributes",
      "ec2:DescribeAvailabilityZones",
      "ec2:DescribeInstances",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcs",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "RegisterRouterPods"
    actions   = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]
    resources = [aws_lb_target_group.shared.arn, aws_lb_target_group.premium.arn]
  }
}

resource "aws_iam_role" "lb_controller" {
  name               = "${local.name}-lb-controller"
  assume_role_policy = data.aws_iam_policy_document.lb_controller_assume.json
}

resource "aws_iam_role_policy" "lb_controller" {
  name   = "target-group-binding-only"
  role   = aws_iam_role.lb_controller.id
  policy = data.aws_iam_policy_document.lb_controller.json
}

resource "aws_eks_pod_identity_association" "lb_controller" {
  cluster_name    = aws_eks_cluster.main.name
  namespace       = "kube-system"
  service_account = "aws-load-balancer-controller"
  role_arn        = aws_iam_role.lb_controller.arn

  depends_on = [aws_eks_addon.pod_identity_agent]
}

# --------------------------------------------------------------------------- cluster autoscaler

# The Cluster Autoscaler (Helm chart autoscaler/cluster-autoscaler, values in deploy/k8s/README.md)
# grows a node group when pods are pending and shrinks it when nodes stand idle. It may read
# every Auto Scaling group but resize or terminate instances only in this cluster's groups (the
# tag EKS puts on the groups of its managed node groups). Bound to its ServiceAccount through EKS
# Pod Identity, like the Load Balancer Controller: pods cannot reach the node role (IMDS hop 1).
data "aws_iam_policy_document" "cluster_autoscaler" {
  statement {
    sid = "Discover"
    actions = [
      "autoscaling:DescribeAutoScalingGroups",
      "autoscaling:DescribeAutoScalingInstances",
      "autoscaling:DescribeLaunchConfigurations",
      "autoscaling:DescribeScalingActivities",
      "autoscaling:DescribeTags",
      "ec2:DescribeImages",
      "ec2:DescribeInstanceTypes",
      "ec2:DescribeLaunchTemplateVersions",
      "ec2:GetInstanceTypesFromInstanceRequirements",
      "eks:DescribeNodegroup",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ResizeThisClustersGroups"
    actions   = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/k8s.io/cluster-autoscaler/${local.cluster_name}"
      values   = ["owned"]
    }
  }
}

resource "aws_iam_role" "cluster_autoscaler" {
  name               = "${local.name}-cluster-autoscaler"
  assume_role_policy = data.aws_iam_policy_document.lb_controller_assume.json # pods.eks.amazonaws.com
}

resource "aws_iam_role_policy" "cluster_autoscaler" {
  name   = "cluster-autoscaler"
  role   = aws_iam_role.cluster_autoscaler.id
  policy = data.aws_iam_policy_document.cluster_autoscaler.json
}

resource "aws_eks_pod_identity_association" "cluster_autoscaler" {
  cluster_name    = aws_eks_cluster.main.name
  namespace       = split("/", var.cluster_autoscaler_service_account)[0]
  service_account = split("/", var.cluster_autoscaler_service_account)[1]
  role_arn        = aws_iam_role.cluster_autoscaler.arn

  depends_on = [aws_eks_addon.pod_identity_agent]
}
