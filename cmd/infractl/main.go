// Command infractl runs Terraform or OpenTofu across every environment of an
// estate, serves and inspects Terraform state, and checks the estate as code.
//
// The same executable is also the localfs provider used by `infractl demo`:
// when terraform starts it under the provider's executable name (from the
// filesystem mirror the demo writes), it serves the provider instead.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/infractl/infractl/internal/cli"
	"github.com/infractl/infractl/internal/provider/localfs"
)

func main() {
	if localfs.IsProviderInvocation(os.Args[0]) {
		if err := localfs.Serve(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
