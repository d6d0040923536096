terraform {
  required_version = ">= 1.5"
}

variable "replicas" {
  type        = number
  description = "Model server replicas in this environment."
}

variable "instance_size" {
  type        = string
  description = "Node size for the serving pool."
}

resource "terraform_data" "serving_pool" {
  input = {
    environment   = "dev"
    replicas      = var.replicas
    instance_size = var.instance_size
  }
}

resource "terraform_data" "model_endpoint" {
  input            = "https://models.dev.example.internal"
  triggers_replace = [terraform_data.serving_pool.id]
}

output "endpoint" {
  value = terraform_data.model_endpoint.output
}
