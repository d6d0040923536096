# A private Route53 zone shared by every environment (ml.internal by
# default). Environments associate their own VPC with it and publish names
# such as postgres.<env>.ml.internal (see environments/*/main.tf).
#
# A private hosted zone must be associated with at least one VPC when it is
# created, so this root owns a small "hub" VPC that anchors the zone. The
# hub has no subnets and no routes; its range is reserved and must stay
# outside every environment's range.

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.extra_tags, {
      Environment = "shared"
      Project     = "ml-platform"
      ManagedBy   = "terraform"
    })
  }
}

resource "aws_vpc" "hub" {
  cidr_block           = var.hub_vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = "${var.name_prefix}-dns-hub" }
}

resource "aws_route53_zone" "internal" {
  name    = var.internal_zone_name
  comment = "Internal names of the ${var.name_prefix} environments"

  vpc {
    vpc_id = aws_vpc.hub.id
  }

  # Environments add their VPCs with aws_route53_zone_association; without
  # this, every apply here would remove those associations again.
  lifecycle {
    ignore_changes = [vpc]
  }

  tags = { Name = var.internal_zone_name }
}
