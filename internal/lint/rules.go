package lint

import "slices"

// Severity is how bad a finding is; only errors make `infractl lint` exit 1.
type Severity string

// The severities, spelled as SARIF spells its levels.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityNote    Severity = "note"
)

// rank orders severities from the most to the least severe.
func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}

// Rule describes one check; the catalogue is what SARIF lists as
// tool.driver.rules and what users name in ignore comments.
type Rule struct {
	// ID is stable across releases (IFXnnn) so suppressions keep working.
	ID string `json:"id"`
	// Name is a short kebab-case name.
	Name string `json:"name"`
	// Severity is the severity of every finding of the rule.
	Severity Severity `json:"severity"`
	// Short is a one-line description.
	Short string `json:"short_description"`
	// Full explains why the rule exists.
	Full string `json:"full_description"`
	// Help says how to fix a finding.
	Help string `json:"help"`
}

// The rule IDs, for rules and tests.
const (
	RuleInvalidConfig        = "IFX000"
	RuleSharedState          = "IFX001"
	RuleUnencryptedState     = "IFX002"
	RuleUnlockedState        = "IFX003"
	RuleUnsupportedBackend   = "IFX004"
	RuleDeprecatedDynamoDB   = "IFX005"
	RuleDeprecatedBackendArg = "IFX006"
	RuleUnpinnedProvider     = "IFX007"
	RuleMissingRequiredVer   = "IFX008"
	RuleOverlappingCIDR      = "IFX009"
	RuleSecretLiteral        = "IFX010"
	RuleUnprotectedBucket    = "IFX011"
	RuleCapacityOrder        = "IFX012"
	RuleModuleSourceDrift    = "IFX013"
	RuleInvalidSuppression   = "IFX014"
	RuleUnusedSuppression    = "IFX015"
	RuleUndeclaredTFVar      = "IFX016"
)

var rules = []Rule{
	{RuleInvalidConfig, "invalid-configuration", SeverityError,
		"The environment's configuration cannot be read",
		"The HCL of the environment is invalid, so terraform would refuse it and the other rules only see part of it.",
		"Fix the syntax error at the position shown; `terraform validate` in the environment gives terraform's own wording."},
	{RuleSharedState, "shared-state", SeverityError,
		"Two environments use the same state",
		"Two environments whose backends point at the same state (s3 bucket and key, gcs bucket and prefix, http address, local path, ...) overwrite each other's state: applying one destroys what the other created. This is the usual result of copying an environment directory without editing backend.tf.",
		"Give each environment its own state key (or address, or path), e.g. key = \"<environment>/terraform.tfstate\"; `infractl env new` does it for you."},
	{RuleUnencryptedState, "unencrypted-state", SeverityError,
		"The backend stores or sends state unencrypted",
		"State holds every secret terraform manages in plain text. An s3 backend without encrypt = true (or sse_customer_key) writes it without server-side encryption requested, an http backend on plain http:// sends it over the network in the clear, and a pg backend with sslmode=disable does the same.",
		"s3: set encrypt = true (and kms_key_id for a customer-managed key); http: use an https:// address; pg: use sslmode=require or stronger."},
	{RuleUnlockedState, "unlocked-state", SeverityError,
		"The backend does not lock the state",
		"Without a lock two runs can apply at once and corrupt the state. The s3 backend locks only with use_lockfile = true (or the deprecated dynamodb_table); the http backend only with a lock_address; consul not with lock = false.",
		"s3: set use_lockfile = true (Terraform 1.10+); http: set lock_address and unlock_address (an infractl server serves both at the state address)."},
	{RuleUnsupportedBackend, "unsupported-backend-argument", SeverityError,
		"The backend does not accept an argument",
		"terraform init fails with \"An argument named ... is not expected here\" when a backend block holds an argument its schema does not have, such as versioning in backend \"s3\".",
		"Remove the argument; for versioning, enable it on the bucket (`infractl bootstrap s3` does), not in the backend."},
	{RuleDeprecatedDynamoDB, "deprecated-dynamodb-lock", SeverityWarning,
		"The s3 backend locks with the deprecated dynamodb_table only",
		"Terraform 1.11 made S3-native locking (use_lockfile) generally available and deprecated dynamodb_table and the other DynamoDB arguments.",
		"Add use_lockfile = true next to dynamodb_table (terraform then takes both locks), apply everywhere, then remove dynamodb_table."},
	{RuleDeprecatedBackendArg, "deprecated-backend-argument", SeverityWarning,
		"The backend uses a deprecated argument",
		"Terraform 1.11 still accepts these s3 backend arguments but has replacements for them and will remove them.",
		"Use the replacement named in the message."},
	{RuleUnpinnedProvider, "unpinned-provider", SeverityWarning,
		"A provider has no version constraint with an upper bound",
		"Without a constraint, or with only a lower bound such as \">= 5.0\", the next major release of the provider is installed on the next init without a lock file, and its breaking changes reach an environment unreviewed.",
		"Declare the provider in required_providers with a pessimistic constraint such as version = \"~> 6.0\", and commit .terraform.lock.hcl."},
	{RuleMissingRequiredVer, "missing-required-version", SeverityWarning,
		"The environment does not say which terraform versions it needs",
		"Without required_version any terraform binary runs the environment, including versions that do not understand its configuration or that upgrade its state format for everyone.",
		"Add required_version = \">= 1.11\" (or the oldest version you test) to the terraform block."},
	{RuleOverlappingCIDR, "overlapping-cidr", SeverityError,
		"Two environments use overlapping network ranges",
		"Environments whose networks overlap cannot be peered, joined by a transit gateway or reached over one VPN; re-addressing a network later means replacing it.",
		"Give each environment its own range (e.g. 10.10.0.0/16, 10.20.0.0/16, ...); `infractl env new` picks a free one."},
	{RuleSecretLiteral, "secret-literal", SeverityError,
		"A literal looks like a secret",
		"A secret written into a .tf or .tfvars file is in every clone of the repository and in its history forever.",
		"Remove it, rotate it, and pass it at run time instead: a sensitive variable set through TF_VAR_..., a secrets manager data source, or a password managed by the service (e.g. manage_master_user_password for RDS)."},
	{RuleUnprotectedBucket, "unprotected-state-bucket", SeverityWarning,
		"A state bucket can be destroyed by terraform",
		"A bucket that holds terraform state (one the estate's backends use, or one named like tfstate/state) without lifecycle { prevent_destroy = true } is deleted with every environment's state by one mistaken destroy.",
		"Add lifecycle { prevent_destroy = true } to the bucket resource."},
	{RuleCapacityOrder, "capacity-order", SeverityWarning,
		"An environment later in the declared order has less capacity than an earlier one",
		"Environments are declared in promotion order (dev -> staging -> prod), and each is meant to be at least as big as the one before it; a prod smaller than staging is usually a copy-paste or promotion mistake. Only capacity-like names are compared (see the package documentation).",
		"Fix the value, or declare why with `# infractl:ignore-block IFX012 reason` on the argument."},
	{RuleModuleSourceDrift, "module-source-drift", SeverityWarning,
		"A module call's source or version differs between environments",
		"Environments that call a module from different sources or versions are not running the same infrastructure code, which is fine during a promotion but should not happen by accident.",
		"Promote the source (`infractl promote`), or declare why with `# infractl:ignore-block IFX013 reason` above the module block."},
	{RuleInvalidSuppression, "invalid-suppression", SeverityWarning,
		"An infractl:ignore comment is not valid",
		"An ignore comment must name known rule IDs and give a reason, so the next reader knows why the rule is off; a block ignore must sit right above or inside a block or argument. An invalid one suppresses nothing.",
		"Write `# infractl:ignore IFXnnn why this is fine` (whole file) or `# infractl:ignore-block IFXnnn why` right above the block."},
	{RuleUnusedSuppression, "unused-suppression", SeverityNote,
		"An infractl:ignore comment suppresses nothing",
		"The problem it was written for is gone, or the rule ID is wrong; a stale ignore would hide a future finding.",
		"Remove the comment, or correct the rule ID."},
	{RuleUndeclaredTFVar, "undeclared-variable-value", SeverityWarning,
		"A tfvars file sets a variable the environment does not declare",
		"terraform ignores the value with only a warning, so the setting the file appears to make has no effect.",
		"Declare the variable in variables.tf, or remove the value."},
}

// Rules returns the rule catalogue in ID order.
func Rules() []Rule { return slices.Clone(rules) }

// ruleByID returns the rule with id and whether it exists.
func ruleByID(id string) (Rule, bool) {
	for _, r := range rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}
