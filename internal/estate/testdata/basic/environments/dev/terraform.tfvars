cidr           = "10.0.0.0/16"
instance_count = 2
region         = "eu-west-2"
undeclared     = "x"
