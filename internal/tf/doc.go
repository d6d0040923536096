// Package tf runs Terraform or OpenTofu for infractl.
//
// It is the only place that knows how to talk to the binary:
//
//   - Find resolves which binary to use and checks its version once.
//   - Each subcommand is an options type (PlanOptions, ApplyOptions, ...)
//     whose Args method is a pure argv builder, so flags are unit-tested
//     without running anything.
//   - Binary.Command turns options into a Command (argv, directory and a
//     cleaned environment) without running it.
//   - Runner executes a Command: Stream for commands that write the -json UI
//     (decoded line by line with package ui and copied into the run log),
//     Output and Pipe for commands whose stdout is data such as state or a
//     JSON plan (never logged, it may hold secrets).
//   - RunLog files the raw UI streams under .infractl/runs/<timestamp>/.
//
// Cancellation follows Terraform's own rules: one SIGINT lets Terraform stop
// gracefully and release its state lock; a kill only follows after a grace
// period. The child runs in its own process group so that a terminal's
// Ctrl-C reaches infractl alone, which forwards exactly one SIGINT (a second
// one makes Terraform abandon the run without cleaning up).
package tf
