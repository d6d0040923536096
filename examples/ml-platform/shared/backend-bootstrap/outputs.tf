output "bucket" {
  description = "Name of the state bucket."
  value       = aws_s3_bucket.state.id
}

output "bucket_arn" {
  description = "ARN of the state bucket, for IAM policies of the roles that run Terraform."
  value       = aws_s3_bucket.state.arn
}

output "lock_table" {
  description = "Name of the DynamoDB lock table, null when none was created."
  value       = var.create_lock_table ? aws_dynamodb_table.locks[0].name : null
}

output "backend_block" {
  description = "A backend block to paste into an environment (replace the key with one per environment), or generate for every environment with `infractl bootstrap s3 --write-backends`. It sets use_lockfile = true, which needs Terraform >= 1.10 in every environment that uses it (older versions reject the argument): give those environments required_version = \">= 1.10\", or, on older Terraform, drop use_lockfile and lock with dynamodb_table (create_lock_table = true)."
  value = join("\n", compact([
    "terraform {",
    "  backend \"s3\" {",
    "    bucket       = \"${aws_s3_bucket.state.id}\"",
    "    key          = \"${var.state_key}\"",
    "    region       = \"${var.region}\"",
    "    encrypt      = true",
    var.kms_key_arn == null ? "" : "    kms_key_id   = \"${var.kms_key_arn}\"",
    "    use_lockfile = true # S3 lock file: needs Terraform >= 1.10",
    var.create_lock_table ? "    dynamodb_table = \"${aws_dynamodb_table.locks[0].name}\"" : "",
    "  }",
    "}",
  ]))
}
