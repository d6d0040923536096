//go:build !unix

package tf

import (
	"os"
	"os/exec"
)

// configureProcess leaves the process as is where there are no process
// groups.
func configureProcess(*exec.Cmd) {}

// interrupt asks terraform to stop; where SIGINT cannot be sent this fails
// and exec falls back to killing after the grace period.
func interrupt(p *os.Process) error {
	return p.Signal(os.Interrupt)
}

// kill ends terraform.
func kill(p *os.Process) {
	_ = p.Kill()
}
