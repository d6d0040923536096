variable "region" {
  description = "Region of the registry (the environments pull from the same region)."
  type        = string
}

variable "repository_prefix" {
  description = "Namespace of the model repositories: <prefix>/<model>."
  type        = string
  default     = "ml-platform"
}

variable "models" {
  description = "Models that get a repository."
  type        = list(string)

  validation {
    condition     = alltrue([for m in var.models : can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*$", m))])
    error_message = "Model names must be lowercase ECR repository path components."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for image encryption; null uses the AWS-managed aws/ecr key."
  type        = string
  default     = null
}

variable "untagged_image_expiry_days" {
  description = "Days after which untagged images (left over from re-pushes and failed builds) are deleted."
  type        = number
  default     = 14
}

variable "max_image_count" {
  description = "Images kept per repository; older ones expire. Keep it well above the number of builds between a dev build and its prod promotion."
  type        = number
  default     = 200
}

variable "extra_tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
