provider "aws" {
  region = var.region

  # Every taggable resource gets these; resources add their own Name/tier tags on top.
  default_tags {
    tags = local.common_tags
  }
}
