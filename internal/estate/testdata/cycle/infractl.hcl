environment "dev" {
  depends_on = ["prod"]
}

environment "staging" {
  depends_on = ["dev"]
}

environment "prod" {
  depends_on = ["staging"]
}
