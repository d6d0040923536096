resource "aws_s3_bucket" "logs" {
  bucket = "acme-dev-logs"
}

module "network" {
  version = "1.0.0"
}
