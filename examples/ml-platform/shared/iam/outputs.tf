output "oidc_provider_arn" {
  description = "GitHub Actions OIDC provider."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "Role for pull-request plans (aws-actions/configure-aws-credentials role-to-assume)."
  value       = aws_iam_role.ci["plan"].arn
}

output "apply_role_arn" {
  description = "Role for applies from main and protected GitHub environments."
  value       = aws_iam_role.ci["apply"].arn
}
