cidr        = "10.30.0.0/16"
replicas    = 3
db_password = "prod-password-never-shown"
api_key     = "same-key-in-both"
alarm_email = "oncall@acme.example"
models = {
  api    = { image = "api:1.4.1", replicas = 3 }
  worker = { image = "worker:2.0.0", replicas = 2 }
}
tags = { team = "platform", "cost-center" = "prod" }
