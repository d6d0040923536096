cidr        = "10.20.0.0/16"
db_password = "staging-password-never-shown"
api_key     = "same-key-in-both"
models = {
  api    = { image = "api:1.4.2", replicas = 3 }
  batch  = { image = "batch:0.1.0", replicas = 1 }
}
tags = { team = "platform", "cost-center" = "staging" }
