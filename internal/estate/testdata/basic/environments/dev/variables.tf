variable "region" {
  type        = string
  default     = "eu-west-1"
  description = "AWS region."
}

variable "cidr" {
  type = string
}

variable "instance_count" {
  type    = number
  default = 1
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "owner" {
  default = "platform"
}

variable "db_password" {
  type      = string
  sensitive = true
}
