region = upper("eu-west-1")
