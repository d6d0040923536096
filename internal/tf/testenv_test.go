package tf

import (
	"os"
	"os/exec"
	"testing"
)

// requireTerraform returns the path of terraform for an integration test.
// Without terraform the test is skipped, unless INFRACTL_REQUIRE_INTEGRATION=1
// (as in CI), where a missing binary is a failure rather than a silent skip.
// internal/testenv will take this over.
func requireTerraform(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("terraform")
	if err != nil {
		if os.Getenv("INFRACTL_REQUIRE_INTEGRATION") == "1" {
			t.Fatalf("terraform not found on PATH and INFRACTL_REQUIRE_INTEGRATION=1: %v", err)
		}
		t.Skip("terraform not found on PATH; set INFRACTL_REQUIRE_INTEGRATION=1 to make this a failure")
	}
	return path
}
