replicas      = 2
instance_size = "medium"
