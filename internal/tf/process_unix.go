//go:build unix

package tf

import (
	"os"
	"os/exec"
	"syscall"
)

// configureProcess puts terraform in its own process group: a terminal's
// Ctrl-C then reaches infractl only, which forwards a single SIGINT, and a
// kill can take terraform's providers and provisioners with it.
func configureProcess(c *exec.Cmd) {
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interrupt asks terraform to stop gracefully. Only terraform itself is
// signalled: it stops its providers in order.
func interrupt(p *os.Process) error {
	return p.Signal(os.Interrupt)
}

// kill ends terraform's whole process group.
func kill(p *os.Process) {
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err != nil {
		_ = p.Kill()
	}
}
