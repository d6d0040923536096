variable "region" {
  description = "Region the environments run in; regional permissions are limited to it."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may assume the CI roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "environments" {
  description = "Environments the CI roles may plan and apply: their state keys (<env>/terraform.tfstate) and GitHub environment names."
  type        = list(string)
}

variable "state_bucket" {
  description = "State bucket created by shared/backend-bootstrap."
  type        = string
}

variable "state_kms_key_arn" {
  description = "KMS key of the state bucket's default encryption, when it is SSE-KMS with a customer-managed key; null for SSE-S3 or the AWS-managed key."
  type        = string
  default     = null
}

variable "name_prefix" {
  description = "Prefix of the CI role names and of the environment resources they may manage (<prefix>-<env>-...)."
  type        = string
  default     = "ml-platform"
}

variable "create_oidc_provider" {
  description = "Create the GitHub OIDC provider; false reuses the one already in the account (only one per URL is allowed)."
  type        = bool
  default     = true
}

variable "extra_tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
