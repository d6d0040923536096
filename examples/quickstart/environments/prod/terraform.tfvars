replicas      = 3
instance_size = "large"
