output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "Availability zones the subnets were spread across, in subnet order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "Public subnets (internet-facing load balancers, NAT gateways)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (EKS nodes and pods), with outbound access through NAT."
  value       = aws_subnet.private[*].id
}

output "database_subnet_ids" {
  description = "Database subnets, with no route to or from the internet."
  value       = aws_subnet.database[*].id
}

output "nat_gateway_ids" {
  description = "NAT gateways: one, or one per availability zone."
  value       = aws_nat_gateway.this[*].id
}

output "nat_public_ips" {
  description = "Public IPs the private subnets reach the internet from (allow-list these at third parties)."
  value       = aws_eip.nat[*].public_ip
}

output "flow_log_group_name" {
  description = "CloudWatch log group receiving the flow logs, or null when flow logs are off."
  value       = one(aws_cloudwatch_log_group.flow_logs[*].name)
}
