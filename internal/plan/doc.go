// Package plan turns Terraform's machine-readable UI stream (and, for drift,
// the `terraform show -json` plan) into per-environment summaries that
// `infractl plan`, `infractl drift` and `infractl apply` print as a table,
// JSON or a pull-request markdown comment, and into the CLI's exit code.
//
// Each report (Summary, DriftReport, ApplyReport) is fed one ui.Message at a
// time with Observe, so memory grows with the number of changed resources,
// never with the length of the stream, and is closed with Finish(err), where
// err is the error of the terraform run (nil when it succeeded, including a
// -detailed-exitcode 2). An environment that was not run because a
// dependency failed is marked with Skip; it counts as a failure.
//
// # Counting a plan
//
// Every planned_change message has one primary action, counted once:
//
//	create  -> Add       update -> Change     delete -> Destroy
//	replace -> Replace   remove -> Forget     read   -> Read
//
// A replace is counted only in Replace, not folded into Add and Destroy
// (Terraform's own change_summary counts it in both add and remove). The UI
// calls a forget (a removed block with destroy = false) "remove"; infractl
// calls it forget everywhere, including ResourceChange.Action.
//
// Two counts are orthogonal to the primary action:
//
//   - Import counts every change carrying "importing": an import-only change
//     (action "import") and an import+update (counted in Change and Import).
//   - Move counts every change carrying "previous_resource": a move-only change
//     (action "move") and a move+update (counted in Change and Move).
//
// A no-op is ignored, as are the ephemeral actions open, renew and close.
// Drift counts resource_drift messages. A change_summary whose operation is
// "plan" is kept verbatim as TerraformSummary.
//
// A plan has changes (StatusChanges) when any of Add, Change, Destroy,
// Replace, Import, Move or Forget is non-zero, or a root output changes (an
// outputs message entry whose action is not "noop"); this is Terraform's own
// "applyable" rule behind `plan -detailed-exitcode`. A data source read alone
// and drift alone are not changes. A run that failed, or that reported an
// error diagnostic, is StatusError whatever it counted, and Error holds the
// first error diagnostic as "file:line: address: summary: detail" (parts
// Terraform did not send are left out), followed by how many more errors
// there were.
//
// # Drift
//
// A DriftReport lists the resource_drift messages of a
// `plan -refresh-only` run: update, delete and move. Attributes are the paths
// that differ between the drift entry's before and after in the saved plan
// (tfstate.ChangedPaths); a sensitive value is reported as its own path and
// never descended into, and no value is ever copied. As with Terraform's
// -detailed-exitcode in refresh-only mode, a pending move alone is listed but
// is not drift.
//
// # Apply
//
// An ApplyReport takes its counts from Terraform's apply (or destroy)
// change_summary. A failed apply has none, so the counts then come from the
// apply_complete hooks: create -> Added, update -> Changed, delete ->
// Destroyed (a replace is a delete and a create, or a create and a delete
// with create_before_destroy, so it counts in both, as Terraform does), and
// an import+update that completed -> Imported. Completed and Errored list
// the hooks in the order they happened; data source reads are left out.
//
// # Symbols
//
// Renderers mark actions as Terraform does: create "+", update "~", delete
// "-", replace "-/+", read "<=", forget ".". Terraform has no symbol for a
// move-only or import-only change; infractl uses "->" (the object is moved
// to a new address) and "<-" (an existing object is brought into state).
package plan
