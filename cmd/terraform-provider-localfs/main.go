// Command terraform-provider-localfs serves the localfs provider to Terraform.
// Terraform starts it (from a filesystem mirror) without arguments.
//
// Scripts that record real Terraform runs (testdata/ui/record.sh) set the
// provider up by hand instead of through internal/testenv:
//
//	terraform-provider-localfs -mirror DIR -cli-config FILE
//
// installs this executable into the filesystem mirror DIR and writes a CLI
// configuration FILE that points Terraform at it (use it as
// TF_CLI_CONFIG_FILE), then exits without serving.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/infractl/infractl/internal/provider/localfs"
)

func main() {
	mirror := flag.String("mirror", "", "install this executable into the filesystem mirror `dir` and exit")
	cliConfig := flag.String("cli-config", "", "with -mirror: write a CLI configuration `file` that uses the mirror")
	flag.Parse()
	if *mirror != "" || *cliConfig != "" || flag.NArg() > 0 {
		if err := install(*mirror, *cliConfig); err != nil {
			fmt.Fprintln(os.Stderr, "terraform-provider-localfs:", err)
			os.Exit(2)
		}
		return
	}
	if err := localfs.Serve(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// install puts the running executable into mirrorDir and writes cliConfig.
func install(mirrorDir, cliConfig string) error {
	if mirrorDir == "" || cliConfig == "" || flag.NArg() > 0 {
		return fmt.Errorf("usage: terraform-provider-localfs -mirror DIR -cli-config FILE")
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("locating this executable: %w", err)
	}
	// Terraform resolves a relative mirror path against its own working
	// directory, so the configuration names an absolute one.
	mirrorDir, err = filepath.Abs(mirrorDir)
	if err != nil {
		return fmt.Errorf("resolving mirror dir: %w", err)
	}
	if _, err := localfs.WriteMirror(mirrorDir, self); err != nil {
		return err
	}
	return localfs.WriteCLIConfig(cliConfig, mirrorDir)
}
