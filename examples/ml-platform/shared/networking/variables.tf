variable "region" {
  description = "Region of the hub VPC (the zone itself is global)."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of resource names."
  type        = string
  default     = "ml-platform"
}

variable "internal_zone_name" {
  description = "Name of the private hosted zone; environments set the same value in internal_zone_name."
  type        = string
  default     = "ml.internal"
}

variable "hub_vpc_cidr" {
  description = "Range of the hub VPC anchoring the private zone. Reserved: keep it outside every environment's vpc_cidr (they use 10.10.0.0/16, 10.20.0.0/16, 10.30.0.0/16, ...)."
  type        = string
  default     = "10.255.0.0/16"

  validation {
    condition     = can(cidrhost(var.hub_vpc_cidr, 0))
    error_message = "hub_vpc_cidr must be an IPv4 CIDR."
  }
}

variable "extra_tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
