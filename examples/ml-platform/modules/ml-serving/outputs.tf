output "namespace" {
  description = "Namespace the models run in."
  value       = kubernetes_namespace_v1.this.metadata[0].name
}

output "endpoints" {
  description = "In-cluster HTTP endpoint of each model's Service."
  value = {
    for name, svc in kubernetes_service_v1.model :
    name => "http://${svc.metadata[0].name}.${svc.metadata[0].namespace}.svc.cluster.local:${svc.spec[0].port[0].port}"
  }
}

output "images" {
  description = "Image each model's Deployment runs."
  value       = { for name, m in var.models : name => m.image }
}
