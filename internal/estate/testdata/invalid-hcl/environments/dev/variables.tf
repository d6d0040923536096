variable "region" {
  default = var.fallback
}

variable "zone" {
  type = string
  sensitive = "maybe"
}
