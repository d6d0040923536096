# Identical in every environment: the values that make an environment what
# it is are in terraform.tfvars. Sizing variables have no defaults on
# purpose, so every environment states its own capacity.

# --- Identity -------------------------------------------------------------------

variable "environment" {
  description = "Environment name; prefixes resource names (ml-platform-<environment>) and tags everything."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the environment (the state bucket's region is fixed in backend.tf)."
  type        = string
}

variable "extra_tags" {
  description = "Tags added to every AWS resource on top of Environment, Project and ManagedBy (e.g. CostCenter, Owner)."
  type        = map(string)
  default     = {}
}

# --- Network --------------------------------------------------------------------

variable "vpc_cidr" {
  description = "IPv4 range of the environment's VPC. Must not overlap any other environment (peering, transit gateway, VPN)."
  type        = string
}

variable "az_count" {
  description = "Availability zones the subnets span."
  type        = number
}

variable "single_nat_gateway" {
  description = "true: one shared NAT gateway; false: one NAT gateway per availability zone (survives a zone outage)."
  type        = bool
}

variable "enable_flow_logs" {
  description = "Record VPC flow logs in CloudWatch."
  type        = bool
}

variable "flow_logs_retention_days" {
  description = "Days to keep VPC flow logs."
  type        = number
  default     = 30
}

variable "internal_zone_name" {
  description = "Private Route53 zone of shared/networking to join and publish postgres.<environment>.<zone> in; null skips internal DNS."
  type        = string
  default     = null
}

# --- Kubernetes cluster ---------------------------------------------------------

variable "kubernetes_version" {
  description = "EKS Kubernetes minor version, e.g. 1.35."
  type        = string
}

variable "cluster_endpoint_public_access" {
  description = "Expose the Kubernetes API endpoint publicly (to cluster_public_access_cidrs)."
  type        = bool
  default     = true
}

variable "cluster_public_access_cidrs" {
  description = "CIDRs allowed to reach the public Kubernetes API endpoint (CI runners, operators)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "cluster_log_types" {
  description = "EKS control-plane logs sent to CloudWatch: api, audit, authenticator, controllerManager, scheduler."
  type        = list(string)
}

variable "cluster_log_retention_days" {
  description = "Days to keep EKS control-plane logs."
  type        = number
}

variable "cluster_admin_role_names" {
  description = "IAM role names (in this account, no path) given cluster-admin on the Kubernetes API, e.g. the CI apply role of shared/iam."
  type        = list(string)
  default     = []
}

variable "cluster_viewer_role_names" {
  description = "IAM role names (in this account, no path) given read-only access to the Kubernetes API, e.g. the CI plan role of shared/iam."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "Instance types of the general node group (several types help SPOT capacity)."
  type        = list(string)
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT for the general node group."
  type        = string
  default     = "ON_DEMAND"
}

variable "node_min_size" {
  description = "Minimum nodes in the general node group."
  type        = number
}

variable "node_desired_size" {
  description = "Desired nodes in the general node group."
  type        = number
}

variable "node_max_size" {
  description = "Maximum nodes in the general node group."
  type        = number
}

variable "enable_gpu_nodes" {
  description = "Create the GPU node group (NVIDIA AMI, tainted nvidia.com/gpu=true:NoSchedule)."
  type        = bool
}

variable "gpu_node_instance_types" {
  description = "Instance types of the GPU node group."
  type        = list(string)
  default     = ["g5.xlarge"]
}

variable "gpu_node_min_size" {
  description = "Minimum nodes in the GPU node group."
  type        = number
  default     = 0
}

variable "gpu_node_desired_size" {
  description = "Desired nodes in the GPU node group."
  type        = number
  default     = 0
}

variable "gpu_node_max_size" {
  description = "Maximum nodes in the GPU node group."
  type        = number
  default     = 1
}

# --- Database -------------------------------------------------------------------

variable "db_instance_class" {
  description = "RDS PostgreSQL instance class."
  type        = string
}

variable "db_allocated_storage" {
  description = "Initial database storage in GiB."
  type        = number
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB (0 disables autoscaling)."
  type        = number
}

variable "db_multi_az" {
  description = "Run a standby database in a second availability zone."
  type        = bool
}

variable "db_backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database until this is turned off."
  type        = bool
  default     = true
}

variable "db_skip_final_snapshot" {
  description = "Delete the database without a final snapshot (only where the data does not matter)."
  type        = bool
  default     = false
}

variable "db_performance_insights_enabled" {
  description = "Enable RDS Performance Insights."
  type        = bool
}

variable "db_performance_insights_retention_days" {
  description = "Days of Performance Insights data: 7, 731 or a multiple of 31."
  type        = number
  default     = 7
}

variable "db_monitoring_interval" {
  description = "RDS Enhanced Monitoring interval in seconds (0 disables it; smaller is finer-grained)."
  type        = number
}

variable "db_log_exports" {
  description = "PostgreSQL logs exported to CloudWatch (postgresql, upgrade)."
  type        = list(string)
  default     = []
}

# --- Models -----------------------------------------------------------------------

variable "ecr_repository_prefix" {
  description = "Prefix of the model repositories created by shared/ecr (<prefix>/<model>)."
  type        = string
  default     = "ml-platform"
}

variable "bankchurn_image_tag" {
  description = "Image tag of the bankchurn model (immutable in ECR). Promoted dev -> staging -> prod."
  type        = string
}

variable "carvision_image_tag" {
  description = "Image tag of the carvision model (immutable in ECR). Promoted dev -> staging -> prod."
  type        = string
}

variable "models" {
  description = "Sizing of each served model: minimum and maximum replicas, CPU/memory requests, GPUs per pod and container port. Images are built from the <model>_image_tag variables."
  type = map(object({
    replicas     = number
    max_replicas = number
    cpu          = string
    memory       = string
    gpu          = optional(number, 0)
    port         = optional(number, 8080)
  }))

  validation {
    condition     = alltrue([for name in keys(var.models) : contains(["bankchurn", "carvision"], name)])
    error_message = "Every model needs a <model>_image_tag variable and an entry in local.image_tags (known: bankchurn, carvision)."
  }

  # Cross-variable validation needs Terraform 1.9+ (required_version is 1.11+).
  validation {
    condition     = var.enable_gpu_nodes || alltrue([for m in values(var.models) : m.gpu == 0])
    error_message = "A model asks for a GPU but enable_gpu_nodes is false: its pods would never be scheduled."
  }
}
