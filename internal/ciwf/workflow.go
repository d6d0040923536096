package ciwf

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
)

// Options say where the estate and the workflow sit in the repository and
// how the workflow gets infractl.
type Options struct {
	// RepoRoot is the repository's absolute directory (see RepoRoot); the
	// estate must be inside it.
	RepoRoot string
	// Path is the workflow file relative to RepoRoot, slash-separated;
	// DefaultPath when empty.
	Path string
	// Self builds infractl from the repository (`go install
	// ./cmd/infractl`, Go from go.mod): the repository is infractl's own
	// (see IsSelfRepo).
	Self bool
	// InfractlVersion is the version to `go install
	// github.com/infractl/infractl/cmd/infractl@VERSION` when not Self;
	// "latest" when empty.
	InfractlVersion string
}

// Versions of the actions the workflow uses, by major version.
const (
	actionCheckout     = "actions/checkout@v4"
	actionSetupGo      = "actions/setup-go@v5"
	actionSetupTF      = "hashicorp/setup-terraform@v3"
	actionAWSCreds     = "aws-actions/configure-aws-credentials@v4"
	actionUpload       = "actions/upload-artifact@v4"
	planRetentionDays  = 7
	lockTimeout        = "5m"
	planRoleVariable   = "INFRACTL_PLAN_ROLE_ARN"
	applyRoleVariable  = "INFRACTL_APPLY_ROLE_ARN"
	regionVariable     = "AWS_REGION"
	concurrencyPrefix  = "infractl-"
	planJobID          = "plan"
	applyJobPrefix     = "apply-"
	runnerImage        = "ubuntu-latest"
	envVarEnvironment  = "INFRACTL_ENV"
	summaryRedirection = ` --output markdown >> "$GITHUB_STEP_SUMMARY"`
)

// envInfo is what the workflow needs to know about one environment.
type envInfo struct {
	env       *estate.Environment
	jobID     string
	dir       string // relative to the repository root
	tfVersion string // setup-terraform's terraform_version
	aws       bool   // needs AWS credentials (s3 backend or aws provider)
	region    string // literal region of its s3 backend, "" if unknown
}

// Generate returns the workflow for e. It fails when the estate is outside
// opts.RepoRoot or a required_version cannot be translated.
func Generate(e *estate.Estate, opts Options) ([]byte, error) {
	if opts.Path == "" {
		opts.Path = DefaultPath
	}
	estateDir, err := RelSlash(opts.RepoRoot, e.Root)
	if err != nil {
		return nil, fmt.Errorf("the estate must be inside the repository: %w", err)
	}
	infos, err := describe(e, opts.RepoRoot)
	if err != nil {
		return nil, err
	}
	paths := watchedPaths(e, opts.RepoRoot, estateDir, opts.Path)

	w := newMapping()
	name := "infractl"
	if estateDir != "." {
		name += " (" + estateDir + ")"
	}
	w.set("name", name)
	w.set("on", newMapping(
		"pull_request", newMapping("paths", paths),
		"push", newMapping("branches", []any{"main"}, "paths", paths),
	))
	w.set("permissions", newMapping("contents", "read"))
	if estateDir != "." {
		w.set("defaults", newMapping("run", newMapping("working-directory", estateDir)))
	}
	jobs := newMapping()
	jobs.set(planJobID, planJob(infos, opts))
	for _, info := range infos {
		jobs.set(info.jobID, applyJob(info, infos, opts))
	}
	w.set("jobs", jobs)
	return emitDocument(header(infos, estateDir, opts), w), nil
}

// describe collects per-environment facts in declared order and gives
// each apply job a unique, valid job ID.
func describe(e *estate.Estate, repoRoot string) ([]envInfo, error) {
	infos := make([]envInfo, 0, len(e.Environments))
	used := map[string]bool{planJobID: true}
	for _, env := range e.Environments {
		dir, err := RelSlash(repoRoot, env.Dir)
		if err != nil {
			return nil, err
		}
		v, err := setupTerraformVersion(env.RequiredVersion)
		if err != nil {
			return nil, fmt.Errorf("environment %s: %w", env.Name, err)
		}
		info := envInfo{env: env, dir: dir, tfVersion: v, jobID: uniqueJobID(applyJobPrefix+env.Name, used)}
		info.aws, info.region = awsOf(env)
		infos = append(infos, info)
	}
	return infos, nil
}

var invalidJobChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// uniqueJobID makes s a valid job ID (letters, digits, - and _, starting
// with a letter or _) not yet in used.
func uniqueJobID(s string, used map[string]bool) string {
	id := invalidJobChars.ReplaceAllString(s, "-")
	candidate := id
	for n := 2; used[candidate]; n++ {
		candidate = fmt.Sprintf("%s-%d", id, n)
	}
	used[candidate] = true
	return candidate
}

// awsOf reports whether env talks to AWS (an s3 backend, or the aws
// provider required or configured) and the literal region of its s3
// backend, if any.
func awsOf(env *estate.Environment) (bool, string) {
	uses := false
	region := ""
	if b := env.Backend; b != nil && b.Type == "s3" {
		uses = true
		if r, ok := b.Attributes["region"].AsString(); ok {
			region = r
		}
	}
	for name, req := range env.RequiredProviders {
		if req.Source == "hashicorp/aws" || req.Source == "registry.terraform.io/hashicorp/aws" || (req.Source == "" && name == "aws") {
			uses = true
		}
	}
	for _, p := range env.Providers {
		if p.Name == "aws" {
			uses = true
		}
	}
	return uses, region
}

// watchedPaths are the pull_request/push path filters: the estate, the
// workflow itself, and local module directories outside the estate.
func watchedPaths(e *estate.Estate, repoRoot, estateDir, workflow string) []any {
	first := estateDir + "/**"
	if estateDir == "." {
		first = "**"
	}
	var extra []string
	for _, env := range e.Environments {
		for _, m := range env.Modules {
			if !m.IsLocal() {
				continue
			}
			dir := filepath.Join(env.Dir, filepath.FromSlash(m.Source))
			if _, err := RelSlash(e.Root, dir); err == nil {
				continue // inside the estate: already watched
			}
			if rel, err := RelSlash(repoRoot, dir); err == nil && !slices.Contains(extra, rel+"/**") {
				extra = append(extra, rel+"/**")
			}
		}
	}
	slices.Sort(extra)
	out := []any{first}
	for _, p := range extra {
		out = append(out, p)
	}
	if estateDir != "." {
		out = append(out, workflow)
	}
	return out
}

func header(infos []envInfo, estateDir string, opts Options) []string {
	cmd := "infractl"
	if estateDir != "." {
		cmd += " -C " + estateDir
	}
	cmd += " ci github"
	if opts.Path != DefaultPath {
		cmd += " --out " + opts.Path
	}
	lines := []string{
		Marker,
		estatePrefix + estateDir,
		"Regenerate from the repository root with: " + cmd,
		"",
	}
	paragraphs := []string{fmt.Sprintf("Pull requests that touch the estate plan every environment: the plans go "+
		"to the job summary, and the plan files are uploaded as artifacts for %d days (they can hold secrets). "+
		"Pushes to main apply every environment, each after those it depends_on in %s, "+
		"one run at a time per environment.", planRetentionDays, estate.ConfigFileName)}
	var protected []string
	for _, info := range infos {
		if info.env.Protected {
			protected = append(protected, info.env.Name)
		}
	}
	if len(protected) > 0 {
		paragraphs = append(paragraphs, "Protected environments ("+strings.Join(protected, ", ")+") apply in the GitHub "+
			"environment of the same name: give it required reviewers in the repository settings.")
	}
	if slices.ContainsFunc(infos, func(i envInfo) bool { return i.aws }) {
		p := "AWS credentials come from GitHub's OIDC provider: set the repository variables " +
			planRoleVariable + " and " + applyRoleVariable + " to the roles to assume " +
			"(an environment's own variables override them)."
		if slices.ContainsFunc(infos, func(i envInfo) bool { return i.aws && i.region == "" }) {
			p += " Set " + regionVariable + " for environments whose s3 backend names no region."
		}
		paragraphs = append(paragraphs, p)
	}
	for _, p := range paragraphs {
		lines = append(lines, wrap(p, 76)...)
	}
	return lines
}

// wrap breaks text into lines of at most width characters at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// setupSteps check out the repository and install infractl and terraform.
func setupSteps(tfVersion string, opts Options) []any {
	steps := []any{newMapping("name", "Check out", "uses", actionCheckout)}
	if opts.Self {
		steps = append(steps,
			newMapping("name", "Set up Go", "uses", actionSetupGo, "with", newMapping("go-version-file", "go.mod")),
			newMapping("name", "Install infractl", "working-directory", ".", "run", "go install ./cmd/infractl"),
		)
	} else {
		v := opts.InfractlVersion
		if v == "" {
			v = "latest"
		}
		steps = append(steps,
			newMapping("name", "Set up Go", "uses", actionSetupGo, "with", newMapping("go-version", "stable")),
			newMapping("name", "Install infractl", "run", "go install "+SelfModule+"/cmd/infractl@"+v),
		)
	}
	return append(steps, newMapping("name", "Set up Terraform", "uses", actionSetupTF, "with", newMapping(
		"terraform_version", tfVersion,
		// infractl reads terraform's -json output itself; the wrapper
		// would only get in the way.
		"terraform_wrapper", false,
	)))
}

func awsStep(role, region string) *mapping {
	return newMapping("name", "Configure AWS credentials", "uses", actionAWSCreds, "with", newMapping(
		"role-to-assume", "${{ vars."+role+" }}",
		"aws-region", region,
	))
}

// planScript plans one environment into the job summary; exit code 2
// (changes) is a success.
func planScript() literal {
	return literal(`# Exit code 2 means "changes", which is what a plan is for.
infractl plan "$` + envVarEnvironment + `" --lock-timeout ` + lockTimeout + summaryRedirection + ` || test $? -eq 2
`)
}

func planJob(infos []envInfo, opts Options) *mapping {
	anyAWS, allAWS, allRegions := false, true, true
	for _, info := range infos {
		anyAWS = anyAWS || info.aws
		allAWS = allAWS && info.aws
		allRegions = allRegions && (!info.aws || info.region != "")
	}
	include := make([]any, 0, len(infos))
	for _, info := range infos {
		entry := newMapping("environment", info.env.Name, "dir", info.dir, "terraform-version", info.tfVersion)
		if anyAWS && !allAWS {
			entry.set("aws", info.aws)
		}
		if info.aws && info.region != "" {
			entry.set("aws-region", info.region)
		}
		include = append(include, entry)
	}
	job := newMapping(
		"name", "plan ${{ matrix.environment }}",
		"if", "github.event_name == 'pull_request'",
		"runs-on", runnerImage,
		"permissions", jobPermissions(anyAWS),
		"strategy", newMapping("fail-fast", false, "matrix", newMapping("include", include)),
	)
	steps := setupSteps("${{ matrix.terraform-version }}", opts)
	if anyAWS {
		region := "${{ matrix.aws-region }}"
		if !allRegions {
			region = "${{ matrix.aws-region || vars." + regionVariable + " }}"
		}
		step := awsStep(planRoleVariable, region)
		if !allAWS {
			step = newMapping("if", "matrix.aws").merge(step)
		}
		steps = append(steps, step)
	}
	steps = append(steps,
		newMapping("name", "Plan", "env", newMapping(envVarEnvironment, "${{ matrix.environment }}"), "run", planScript()),
		newMapping("name", "Upload the plan", "uses", actionUpload, "with", newMapping(
			"name", "plan-${{ matrix.environment }}",
			"path", literal(path.Join("${{ matrix.dir }}", envops.PlanFileName)+"\n"+path.Join("${{ matrix.dir }}", envops.PlanFileName+".json")+"\n"),
			// The plan files start with a dot, which upload-artifact
			// skips unless told otherwise.
			"include-hidden-files", true,
			"if-no-files-found", "error",
			"retention-days", planRetentionDays,
		)),
	)
	job.set("steps", steps)
	return job
}

func applyJob(info envInfo, infos []envInfo, opts Options) *mapping {
	job := newMapping(
		"name", "apply "+info.env.Name,
		"if", "github.event_name == 'push'",
	)
	var needs []any
	for _, dep := range info.env.DependsOn {
		for _, other := range infos {
			if other.env.Name == dep {
				needs = append(needs, other.jobID)
			}
		}
	}
	if len(needs) > 0 {
		job.set("needs", needs)
	}
	job.set("runs-on", runnerImage)
	if info.env.Protected {
		job.set("environment", info.env.Name)
	}
	job.set("concurrency", newMapping("group", concurrencyPrefix+info.env.Name, "cancel-in-progress", false))
	job.set("permissions", jobPermissions(info.aws))
	steps := setupSteps(info.tfVersion, opts)
	if info.aws {
		region := info.region
		if region == "" {
			region = "${{ vars." + regionVariable + " }}"
		}
		steps = append(steps, awsStep(applyRoleVariable, region))
	}
	steps = append(steps,
		newMapping("name", "Plan", "env", newMapping(envVarEnvironment, info.env.Name), "run", planScript()),
		newMapping("name", "Apply", "env", newMapping(envVarEnvironment, info.env.Name), "run",
			literal(`infractl apply "$`+envVarEnvironment+`" --auto-approve`+summaryRedirection+"\n")),
	)
	job.set("steps", steps)
	return job
}

// jobPermissions are the least a job needs: reading the repository, and
// an OIDC token when it assumes an AWS role.
func jobPermissions(aws bool) *mapping {
	p := newMapping("contents", "read")
	if aws {
		p.set("id-token", "write")
	}
	return p
}
