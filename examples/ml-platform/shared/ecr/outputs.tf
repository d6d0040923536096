output "repository_urls" {
  description = "Repository URL of each model (push <url>:<tag>)."
  value       = { for m, repo in aws_ecr_repository.model : m => repo.repository_url }
}

output "repository_arns" {
  description = "Repository ARN of each model (for CI push permissions)."
  value       = { for m, repo in aws_ecr_repository.model : m => repo.arn }
}
