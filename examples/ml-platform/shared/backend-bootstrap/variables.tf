variable "bucket_name" {
  description = "Name of the S3 bucket that holds Terraform state. Bucket names are global: pick one no other account uses."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "region" {
  description = "Region of the state bucket (and lock table); written into the backend block output."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for default encryption (aws:kms). Null uses SSE-S3 (AES256)."
  type        = string
  default     = null
}

variable "create_lock_table" {
  description = "Create a DynamoDB lock table. Terraform >= 1.10 can lock with an S3 lock file alone (use_lockfile = true); the table is for older Terraform or OpenTofu versions that still need it."
  type        = bool
  default     = false
}

variable "lock_table_name" {
  description = "Name of the DynamoDB lock table, used when create_lock_table is true."
  type        = string
  default     = "terraform-locks"
}

variable "state_key" {
  description = "State key to show in the ready-to-paste backend block; use one key per environment, e.g. \"<env>/terraform.tfstate\"."
  type        = string
  default     = "ENV/terraform.tfstate"
}

variable "tags" {
  description = "Tags for the bucket and the table."
  type        = map(string)
  default     = {}
}
