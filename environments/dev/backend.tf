# The state of dev: its own key in the account's state bucket, S3-native locking, encrypted.
terraform {
  # Bucket and region: terraform init -backend-config=backend.hcl (see backend.hcl.example).
  backend "s3" {
    key          = "lendverify/dev/terraform.tfstate"
    use_lockfile = true
    encrypt      = true
  }
}
