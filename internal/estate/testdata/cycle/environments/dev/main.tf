resource "terraform_data" "dev" {}
