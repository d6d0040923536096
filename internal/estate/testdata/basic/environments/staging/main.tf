terraform {
  backend "http" {
    address        = "https://state.example.com/states/staging"
    lock_address   = "https://state.example.com/states/staging/lock"
    unlock_address = "https://state.example.com/states/staging/lock"
  }

  required_providers {
    aws = "~> 4.0"
  }
}

module "network" {
  source = "../../modules/network"
  cidr   = "10.1.0.0/16"
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-staging-logs"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
