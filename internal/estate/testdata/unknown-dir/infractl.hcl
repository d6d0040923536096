environment "dev" {}

environment "qa" {}

environment "empty" {}
