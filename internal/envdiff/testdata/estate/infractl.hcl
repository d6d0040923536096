environment "staging" {}

environment "prod" {
  depends_on = ["staging"]
  protected  = true
}
