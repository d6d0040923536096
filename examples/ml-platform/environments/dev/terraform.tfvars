# dev: smallest and cheapest. Spot nodes, one NAT gateway, no GPU nodes
# (carvision runs on CPU here), minimal logging, a throwaway database.

environment = "dev"
region      = "us-east-1"

extra_tags = {
  CostCenter = "ml-dev"
  Owner      = "ml-platform-team"
}

# Network
vpc_cidr                 = "10.10.0.0/16"
az_count                 = 2
single_nat_gateway       = true
enable_flow_logs         = false
flow_logs_retention_days = 7
internal_zone_name       = "ml.internal"

# Kubernetes
kubernetes_version             = "1.35"
cluster_endpoint_public_access = true
cluster_public_access_cidrs    = ["0.0.0.0/0"]
cluster_log_types              = ["api", "audit"]
cluster_log_retention_days     = 7
cluster_admin_role_names       = ["ml-platform-ci-apply"]
cluster_viewer_role_names      = ["ml-platform-ci-plan"]

node_instance_types = ["t3.medium", "t3a.medium"]
node_capacity_type  = "SPOT"
node_min_size       = 1
node_desired_size   = 1
node_max_size       = 2

enable_gpu_nodes        = false
gpu_node_instance_types = ["g5.xlarge"]
gpu_node_min_size       = 0
gpu_node_desired_size   = 0
gpu_node_max_size       = 1

# Database
db_instance_class                      = "db.t4g.micro"
db_allocated_storage                   = 20
db_max_allocated_storage               = 50
db_multi_az                            = false
db_backup_retention_days               = 1
db_deletion_protection                 = false
db_skip_final_snapshot                 = true
db_performance_insights_enabled        = false
db_performance_insights_retention_days = 7
db_monitoring_interval                 = 0
db_log_exports                         = []

# Models: tags are promoted dev -> staging -> prod.
bankchurn_image_tag = "1.5.0"
carvision_image_tag = "0.9.0"

models = {
  bankchurn = {
    replicas     = 1
    max_replicas = 2
    cpu          = "250m"
    memory       = "512Mi"
  }
  carvision = {
    replicas     = 1
    max_replicas = 1
    cpu          = "1"
    memory       = "2Gi"
    gpu          = 0
  }
}
