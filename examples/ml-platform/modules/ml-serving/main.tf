# Serves a map of models on Kubernetes: one namespace, and per model a
# Deployment (probes, requests/limits, Prometheus annotations, GPU
# toleration when it needs a GPU), a ClusterIP Service and a CPU-based
# HorizontalPodAutoscaler.
#
# Each model image must answer GET /healthz (liveness), GET /ready
# (readiness) and expose Prometheus metrics on metrics_path, all on `port`.

locals {
  common_labels = merge(var.labels, {
    "app.kubernetes.io/part-of"    = "ml-platform"
    "app.kubernetes.io/managed-by" = "terraform"
    "environment"                  = var.environment
  })

  # Selector labels never change after creation (a Deployment's selector is immutable).
  selector = {
    for name in keys(var.models) : name => {
      "app.kubernetes.io/name"     = name
      "app.kubernetes.io/instance" = "${name}-${var.environment}"
    }
  }

  # Requests equal limits (Guaranteed QoS). An extended resource such as
  # nvidia.com/gpu is only given as a limit; Kubernetes sets the request to match.
  compute = {
    for name, m in var.models : name => {
      requests = { cpu = m.cpu, memory = m.memory }
      limits = merge(
        { cpu = m.cpu, memory = m.memory },
        { for key, count in { "nvidia.com/gpu" = m.gpu } : key => tostring(count) if count > 0 },
      )
    }
  }
}

resource "kubernetes_namespace_v1" "this" {
  metadata {
    name   = var.namespace
    labels = merge(local.common_labels, { "app.kubernetes.io/component" = "ml-serving" })
  }
}

resource "kubernetes_deployment_v1" "model" {
  for_each = var.models

  metadata {
    name      = each.key
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = merge(local.common_labels, local.selector[each.key])
  }

  spec {
    replicas = each.value.replicas

    selector {
      match_labels = local.selector[each.key]
    }

    template {
      metadata {
        labels = merge(local.common_labels, local.selector[each.key])
        annotations = {
          "prometheus.io/scrape" = "true"
          "prometheus.io/port"   = tostring(each.value.port)
          "prometheus.io/path"   = var.metrics_path
        }
      }

      spec {
        container {
          name  = each.key
          image = each.value.image

          port {
            name           = "http"
            container_port = each.value.port
            protocol       = "TCP"
          }

          resources {
            requests = local.compute[each.key].requests
            limits   = local.compute[each.key].limits
          }

          liveness_probe {
            http_get {
              path = "/healthz"
              port = each.value.port
            }
            initial_delay_seconds = 30
            period_seconds        = 10
            timeout_seconds       = 2
            failure_threshold     = 3
          }

          readiness_probe {
            http_get {
              path = "/ready"
              port = each.value.port
            }
            initial_delay_seconds = 5
            period_seconds        = 5
            timeout_seconds       = 2
            failure_threshold     = 3
          }

          security_context {
            allow_privilege_escalation = false

            capabilities {
              drop = ["ALL"]
            }
          }
        }

        # GPU nodes carry a NoSchedule taint; only pods that need a GPU tolerate it.
        dynamic "toleration" {
          for_each = each.value.gpu > 0 ? [var.gpu_taint_key] : []

          content {
            key      = toleration.value
            operator = "Exists"
            effect   = "NoSchedule"
          }
        }
      }
    }
  }

  # The autoscaler owns the replica count once the Deployment exists.
  lifecycle {
    ignore_changes = [spec[0].replicas]
  }
}

resource "kubernetes_service_v1" "model" {
  for_each = var.models

  metadata {
    name      = each.key
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = merge(local.common_labels, local.selector[each.key])
  }

  spec {
    type     = "ClusterIP"
    selector = local.selector[each.key]

    port {
      name        = "http"
      port        = 80
      target_port = "http"
      protocol    = "TCP"
    }
  }
}

resource "kubernetes_horizontal_pod_autoscaler_v2" "model" {
  for_each = var.models

  metadata {
    name      = each.key
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = merge(local.common_labels, local.selector[each.key])
  }

  spec {
    min_replicas = each.value.replicas
    max_replicas = coalesce(each.value.max_replicas, each.value.replicas * 3)

    scale_target_ref {
      api_version = "apps/v1"
      kind        = "Deployment"
      name        = kubernetes_deployment_v1.model[each.key].metadata[0].name
    }

    metric {
      type = "Resource"

      resource {
        name = "cpu"

        target {
          type                = "Utilization"
          average_utilization = var.target_cpu_utilization
        }
      }
    }
  }
}
