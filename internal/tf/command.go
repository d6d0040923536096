package tf

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Command is a terraform invocation, built separately from running it so
// that argv and environment can be inspected and tested.
type Command struct {
	// Path is the binary to execute.
	Path string
	// Args follow the binary name, starting with the subcommand.
	Args []string
	// Dir is the working directory (the environment's root module).
	Dir string
	// Env is the child's complete environment, as built by Environ.
	Env []string
	// Stdin feeds the child (state push -); nil means no input.
	Stdin io.Reader
	// EnvName is the infractl environment the command runs for; it names
	// the run-log directory and is never passed to terraform.
	EnvName string
}

// Command builds the invocation of opts in dir, with the environment
// cleaned by Environ from os.Environ().
func (b *Binary) Command(dir string, opts Options) *Command {
	return &Command{
		Path: b.Path,
		Args: opts.Args(b.Features()),
		Dir:  dir,
		Env:  Environ(os.Environ()),
	}
}

// Name is the subcommand, joined with dashes ("plan", "state-pull"); it
// names run-log files and errors.
func (c *Command) Name() string {
	var words []string
	for _, a := range c.Args {
		if strings.HasPrefix(a, "-") {
			break
		}
		words = append(words, a)
	}
	if len(words) == 0 {
		return "terraform"
	}
	return strings.Join(words, "-")
}

// String renders the command line for logs, e.g. `terraform plan -json`.
func (c *Command) String() string {
	parts := []string{filepath.Base(c.Path)}
	for _, a := range c.Args {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// Environ returns the environment for a terraform child: base with
// TF_IN_AUTOMATION=1 (no "next steps" advice aimed at humans) and TF_INPUT=0
// (never prompt), and without the variables that would break infractl's
// control of the run:
//
//   - TF_LOG and every TF_LOG_* (TF_LOG_PATH, TF_LOG_CORE, TF_LOG_PROVIDER,
//     ...): logs would flood stderr, which infractl keeps for errors, and may
//     print secrets.
//   - TF_CLI_ARGS and every TF_CLI_ARGS_<command>: injected flags would
//     change what the argv builders produce (a -no-json, a second -out).
//
// Everything else is kept, in particular TF_CLI_CONFIG_FILE, TF_VAR_*,
// TF_HTTP_*, AWS_*, TF_PLUGIN_CACHE_DIR and TF_DATA_DIR.
func Environ(base []string) []string {
	env := make([]string, 0, len(base)+2)
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "TF_LOG", strings.HasPrefix(name, "TF_LOG_"),
			name == "TF_CLI_ARGS", strings.HasPrefix(name, "TF_CLI_ARGS_"),
			name == "TF_IN_AUTOMATION", name == "TF_INPUT":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_IN_AUTOMATION=1", "TF_INPUT=0")
}
