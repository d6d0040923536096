// Package hcledit changes HCL files the way a careful person would: only
// the bytes of what changes are replaced, and everything else (comments,
// alignment, blank lines, other blocks) is left byte for byte.
//
// `infractl env new` uses it to set tfvars values and re-key backends, and
// `infractl promote` to write promoted variables and module refs. An
// existing attribute gets a new value expression spliced in place; a
// missing top-level attribute is appended as a formatted group at the end
// of the file; a missing attribute of a block is added by rendering only
// that block again with hclwrite (which keeps its comments) and splicing
// it back.
package hcledit
