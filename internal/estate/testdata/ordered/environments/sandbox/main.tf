resource "terraform_data" "sandbox" {}
