terraform {
  required_version = ">= 1.5"

  required_providers {
    kubernetes = {
      source = "hashicorp/kubernetes"
      # 4.x turns container `resources` into an object argument; this module
      # uses the 3.x block syntax.
      version = ">= 3.0, < 4.0"
    }
  }
}
