terraform {
  required_version = "~> 1.9"
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-prod-logs"
}
