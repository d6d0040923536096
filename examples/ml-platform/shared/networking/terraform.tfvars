region             = "us-east-1"
name_prefix        = "ml-platform"
internal_zone_name = "ml.internal"
hub_vpc_cidr       = "10.255.0.0/16"

extra_tags = {
  CostCenter = "ml-shared"
  Owner      = "ml-platform-team"
}
