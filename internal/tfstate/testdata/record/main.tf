# Configuration behind the real Terraform 1.11.4 fixtures in ../states.
# record.sh applies it several times and copies the local state after each step.
# It uses only the built-in terraform provider, so no provider download is needed.

terraform {
  required_version = "~> 1.11.0"
}

variable "env" {
  type    = string
  default = "dev"
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "rotation" {
  type    = number
  default = 1
}

# count: addresses terraform_data.counted[0], [1].
resource "terraform_data" "counted" {
  count = 2
  input = "counted-${count.index}-${var.env}"
}

# for_each: string index keys, one of them not an identifier.
resource "terraform_data" "each" {
  for_each = {
    alpha        = "a"
    "beta gamma" = "b"
  }
  input = {
    name = each.key
    env  = var.env
    tags = { team = "core", env = var.env }
  }
}

# A wholly sensitive attribute: sensitive_attributes marks input and output.
resource "terraform_data" "secret" {
  input = sensitive("SENTINEL-whole-${var.env}")
}

# Sensitive values nested inside an object, a list and a map: the
# sensitive_attributes paths use get_attr and index steps.
resource "terraform_data" "nested" {
  input = {
    user     = "app"
    password = var.db_password
    ports    = [80, 443]
    tokens   = ["public-token", sensitive("SENTINEL-list-${var.rotation}")]
    labels   = tomap({ "api key" = sensitive("SENTINEL-map-${var.env}"), owner = "core" })
  }

  lifecycle {
    postcondition {
      condition     = self.output.user == "app"
      error_message = "user must be app"
    }
  }
}

# create_before_destroy with a creation-time provisioner that fails while the
# file fail-create exists: record.sh uses it to leave the replacement tainted
# and the old object deposed. (Destroy-time provisioners do not run for
# deposed objects, so they cannot be used for this.)
resource "terraform_data" "cbd" {
  triggers_replace = [var.rotation]
  input            = "rotation-${var.rotation}"

  lifecycle {
    create_before_destroy = true
  }

  provisioner "local-exec" {
    command = "test ! -e fail-create"
  }
}

module "net" {
  source = "./modules/net"
  env    = var.env
}

data "terraform_remote_state" "base" {
  backend = "local"
  config = {
    path = "${path.module}/base/terraform.tfstate"
  }
}

check "env_known" {
  assert {
    condition     = var.env != ""
    error_message = "env must be set"
  }
}

output "env" {
  value = var.env
}

output "counted_ids" {
  value = terraform_data.counted[*].id
}

output "region" {
  value = data.terraform_remote_state.base.outputs.region
}

output "db_password" {
  value     = var.db_password
  sensitive = true
}

output "subnets" {
  value = module.net.subnets
}
