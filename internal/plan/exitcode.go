package plan

// PlanExitCode is the exit code of `infractl plan`, following Terraform's
// -detailed-exitcode so scripts can treat both alike: 1 when any
// environment failed or was skipped, else 2 when any has changes, else 0.
// "Has changes" is StatusChanges, which Finish sets from HasChanges, the
// rule terraform uses: a plan whose only change is a move, an import, a
// forget, a deferred data source read or a root output exits 2 in both.
func PlanExitCode(envs []Summary) int {
	code := 0
	for i := range envs {
		switch st := envs[i].Status; {
		case st.Failed():
			return 1
		case st == StatusChanges:
			code = 2
		}
	}
	return code
}

// DriftExitCode is the exit code of `infractl drift`: 1 when any
// environment failed or was skipped, else 2 when any drifted, else 0.
func DriftExitCode(envs []DriftReport) int {
	code := 0
	for i := range envs {
		switch st := envs[i].Status; {
		case st.Failed():
			return 1
		case st == StatusDrift:
			code = 2
		}
	}
	return code
}

// ApplyExitCode is the exit code of `infractl apply`: 1 when any
// environment failed, was skipped or was refused, else 0.
func ApplyExitCode(envs []ApplyReport) int {
	for i := range envs {
		if envs[i].Status.Failed() {
			return 1
		}
	}
	return 0
}
