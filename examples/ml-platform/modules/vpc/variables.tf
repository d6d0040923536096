variable "name" {
  description = "Name prefix for every resource in the network, e.g. ml-platform-dev."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 range of the VPC, e.g. 10.10.0.0/16. Must not overlap any other environment. Private subnets are /19s, public and database subnets /24s when given a /16."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && try(tonumber(split("/", var.cidr_block)[1]) <= 20, false)
    error_message = "cidr_block must be an IPv4 CIDR of size /20 or larger, e.g. 10.10.0.0/16."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread subnets (and, with single_nat_gateway = false, NAT gateways) across."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6
    error_message = "az_count must be between 2 and 6 (EKS needs subnets in at least two zones)."
  }
}

variable "single_nat_gateway" {
  description = "true: one NAT gateway shared by every private subnet (cheaper, one zone is a single point of failure). false: one NAT gateway per availability zone."
  type        = bool
  default     = true
}

variable "cluster_name" {
  description = "EKS cluster that will use these subnets; tags the subnets so the cluster and its load balancers can find them. null leaves the cluster tag off."
  type        = string
  default     = null
}

variable "enable_flow_logs" {
  description = "Send VPC flow logs to a CloudWatch log group."
  type        = bool
  default     = false
}

variable "flow_logs_retention_days" {
  description = "Days to keep VPC flow logs in CloudWatch (only used with enable_flow_logs)."
  type        = number
  default     = 30
}

variable "flow_logs_traffic_type" {
  description = "Which traffic the flow log records: ACCEPT, REJECT or ALL."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_logs_traffic_type)
    error_message = "flow_logs_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
