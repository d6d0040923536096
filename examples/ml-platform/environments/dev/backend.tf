# Remote state for this environment only: its own key in the shared state
# bucket (created by shared/backend-bootstrap). encrypt = server-side
# encryption of the state object; use_lockfile = S3-native locking (a
# .tflock object next to the state), which replaces the deprecated
# dynamodb_table. Bucket versioning is a property of the bucket, not a
# backend argument.
terraform {
  backend "s3" {
    bucket       = "acme-ml-platform-tfstate"
    key          = "dev/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
