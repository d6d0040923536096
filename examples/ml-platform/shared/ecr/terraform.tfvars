region            = "us-east-1"
repository_prefix = "ml-platform"
models            = ["bankchurn", "carvision"]

extra_tags = {
  CostCenter = "ml-shared"
  Owner      = "ml-platform-team"
}
