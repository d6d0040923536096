package testenv

import (
	"os"
	"testing"
)

// EnvRequireIntegration turns skips for missing components into failures, so
// CI cannot go green by silently skipping its integration tests.
const EnvRequireIntegration = "INFRACTL_REQUIRE_INTEGRATION"

// RequireIntegration reports whether integration tests must run, so a caller
// can decide between skipping and failing on its own.
func RequireIntegration() bool {
	return os.Getenv(EnvRequireIntegration) == "1"
}

// installHints tells a reader how to get each component this package knows.
var installHints = map[string]string{
	"terraform": "install Terraform >= " + minTerraform + " on PATH (https://developer.hashicorp.com/terraform/install), " +
		"or set INFRACTL_TF_BINARY to its path",
	"go": "put the Go toolchain on PATH; the harness runs `go build` to build the localfs provider",
}

// Need skips t when err reports that component is missing, or fails it when
// RequireIntegration is set; a nil err returns at once. Any package's test
// can use it for its own components (PostgreSQL, moto, Chromium): put the
// install instructions in err when the component is not one this package knows.
func Need(t testing.TB, component string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := component + " is not available: " + err.Error()
	if hint, ok := installHints[component]; ok {
		msg += "\nto install: " + hint
	}
	if RequireIntegration() {
		t.Fatalf("%s\n(%s=1, so this integration test may not skip)", msg, EnvRequireIntegration)
		return // unreachable with a real testing.TB, whose Fatalf stops the test
	}
	t.Skipf("%s\n(skipping; set %s=1 to make this a failure)", msg, EnvRequireIntegration)
}
