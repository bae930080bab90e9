terraform {
  required_version = ">= 1.11"

  # Bucket and region come from `terraform init -backend-config=backend.hcl` (see backend.hcl.example),
  # so the same code serves any lender's account.
  backend "s3" {
    key          = "lendverify/prod/terraform.tfstate"
    use_lockfile = true
    encrypt      = true
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
