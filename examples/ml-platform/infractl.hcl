# The ML platform estate: changes flow dev -> staging -> prod, and prod asks
# for confirmation before it is applied.

environment "dev" {}

environment "staging" {
  depends_on = ["dev"]
}

environment "prod" {
  depends_on = ["staging"]
  protected  = true
}

# What `infractl promote FROM TO` copies besides module refs and versions:
# the model image tags (tested in FROM, immutable in ECR). Sizes, networks
# and monitoring stay each environment's own.
promote {
  variables = ["bankchurn_image_tag", "carvision_image_tag"]
}
