variable "cidr" {
  type = string
}

variable "replicas" {
  type    = number
  default = 2
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "api_key" {
  type      = string
  sensitive = true
}

variable "models" {
  type = map(object({ image = string, replicas = number }))
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "alarm_email" {
  type = string
}
