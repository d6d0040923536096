output "vpc_id" {
  description = "VPC of the environment."
  value       = module.vpc.vpc_id
}

output "vpc_cidr_block" {
  description = "IPv4 range of the environment's VPC."
  value       = module.vpc.vpc_cidr_block
}

output "private_subnet_ids" {
  description = "Private subnets of the EKS nodes."
  value       = module.vpc.private_subnet_ids
}

output "nat_public_ips" {
  description = "Egress IPs of the environment."
  value       = module.vpc.nat_public_ips
}

output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name <this>)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "database_address" {
  description = "PostgreSQL host."
  value       = module.rds.address
}

output "database_internal_name" {
  description = "PostgreSQL host in the private zone, or null without internal DNS."
  value       = one(aws_route53_record.postgres[*].fqdn)
}

output "database_master_user_secret_arn" {
  description = "Secrets Manager secret holding the master password (managed and rotated by RDS)."
  value       = module.rds.master_user_secret_arn
}

output "model_namespace" {
  description = "Kubernetes namespace of the models."
  value       = module.ml_serving.namespace
}

output "model_endpoints" {
  description = "In-cluster endpoint of each model."
  value       = module.ml_serving.endpoints
}

output "model_images" {
  description = "Image each model runs (what promotion moves between environments)."
  value       = module.ml_serving.images
}
