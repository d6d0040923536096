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
// A plan has changes (StatusChanges, Summary.HasChanges) exactly when
// Terraform would call it applyable, the rule behind `plan
// -detailed-exitcode` exiting 2 (ChangesSrc.Empty): any resource action
// other than a no-op, so any of Add, Change, Destroy, Replace, Forget or
// Read is non-zero; any move or import (Move or Import non-zero, including
// the move-only and import-only changes Terraform prints as "0 to add, 0 to
// change, 0 to destroy"); or any root output change (an outputs message
// entry whose action is not "noop"). A deferred data source read alone is a
// change: Terraform exits 2 for it and applying the plan reads it. Drift
// alone is not a change. A run that failed, or that reported an
// error diagnostic, is StatusError whatever it counted, and Error holds the
// first error diagnostic as "file:line: address: summary: detail" (parts
// Terraform did not send are left out), followed by how many more errors
// there were.
//
// The JSON encoding of a Summary carries everything HasChanges looks at,
// output changes included (the "outputs" key), so a Summary saved beside a
// plan file and read back before the apply still knows whether the plan
// has changes.
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
// `apply -json PLANFILE` repeats only the non-noop changes and sends no
// hooks for moves, imports and forgets, so the stream of a move-only or
// import-only plan looks like an apply of nothing. The caller that applies a
// saved plan passes the plan's Summary to Expect: a successful apply of a
// plan that HasChanges is then StatusApplied, and when Terraform counted no
// imports, Imported is the plan's Import count (a successful apply carried
// out every planned import). A failed apply ignores the plan's counts and
// reports only what the stream shows was done.
//
// # Symbols
//
// Renderers mark actions as Terraform does: create "+", update "~", delete
// "-", replace "-/+", read "<=", forget ".". Terraform has no symbol for a
// move-only or import-only change; infractl uses "->" (the object is moved
// to a new address) and "<-" (an existing object is brought into state).
package plan
