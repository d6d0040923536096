variable "env" {
  type = string
}

resource "terraform_data" "subnet" {
  for_each = toset(["private", "public"])
  input = {
    name = "${var.env}-${each.key}"
    cidr = each.key == "private" ? "10.0.1.0/24" : "10.0.2.0/24"
  }
}

output "subnets" {
  value = { for k, v in terraform_data.subnet : k => v.output.cidr }
}
