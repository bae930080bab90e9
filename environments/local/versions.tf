terraform {
  required_version = ">= 1.11"

  # State stays next to this root (gitignored): moto forgets everything when it stops, so there is
  # nothing worth sharing.
  backend "local" {
    path = "terraform.tfstate"
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
