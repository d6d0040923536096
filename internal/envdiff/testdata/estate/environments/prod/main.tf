terraform {
  required_version = ">= 1.11"

  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "prod/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
    kms_key_id   = "alias/tfstate"
    secret_key   = "prod-backend-secret-not-shown"
    assume_role = {
      role_arn = "arn:aws:iam::111111111111:role/terraform"
    }
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

module "vpc" {
  source = "../../modules/vpc"
  cidr   = var.cidr
}

module "labels" {
  source  = "cloudposse/label/null"
  version = "0.25.0"
}

module "waf" {
  source = "../../modules/vpc"
  cidr   = "10.99.0.0/24"
}

resource "aws_s3_bucket" "assets" {
  bucket = "acme-prod-assets"
}

resource "aws_cloudwatch_metric_alarm" "p99" {
  alarm_name = "p99"
}

data "aws_caller_identity" "current" {}
