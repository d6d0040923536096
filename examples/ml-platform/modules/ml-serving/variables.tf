variable "environment" {
  description = "Environment name, added as a label to every object."
  type        = string
}

variable "namespace" {
  description = "Kubernetes namespace created for the models."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)."
  }
}

variable "models" {
  description = <<-EOT
    Models to serve, by name (a DNS-1123 label). Each becomes a Deployment, a ClusterIP Service and
    a CPU-based HorizontalPodAutoscaler.
      image        - full image reference, e.g. <registry>/ml-platform/bankchurn:1.4.2
      replicas     - minimum replicas (the autoscaler never goes below it)
      max_replicas - autoscaler ceiling; defaults to 3 x replicas
      cpu, memory  - requests and limits, e.g. "500m", "1Gi"
      gpu          - NVIDIA GPUs per pod; > 0 adds an nvidia.com/gpu limit and tolerates the GPU taint
      port         - container port serving /healthz, /ready and /metrics
  EOT
  type = map(object({
    image        = string
    replicas     = number
    cpu          = string
    memory       = string
    gpu          = optional(number, 0)
    port         = optional(number, 8080)
    max_replicas = optional(number)
  }))

  validation {
    condition     = alltrue([for name in keys(var.models) : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", name))])
    error_message = "Model names must be DNS-1123 labels (lowercase letters, digits and '-')."
  }

  validation {
    condition = alltrue([
      for m in values(var.models) : m.replicas >= 1 && (m.max_replicas == null ? true : m.max_replicas >= m.replicas)
    ])
    error_message = "Every model needs replicas >= 1 and, when set, max_replicas >= replicas."
  }

  validation {
    condition     = alltrue([for m in values(var.models) : m.gpu >= 0 && floor(m.gpu) == m.gpu])
    error_message = "gpu must be a whole number >= 0."
  }

  validation {
    condition     = alltrue([for m in values(var.models) : m.port >= 1 && m.port <= 65535])
    error_message = "port must be between 1 and 65535."
  }
}

variable "target_cpu_utilization" {
  description = "Average CPU utilization (percent of the CPU request) the autoscalers aim for."
  type        = number
  default     = 70

  validation {
    condition     = var.target_cpu_utilization > 0 && var.target_cpu_utilization <= 100
    error_message = "target_cpu_utilization must be between 1 and 100."
  }
}

variable "gpu_taint_key" {
  description = "Key of the taint on GPU nodes; GPU models tolerate it (NoSchedule), other pods stay off GPU nodes."
  type        = string
  default     = "nvidia.com/gpu"
}

variable "metrics_path" {
  description = "Path Prometheus scrapes on each model's port (prometheus.io/path annotation)."
  type        = string
  default     = "/metrics"
}

variable "labels" {
  description = "Extra labels for every Kubernetes object of the module."
  type        = map(string)
  default     = {}
}
