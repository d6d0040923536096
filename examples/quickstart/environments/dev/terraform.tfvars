replicas      = 1
instance_size = "small"
