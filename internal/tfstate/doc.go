// Package tfstate models Terraform's state file format version 4 so that the
// CLI, the state server and the S3 tooling judge, compare and display states
// the same way.
//
// It offers:
//
//   - [Parse], which validates a whole v4 state into a [State], and
//     [Inspect], a streaming read of the header and counts ([Meta]) cheap
//     enough to run on every state write;
//   - [CheckPush], Terraform's own rules (statemgr.CheckValidImport) for
//     replacing one state with another, with typed errors a server maps to
//     409 Conflict;
//   - [Diff], a resource-instance level comparison of two states whose every
//     value passes through [Redact], so sensitive attributes and outputs never
//     reach JSON or text output;
//   - [BumpSerial], which rewrites a state body's serial for rollbacks.
//
// The package reads bytes and writes to io.Writer only; it does no file,
// network or process I/O of its own.
package tfstate
