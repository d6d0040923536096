# One environment of the ML platform. This file is identical in every
# environment; what differs lives in terraform.tfvars (sizes, monitoring,
# network range, image tags) and backend.tf (the state key).

terraform {
  # use_lockfile (S3-native state locking) needs Terraform 1.10+, GA in 1.11.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 3.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.extra_tags, {
      Environment = var.environment
      Project     = "ml-platform"
      ManagedBy   = "terraform"
    })
  }
}

# Short-lived tokens from `aws eks get-token` (AWS CLI on PATH), fetched on
# every run instead of a token stored in state.
provider "kubernetes" {
  host                   = module.eks.cluster_endpoint
  cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)

  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name      = "ml-platform-${var.environment}"
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id

  # Images come from the repositories of shared/ecr; only the tags move
  # between environments (promotion dev -> staging -> prod).
  registry = "${local.account}.dkr.ecr.${var.region}.amazonaws.com"
  image_tags = {
    bankchurn = var.bankchurn_image_tag
    carvision = var.carvision_image_tag
  }
  models = {
    for name, m in var.models : name => merge(m, {
      image = "${local.registry}/${var.ecr_repository_prefix}/${name}:${local.image_tags[name]}"
    })
  }

  # A general node group always; a GPU node group, tainted so that only
  # pods asking for a GPU land there, when enable_gpu_nodes is set.
  node_groups = merge(
    {
      general = {
        instance_types = var.node_instance_types
        capacity_type  = var.node_capacity_type
        min_size       = var.node_min_size
        desired_size   = var.node_desired_size
        max_size       = var.node_max_size
      }
    },
    {
      for name, ng in {
        gpu = {
          instance_types = var.gpu_node_instance_types
          capacity_type  = "ON_DEMAND"
          ami_type       = "AL2023_x86_64_NVIDIA"
          disk_size      = 100
          min_size       = var.gpu_node_min_size
          desired_size   = var.gpu_node_desired_size
          max_size       = var.gpu_node_max_size
          labels         = { "ml-platform/accelerator" = "nvidia" }
          taints         = [{ key = "nvidia.com/gpu", value = "true", effect = "NO_SCHEDULE" }]
        }
      } : name => ng if var.enable_gpu_nodes
    },
  )

  # CI roles (shared/iam) and any operator roles get Kubernetes API access
  # through EKS access entries.
  access_entries = merge(
    {
      for role in var.cluster_admin_role_names : "admin-${role}" => {
        principal_arn = "arn:${local.partition}:iam::${local.account}:role/${role}"
        policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
      }
    },
    {
      for role in var.cluster_viewer_role_names : "view-${role}" => {
        principal_arn = "arn:${local.partition}:iam::${local.account}:role/${role}"
        policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
      }
    },
  )
}

module "vpc" {
  source = "../../modules/vpc"

  name                     = local.name
  cidr_block               = var.vpc_cidr
  az_count                 = var.az_count
  single_nat_gateway       = var.single_nat_gateway
  cluster_name             = local.name
  enable_flow_logs         = var.enable_flow_logs
  flow_logs_retention_days = var.flow_logs_retention_days
}

module "eks" {
  source = "../../modules/eks"

  cluster_name       = local.name
  kubernetes_version = var.kubernetes_version
  vpc_id             = module.vpc.vpc_id
  subnet_ids         = module.vpc.private_subnet_ids

  endpoint_private_access = true
  endpoint_public_access  = var.cluster_endpoint_public_access
  public_access_cidrs     = var.cluster_public_access_cidrs

  enabled_cluster_log_types  = var.cluster_log_types
  cluster_log_retention_days = var.cluster_log_retention_days

  node_groups    = local.node_groups
  access_entries = local.access_entries
}

module "rds" {
  source = "../../modules/rds"

  identifier = local.name
  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.database_subnet_ids

  # Pods on the managed nodes reach the database from the cluster security group.
  allowed_security_group_ids = { eks_cluster = module.eks.cluster_security_group_id }

  instance_class                        = var.db_instance_class
  allocated_storage                     = var.db_allocated_storage
  max_allocated_storage                 = var.db_max_allocated_storage
  multi_az                              = var.db_multi_az
  backup_retention_period               = var.db_backup_retention_days
  deletion_protection                   = var.db_deletion_protection
  skip_final_snapshot                   = var.db_skip_final_snapshot
  performance_insights_enabled          = var.db_performance_insights_enabled
  performance_insights_retention_period = var.db_performance_insights_retention_days
  monitoring_interval                   = var.db_monitoring_interval
  enabled_cloudwatch_logs_exports       = var.db_log_exports
}

module "ml_serving" {
  source = "../../modules/ml-serving"

  environment = var.environment
  namespace   = "ml-serving"
  models      = local.models

  # Kubernetes objects need the cluster, the access entries of whoever
  # applies, running nodes and metrics-server first.
  depends_on = [module.eks]
}

# --- Internal DNS (zone from shared/networking) -----------------------------------

data "aws_route53_zone" "internal" {
  count = var.internal_zone_name == null ? 0 : 1

  name         = var.internal_zone_name
  private_zone = true
}

resource "aws_route53_zone_association" "internal" {
  count = var.internal_zone_name == null ? 0 : 1

  zone_id = data.aws_route53_zone.internal[0].zone_id
  vpc_id  = module.vpc.vpc_id
}

resource "aws_route53_record" "postgres" {
  count = var.internal_zone_name == null ? 0 : 1

  zone_id = data.aws_route53_zone.internal[0].zone_id
  name    = "postgres.${var.environment}.${var.internal_zone_name}"
  type    = "CNAME"
  ttl     = 60
  records = [module.rds.address]
}
