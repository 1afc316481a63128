# Terraform and provider pins.
#
# required_version: >= 1.5. The module keeps to what 1.5 understands: variable validations refer
# only to their own variable (cross-variable validation needs 1.9), no provider-defined functions
# (1.8), no ephemeral resources (1.10). validate.sh enforces that and the 5.x provider pin.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # ~> 5.70 means >= 5.70.0, < 6.0.0: every feature used here (aws_eks_cluster access_config,
      # launch-template ena_srd_specification, elasticache transit_encryption_mode, RDS
      # manage_master_user_password) exists from 5.70 on. 6.x is a breaking major: bump on purpose.
      version = "~> 5.70"
    }
  }

  # Partial backend: bucket, key, region and the lock table come from
  # `terraform init -backend-config=env/<environment>.s3.tfbackend` so that one module serves
  # every environment. validate.sh runs `terraform init -backend=false` and never touches it.
  backend "s3" {}
}
