environment "dev" {}

environment "staging" {
  depends_on = ["dev", "qa"]
}
