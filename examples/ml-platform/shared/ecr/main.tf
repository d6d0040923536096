# One ECR repository per model: images scanned on push, tags immutable (a
# tag promoted to prod always means the same image), encrypted with KMS,
# and a lifecycle policy that expires untagged layers and old images.

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

resource "aws_ecr_repository" "model" {
  for_each = toset(var.models)

  name                 = "${var.repository_prefix}/${each.value}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  # KMS without kms_key uses the AWS-managed aws/ecr key; set kms_key_arn
  # for a customer-managed key.
  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = { Model = each.value }
}

resource "aws_ecr_lifecycle_policy" "model" {
  for_each = aws_ecr_repository.model

  repository = each.value.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after ${var.untagged_image_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_image_expiry_days
        }
        action = { type = "expire" }
      },
      {
        # A rule on "any" must have the highest priority number.
        rulePriority = 2
        description  = "Keep the newest ${var.max_image_count} images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.max_image_count
        }
        action = { type = "expire" }
      },
    ]
  })
}
