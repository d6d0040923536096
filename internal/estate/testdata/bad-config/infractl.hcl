environments_dir = "environments"
terraform_bin    = "tofu"

environment "dev" {
  protected = "yes please"
  depend_on = ["x"]
}

notify {}
