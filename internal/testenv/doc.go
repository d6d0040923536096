// Package testenv is the integration-test harness: it finds terraform, builds
// the localfs provider once per test process and serves it to terraform from a
// filesystem mirror, and writes throwaway estates.
//
// Integration tests use the real thing and may skip on a machine that lacks a
// component, unless INFRACTL_REQUIRE_INTEGRATION=1 (CI), where a missing
// component fails the test with what is missing and how to install it.
//
// Typical use from any package's test:
//
//	p := testenv.Provider(t) // skips or fails if terraform or go is missing
//	dir := testenv.TempEstate(t, map[string]string{
//		"main.tf": localfs.RequiredProviders + `resource "localfs_file" "a" { ... }`,
//	})
//	out, err := p.Command(ctx, dir, "init", "-input=false").CombinedOutput()
//
// Measured on the 2-core dev/CI machine (Go 1.26.8, terraform 1.11.4;
// TestProviderInit logs the last two): building the provider with an empty
// GOCACHE 30 s; after a provider source change with a warm GOCACHE 1.0 s;
// a cache hit from an earlier process 35 ms; `terraform init` against the
// mirror 55-65 ms, because terraform symlinks the unpacked mirror directory
// into .terraform/providers instead of copying it. A shared TF_PLUGIN_CACHE_DIR
// measured no faster (57 ms) and is not concurrency-safe, so it is not set.
//
// The parts the demo needs at run time (mirror layout, CLI config) live in
// package localfs so that production code never imports this package or testing.
package testenv
