// Command infractl runs Terraform or OpenTofu across every environment of an
// estate: init, plan with exact per-action summaries, apply of the saved
// plan, drift detection, import, and state backup and restore.
//
// The same executable is also the localfs provider (a small provider that
// manages files on disk, used by the tests): when terraform starts it under
// the provider's executable name from a filesystem mirror, it serves the
// provider instead.
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
	ctx, kill := interrupts()
	os.Exit(cli.Main(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Kill: kill}))
}

// interrupts turns the first Ctrl-C (or SIGTERM) into a cancelled context,
// which lets terraform stop gracefully and release its state locks, and a
// second one into a kill request.
func interrupts() (context.Context, <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	kill := make(chan struct{})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "\nInterrupted: stopping terraform gracefully so it can release state locks. Press Ctrl-C again to kill it.")
		cancel()
		<-sigs
		fmt.Fprintln(os.Stderr, "\nKilling terraform: state locks may be left behind (see `infractl locks`).")
		close(kill)
		signal.Stop(sigs)
	}()
	return ctx, kill
}
