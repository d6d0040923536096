// Package scaffold creates environments: `infractl env new NAME --from ENV`
// copies ENV's configuration into environments/NAME and makes the copy an
// environment of its own. It gets its own state (the backend's key or
// state name with ENV's name replaced), its own network range (the next
// free one in the same private block, unless --cidr or --set says), the
// --set values in its tfvars (typed by the variable declarations), a place
// in infractl.hcl's order, and a regenerated CI workflow when infractl
// generated one before.
//
// Every byte of the copied files that does not have to change stays as it
// was (see package hcledit). Create checks everything before it writes,
// builds the new directory under a hidden name and renames it into place,
// and undoes its writes when the estate no longer loads afterwards.
package scaffold
