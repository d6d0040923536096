variable "cidr" {
  type = string
}

module "subnets" {
  source = "./subnets"
  cidr   = var.cidr
}
