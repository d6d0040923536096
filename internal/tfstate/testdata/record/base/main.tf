# A tiny root whose state the main configuration reads through the
# terraform_remote_state data source (a data-mode resource in the fixtures).
output "region" {
  value = "eu-west-1"
}
