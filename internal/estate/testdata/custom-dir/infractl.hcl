environments_dir = "stacks"
