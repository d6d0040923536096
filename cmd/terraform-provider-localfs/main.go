// Command terraform-provider-localfs serves the localfs provider to Terraform.
// It is only ever started by Terraform (from a filesystem mirror), never by hand.
package main

import (
	"context"
	"log"

	"github.com/infractl/infractl/internal/provider/localfs"
)

func main() {
	if err := localfs.Serve(context.Background()); err != nil {
		log.Fatal(err)
	}
}
