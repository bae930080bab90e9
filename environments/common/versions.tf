# Linked into environments/{dev,staging,prod}: the same Terraform and provider constraints for every AWS
# root. Each root's backend block (its own state key) is in its backend.tf.
terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
