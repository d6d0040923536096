variable "identifier" {
  description = "RDS instance identifier, also the prefix of its subnet group, security group and monitoring role."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.identifier)) && !can(regex("--|-$", var.identifier))
    error_message = "identifier must start with a letter and contain only lowercase letters, digits and single hyphens, not ending in a hyphen."
  }
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the DB subnet group (the VPC's database tier, at least two zones)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "A DB subnet group needs subnets in at least two availability zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect to PostgreSQL, by a stable name of your choice (e.g. { eks_cluster = <sg id> }). Map keys must be known at plan time; values may be computed."
  type        = map(string)
}

variable "engine_version" {
  description = "PostgreSQL version. A major version such as \"17\" lets RDS pick the latest minor and apply minor upgrades."
  type        = string
  default     = "17"
}

variable "instance_class" {
  description = "RDS instance class, e.g. db.t4g.micro."
  type        = string
}

variable "allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
}

variable "max_allocated_storage" {
  description = "Upper bound in GiB for storage autoscaling; 0 disables autoscaling."
  type        = number
  default     = 0
}

variable "db_name" {
  description = "Name of the database created in the instance."
  type        = string
  default     = "mlplatform"
}

variable "master_username" {
  description = "Master user name. Its password is generated and rotated by RDS in Secrets Manager; it is never in Terraform state or variables."
  type        = string
  default     = "mlplatform_admin"
}

variable "kms_key_id" {
  description = "ARN of a KMS key for storage encryption; null uses the AWS-managed aws/rds key. Storage is always encrypted."
  type        = string
  default     = null
}

variable "multi_az" {
  description = "Run a synchronous standby in a second availability zone."
  type        = bool
  default     = false
}

variable "backup_retention_period" {
  description = "Days to keep automated backups (0 disables them, which also disables point-in-time recovery)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_period >= 0 && var.backup_retention_period <= 35
    error_message = "backup_retention_period must be between 0 and 35 days."
  }
}

variable "backup_window" {
  description = "Daily UTC window for automated backups; must not overlap maintenance_window."
  type        = string
  default     = "03:00-04:00"
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window."
  type        = string
  default     = "sun:04:30-sun:05:30"
}

variable "deletion_protection" {
  description = "Refuse to delete the instance until this is turned off."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Delete without a final snapshot. Keep false wherever the data matters."
  type        = bool
  default     = false
}

variable "performance_insights_enabled" {
  description = "Enable Performance Insights."
  type        = bool
  default     = false
}

variable "performance_insights_retention_period" {
  description = "Days to keep Performance Insights data: 7, 731 or a multiple of 31 (only used when enabled)."
  type        = number
  default     = 7
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds: 0 (off), 1, 5, 10, 15, 30 or 60."
  type        = number
  default     = 0

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "enabled_cloudwatch_logs_exports" {
  description = "PostgreSQL logs exported to CloudWatch: any of postgresql, upgrade, iam-db-auth-error."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource of the module (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
