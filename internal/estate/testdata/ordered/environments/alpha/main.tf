resource "terraform_data" "alpha" {}
