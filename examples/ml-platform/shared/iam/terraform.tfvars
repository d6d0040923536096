region            = "us-east-1"
github_repository = "acme/ml-platform"
environments      = ["dev", "staging", "prod"]
state_bucket      = "acme-ml-platform-tfstate"
name_prefix       = "ml-platform"

extra_tags = {
  CostCenter = "ml-shared"
  Owner      = "ml-platform-team"
}
