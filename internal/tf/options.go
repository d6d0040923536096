package tf

import (
	"strconv"
	"time"
)

// Options is one terraform subcommand with its flags. Args is a pure
// function: it returns the argv after the binary name, starting with the
// subcommand, for a binary with the given features. Every builder passes
// -no-color, -input=false where the subcommand accepts it, and -json where
// the subcommand streams the machine-readable UI.
type Options interface {
	Args(Features) []string
}

// Var is one -var assignment. Vars are a slice, not a map, so argv is
// deterministic and a later assignment can override an earlier one, as on
// the command line.
type Var struct {
	Name, Value string
}

// The flags below are shared by several subcommands.

func appendLock(args []string, lock *bool, timeout time.Duration) []string {
	if lock != nil {
		args = append(args, "-lock="+strconv.FormatBool(*lock))
	}
	if timeout > 0 {
		args = append(args, "-lock-timeout="+timeout.String())
	}
	return args
}

func appendVars(args []string, files []string, vars []Var) []string {
	for _, f := range files {
		args = append(args, "-var-file="+f)
	}
	for _, v := range vars {
		args = append(args, "-var="+v.Name+"="+v.Value)
	}
	return args
}

func appendEach(args []string, flag string, values []string) []string {
	for _, v := range values {
		args = append(args, flag+"="+v)
	}
	return args
}

func appendIf(args []string, cond bool, flag string) []string {
	if cond {
		args = append(args, flag)
	}
	return args
}

func appendBool(args []string, flag string, v *bool) []string {
	if v != nil {
		args = append(args, flag+"="+strconv.FormatBool(*v))
	}
	return args
}

func appendParallelism(args []string, n int) []string {
	if n > 0 {
		args = append(args, "-parallelism="+strconv.Itoa(n))
	}
	return args
}
