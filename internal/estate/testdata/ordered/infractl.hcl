# Promotion order: dev, then staging, then prod.
terraform_binary = "tofu"

environment "dev" {}

environment "staging" {
  depends_on = ["dev"]
}

environment "prod" {
  depends_on = ["staging", "staging"]
  protected  = true
}
