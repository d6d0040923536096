# The ML platform estate: changes flow dev -> staging -> prod, and prod asks
# for confirmation before it is applied.

environment "dev" {}

environment "staging" {
  depends_on = ["dev"]
}

environment "prod" {
  depends_on = ["staging"]
  protected  = true
}
