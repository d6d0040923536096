instance_count = 99
