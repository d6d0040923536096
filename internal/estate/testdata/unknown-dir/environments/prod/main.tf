resource "terraform_data" "prod" {}
