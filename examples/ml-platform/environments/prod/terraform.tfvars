# prod: a NAT gateway per zone, all control-plane logs, flow logs, a
# Multi-AZ database with deletion protection, 30 days of backups and
# fine-grained monitoring, and the largest node groups.

environment = "prod"
region      = "us-east-1"

extra_tags = {
  CostCenter = "ml-prod"
  Owner      = "ml-platform-team"
}

# Network
vpc_cidr                 = "10.30.0.0/16"
az_count                 = 3
single_nat_gateway       = false
enable_flow_logs         = true
flow_logs_retention_days = 90
internal_zone_name       = "ml.internal"

# Kubernetes
kubernetes_version             = "1.35"
cluster_endpoint_public_access = true
# Replace with the egress ranges of the runners and operators that apply
# prod (203.0.113.0/24 is a documentation range).
cluster_public_access_cidrs = ["203.0.113.0/24"]
cluster_log_types           = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
cluster_log_retention_days  = 90
cluster_admin_role_names    = ["ml-platform-ci-apply"]
cluster_viewer_role_names   = ["ml-platform-ci-plan"]

node_instance_types = ["m6i.xlarge"]
node_capacity_type  = "ON_DEMAND"
node_min_size       = 3
node_desired_size   = 3
node_max_size       = 10

enable_gpu_nodes        = true
gpu_node_instance_types = ["g5.2xlarge"]
gpu_node_min_size       = 1
gpu_node_desired_size   = 2
gpu_node_max_size       = 4

# Database
db_instance_class                      = "db.r6g.large"
db_allocated_storage                   = 100
db_max_allocated_storage               = 500
db_multi_az                            = true
db_backup_retention_days               = 30
db_deletion_protection                 = true
db_skip_final_snapshot                 = false
db_performance_insights_enabled        = true
db_performance_insights_retention_days = 31
db_monitoring_interval                 = 15
db_log_exports                         = ["postgresql", "upgrade"]

# Models: tags are promoted dev -> staging -> prod.
bankchurn_image_tag = "1.4.1"
carvision_image_tag = "0.8.3"

models = {
  bankchurn = {
    replicas     = 3
    max_replicas = 10
    cpu          = "500m"
    memory       = "1Gi"
  }
  carvision = {
    replicas     = 2
    max_replicas = 6
    cpu          = "2"
    memory       = "8Gi"
    gpu          = 1
  }
}
