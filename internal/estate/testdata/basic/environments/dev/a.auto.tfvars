instance_count = 4
tags = {
  team = "core"
}
