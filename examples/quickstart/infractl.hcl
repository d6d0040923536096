# The quick-start estate: three environments of one small root module,
# using only Terraform's built-in terraform_data resource (no provider
# download). Changes flow dev -> staging -> prod; prod asks before applying.

environment "dev" {}

environment "staging" {
  depends_on = ["dev"]
}

environment "prod" {
  depends_on = ["staging"]
  protected  = true
}
