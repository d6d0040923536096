terraform {
  required_version = ">= 1.5.0"

  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "dev/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
    max_retries  = 5

    assume_role {
      role_arn = "arn:aws:iam::123456789012:role/tfstate"
    }
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    random = {
      source                = "hashicorp/random"
      configuration_aliases = [random.other]
    }
  }
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

module "network" {
  source = "../../modules/network"
  cidr   = var.cidr
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-dev-logs"
}

data "aws_caller_identity" "current" {}
