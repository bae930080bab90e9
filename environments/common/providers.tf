# Linked into environments/{dev,staging,prod}. local.environment comes from the root's main.tf.
provider "aws" {
  region = var.aws_region
  # Refuses to run against any other account, e.g. with a developer's default profile.
  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null

  default_tags {
    tags = {
      project     = "lendverify"
      environment = local.environment
      owner       = var.owner
    }
  }
}
