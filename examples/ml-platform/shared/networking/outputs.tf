output "internal_zone_id" {
  description = "ID of the private hosted zone."
  value       = aws_route53_zone.internal.zone_id
}

output "internal_zone_name" {
  description = "Name of the private hosted zone."
  value       = aws_route53_zone.internal.name
}

output "hub_vpc_id" {
  description = "VPC anchoring the private zone."
  value       = aws_vpc.hub.id
}
