# staging: mirrors prod's shape (three zones, GPU nodes, Multi-AZ database,
# full monitoring) on smaller machines, one NAT gateway and no deletion
# protection. Tags here are the release candidates for prod.

environment = "staging"
region      = "us-east-1"

extra_tags = {
  CostCenter = "ml-staging"
  Owner      = "ml-platform-team"
}

# Network
vpc_cidr                 = "10.20.0.0/16"
az_count                 = 3
single_nat_gateway       = true
enable_flow_logs         = true
flow_logs_retention_days = 30
internal_zone_name       = "ml.internal"

# Kubernetes
kubernetes_version             = "1.35"
cluster_endpoint_public_access = true
cluster_public_access_cidrs    = ["0.0.0.0/0"]
cluster_log_types              = ["api", "audit", "authenticator"]
cluster_log_retention_days     = 30
cluster_admin_role_names       = ["ml-platform-ci-apply"]
cluster_viewer_role_names      = ["ml-platform-ci-plan"]

node_instance_types = ["m6i.large"]
node_capacity_type  = "ON_DEMAND"
node_min_size       = 2
node_desired_size   = 2
node_max_size       = 4

enable_gpu_nodes        = true
gpu_node_instance_types = ["g5.xlarge"]
gpu_node_min_size       = 1
gpu_node_desired_size   = 1
gpu_node_max_size       = 2

# Database
db_instance_class                      = "db.t4g.medium"
db_allocated_storage                   = 50
db_max_allocated_storage               = 200
db_multi_az                            = true
db_backup_retention_days               = 7
db_deletion_protection                 = false
db_skip_final_snapshot                 = false
db_performance_insights_enabled        = true
db_performance_insights_retention_days = 7
db_monitoring_interval                 = 60
db_log_exports                         = ["postgresql"]

# Models: tags are promoted dev -> staging -> prod.
bankchurn_image_tag = "1.4.2"
carvision_image_tag = "0.8.3"

models = {
  bankchurn = {
    replicas     = 2
    max_replicas = 4
    cpu          = "500m"
    memory       = "1Gi"
  }
  carvision = {
    replicas     = 1
    max_replicas = 2
    cpu          = "2"
    memory       = "8Gi"
    gpu          = 1
  }
}
