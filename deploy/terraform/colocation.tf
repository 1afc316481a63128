# Colocation hosts: latency-critical processes (e.g. order gateway, market-data handlers) that
# must sit next to each other, packed into one cluster placement group in one AZ.
#
# Where: the seed colocates them near NSE and BSE, both in Mumbai. AWS has no Local Zone in
# Mumbai: the Mumbai *Region* (ap-south-1, the default var.region) is there, and its Local Zones
# are Delhi (ap-south-1-del-1a) and Kolkata (ap-south-1-ccu-1a) (AWS Local Zones user guide,
# "Available Local Zones"), each more than 1,000 km from the exchanges. So the hosts go into one
# of ap-south-1's own Availability Zones (var.colocation_az_index; ask AWS which AZ id is closest
# to your exchange cross-connect, AZ names are shuffled per account), where the full instance
# catalogue, cluster placement groups and ENA Express are available; a Delhi or Kolkata Local
# Zone would add the distance it was meant to remove.
# Reachable only on var.colocation_service_ports, from each other and the premium tier's nodes
# (security_groups.tf).
#
# About the design's `srm_enabled = true` on aws_instance: that argument does not exist, and
# `terraform validate` rejects it ("An argument named "srm_enabled" is not expected here"). What
# the provider and EC2 do offer instead:
#   - Enhanced networking (ENA) is not an aws_instance argument at all: it is on whenever a Nitro
#     instance type (c6in, c6i, m6i, c7i...) runs an ENA-enabled AMI. Amazon Linux 2023, the
#     default below, is ENA-enabled (`ena_support` is an attribute of the AMI, aws_ami, not of the
#     instance). The variable validation only admits Nitro types, so ENA is always on here.
#   - SR-IOV through the Intel 82599 VF (`sriovNetSupport`) is a previous-generation feature for
#     Xen instance types; not relevant to Nitro types.
#   - ENA Express, i.e. AWS Scalable Reliable Datagram ("SRD" — most likely what "srm" meant), is
#     a per-network-interface setting: launch template network_interfaces.ena_srd_specification.
#     It is wired to var.colocation_ena_express_enabled and OFF by default: it helps single-flow
#     bandwidth and tail latency under congestion, but AWS documents tens of microseconds of extra
#     latency per packet on a quiet network, the wrong trade for small trading messages. Turning
#     it on also needs an ENA Express capable type and size (e.g. c6in.8xlarge and up).
#   - Cluster placement groups live in one AZ (no AZ redundancy), and a launch can fail with
#     InsufficientInstanceCapacity: start all hosts together, and keep a spare in the count.

resource "aws_placement_group" "colocation" {
  name     = "${local.name}-colocation"
  strategy = "cluster"

  tags = { Name = "${local.name}-colocation" }
}

data "aws_ssm_parameter" "al2023_x86_64" {
  count = var.colocation_ami_id == "" ? 1 : 0

  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

locals {
  colocation_ami_id = var.colocation_ami_id != "" ? var.colocation_ami_id : nonsensitive(data.aws_ssm_parameter.al2023_x86_64[0].value)
}

data "aws_iam_policy_document" "colocation_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "colocation" {
  name               = "${local.name}-colocation"
  assume_role_policy = data.aws_iam_policy_document.colocation_assume.json
}

resource "aws_iam_role_policy_attachment" "colocation_ssm" {
  role       = aws_iam_role.colocation.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "colocation" {
  name = "${local.name}-colocation"
  role = aws_iam_role.colocation.name
}

resource "aws_launch_template" "colocation" {
  name_prefix            = "${local.name}-colocation-"
  description            = "Colocation hosts (cluster placement group)"
  image_id               = local.colocation_ami_id
  instance_type          = var.colocation_instance_type
  ebs_optimized          = true
  update_default_version = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.colocation.arn
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  monitoring {
    enabled = true
  }

  network_interfaces {
    device_index                = 0
    subnet_id                   = aws_subnet.private[var.colocation_az_index].id
    security_groups             = [aws_security_group.colocation.id]
    associate_public_ip_address = false
    delete_on_termination       = true

    # ENA Express (SRD); see the note at the top of this file.
    dynamic "ena_srd_specification" {
      for_each = var.colocation_ena_express_enabled ? [1] : []
      content {
        ena_srd_enabled = true
        ena_srd_udp_specification {
          ena_srd_udp_enabled = true
        }
      }
    }
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = 50
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "${local.name}-colocation", Role = "colocation" }
  }

  lifecycle {
    precondition {
      condition     = var.colocation_az_index < var.az_count
      error_message = "Invalid value: colocation_az_index must be below az_count."
    }
  }
}

resource "aws_instance" "colocation" {
  count = var.colocation_instance_count

  placement_group = aws_placement_group.colocation.id

  # Subnet, security group, AMI and type come from the launch template's network interface.
  launch_template {
    id      = aws_launch_template.colocation.id
    version = aws_launch_template.colocation.latest_version
  }

  tags = { Name = "${local.name}-colocation-${count.index}", Role = "colocation" }

  lifecycle {
    # A new AL2023 release must not replace running trading hosts; roll them deliberately.
    ignore_changes = [launch_template[0].version]
  }
}
