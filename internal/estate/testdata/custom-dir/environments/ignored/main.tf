resource "terraform_data" "ignored" {}
