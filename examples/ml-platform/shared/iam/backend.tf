# Shared (account-wide) root: its own state key next to the environments'.
terraform {
  backend "s3" {
    bucket       = "acme-ml-platform-tfstate"
    key          = "shared/iam/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
