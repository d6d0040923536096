// Package estate reads an infractl estate from disk without running terraform.
//
// An estate is a directory whose environments are the subdirectories of
// environments/ (or of environments_dir in infractl.hcl) that hold .tf or
// .tf.json files. Load parses infractl.hcl (order, depends_on, protected,
// terraform binary) and every environment's HCL: backend, module calls,
// variables, tfvars values, version requirements, providers, resources and
// data sources. Commands use the result to select environments, order them
// by dependency, lint them and compare them, so it all has to work from the
// configuration text alone.
//
// Load fails only when the estate as a whole cannot be understood
// (infractl.hcl errors, missing directories, unknown dependencies, cycles).
// An environment whose own HCL is invalid is still returned, with its Err
// field set, so one broken environment never hides the others.
//
// Every hcl.Range in the model has a file name relative to Estate.Root, so
// diagnostics and lint findings print as environments/dev/main.tf:12:3.
package estate
