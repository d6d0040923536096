// Package demo lays out the example estate `infractl demo` runs: an ML
// platform's serving stack in three environments (dev, staging, prod),
// each with its state on an infractl state server, using Terraform's
// built-in terraform_data and the localfs provider that ships inside the
// infractl binary, so nothing is downloaded.
package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/infractl/infractl/internal/provider/localfs"
)

// Environments are the demo's environments in order.
var Environments = []string{"dev", "staging", "prod"}

// StateName is the state server name of an environment's state.
func StateName(env string) string { return "ml-platform/" + env }

// sizes gives each environment its capacity, growing toward prod.
var sizes = map[string]struct {
	replicas int
	instance string
}{
	"dev":     {1, "m6i.large"},
	"staging": {2, "m6i.xlarge"},
	"prod":    {3, "m6i.2xlarge"},
}

// Write lays the estate out under root, with every environment's state on
// the state server at serverURL.
func Write(root, serverURL string) error {
	files := map[string]string{
		"infractl.hcl": `# The demo estate: changes flow dev -> staging -> prod; prod is protected.
environment "dev" {}

environment "staging" {
  depends_on = ["dev"]
}

environment "prod" {
  depends_on = ["staging"]
  protected  = true
}
`,
	}
	for _, env := range Environments {
		state := serverURL + "/v1/states/" + StateName(env)
		files["environments/"+env+"/backend.tf"] = fmt.Sprintf(`terraform {
  backend "http" {
    address        = %q
    lock_address   = %q
    unlock_address = %q
  }
}
`, state, state+"/lock", state+"/lock")
		files["environments/"+env+"/versions.tf"] = strings.Replace(localfs.RequiredProviders, "terraform {\n", "terraform {\n  required_version = \">= 1.5\"\n\n", 1)
		files["environments/"+env+"/main.tf"] = mainTF(env)
		files["environments/"+env+"/terraform.tfvars"] = fmt.Sprintf("replicas      = %d\ninstance_type = %q\nmodel_image   = \"registry.example.internal/churn-model:1.4.2\"\n", sizes[env].replicas, sizes[env].instance)
	}
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func mainTF(env string) string {
	return fmt.Sprintf(`variable "replicas" {
  type        = number
  description = "Model server replicas."
}

variable "instance_type" {
  type        = string
  description = "Instance type of the serving node group."
}

variable "model_image" {
  type        = string
  description = "Container image of the churn model."
}

# The serving node group, as a stand-in object.
resource "terraform_data" "node_group" {
  input = {
    environment   = %q
    instance_type = var.instance_type
  }
}

# The model server's configuration, a real file managed by the localfs
# provider: edit it by hand and 'infractl drift' notices.
resource "localfs_file" "model_config" {
  path = "model-serving.json"
  content = jsonencode({
    environment = %q
    model       = "churn"
    image       = var.model_image
    replicas    = var.replicas
    node_group  = terraform_data.node_group.id
  })
}

output "model_config_sha256" {
  value = localfs_file.model_config.sha256
}
`, env, env)
}

// ModelConfigPath is the file the demo edits behind Terraform's back.
func ModelConfigPath(root, env string) string {
	return filepath.Join(root, "environments", env, "model-serving.json")
}

// TFVarsPath is where an environment's sizing lives.
func TFVarsPath(root, env string) string {
	return filepath.Join(root, "environments", env, "terraform.tfvars")
}
