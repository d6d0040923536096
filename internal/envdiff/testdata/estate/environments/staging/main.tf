terraform {
  required_version = ">= 1.10"

  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "staging/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
    secret_key   = "staging-backend-secret-not-shown"
    assume_role = {
      role_arn = "arn:aws:iam::222222222222:role/terraform"
    }
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

module "vpc" {
  source = "../../modules/vpc-v2"
  cidr   = var.cidr
}

module "labels" {
  source  = "cloudposse/label/null"
  version = "0.26.0"
}

resource "aws_s3_bucket" "assets" {
  bucket = "acme-staging-assets"
}

resource "aws_s3_bucket" "scratch" {
  bucket = "acme-staging-scratch"
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}
