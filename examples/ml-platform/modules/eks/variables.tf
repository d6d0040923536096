variable "cluster_name" {
  description = "Name of the EKS cluster; also the prefix of its IAM roles, KMS alias and log group."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be 1-100 characters: letters, digits, '-' and '_', starting with a letter or digit."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane, e.g. 1.35. Node groups follow the cluster version."
  type        = string
}

variable "vpc_id" {
  description = "VPC the cluster runs in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control plane's network interfaces and for the node groups (at least two zones)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two availability zones."
  }
}

variable "endpoint_private_access" {
  description = "Make the Kubernetes API reachable from inside the VPC."
  type        = bool
  default     = true
}

variable "endpoint_public_access" {
  description = "Make the Kubernetes API reachable from the internet (restricted to public_access_cidrs)."
  type        = bool
  default     = true
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach the public API endpoint. Narrow this to your CI runners' and operators' egress ranges."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "enabled_cluster_log_types" {
  description = "Control-plane logs sent to CloudWatch: any of api, audit, authenticator, controllerManager, scheduler. Empty disables control-plane logging."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for t in var.enabled_cluster_log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], t)
    ])
    error_message = "enabled_cluster_log_types may only contain api, audit, authenticator, controllerManager and scheduler."
  }
}

variable "cluster_log_retention_days" {
  description = "Days to keep control-plane logs in CloudWatch."
  type        = number
  default     = 30
}

variable "node_groups" {
  description = <<-EOT
    Managed node groups by name. Sizes must satisfy min_size <= desired_size <= max_size.
    ami_type: AL2023_x86_64_STANDARD for general nodes, AL2023_x86_64_NVIDIA for GPU nodes.
    taints use the EKS API effects NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE.
  EOT
  type = map(object({
    instance_types = list(string)
    min_size       = number
    desired_size   = number
    max_size       = number
    capacity_type  = optional(string, "ON_DEMAND")
    ami_type       = optional(string, "AL2023_x86_64_STANDARD")
    disk_size      = optional(number, 50)
    labels         = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = optional(string)
      effect = string
    })), [])
  }))

  validation {
    condition = alltrue([
      for ng in values(var.node_groups) : ng.min_size <= ng.desired_size && ng.desired_size <= ng.max_size && ng.max_size >= 1
    ])
    error_message = "Every node group needs min_size <= desired_size <= max_size and max_size >= 1."
  }

  validation {
    condition     = alltrue([for ng in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], ng.capacity_type)])
    error_message = "capacity_type must be ON_DEMAND or SPOT."
  }

  validation {
    condition = alltrue(flatten([
      for ng in values(var.node_groups) : [for t in ng.taints : contains(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"], t.effect)]
    ]))
    error_message = "Taint effects must be NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE."
  }
}

variable "access_entries" {
  description = <<-EOT
    IAM principals given access to the Kubernetes API, by a name of your choice. policy_arn is an EKS
    access policy, e.g. arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy or
    .../AmazonEKSViewPolicy. The cluster creator gets no implicit admin access: list it here.
  EOT
  type = map(object({
    principal_arn = string
    policy_arn    = string
  }))
  default = {}
}

variable "addons" {
  description = "EKS add-ons to install after the node groups, by add-on name, with an optional pinned version (null: the default version for the cluster)."
  type = map(object({
    version = optional(string)
  }))
  default = {
    "metrics-server" = {}
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
