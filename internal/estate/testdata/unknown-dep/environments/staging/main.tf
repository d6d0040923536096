resource "terraform_data" "staging" {}
