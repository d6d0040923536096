// Package ui types and decodes Terraform's machine-readable UI: the stream of
// JSON lines that `terraform plan|apply|init -json` writes to stdout (UI
// version 1.2, Terraform 1.5 and later, OpenTofu).
//
// Every line is one Message. The envelope fields are always present; at most
// one payload field is set, chosen by Type. Unknown types decode to a Message
// with only the envelope and Raw filled, so newer Terraform versions never
// break a run, and a line that is not a UI message at all (Terraform and
// providers sometimes print plain text) becomes a Message with Level
// LevelRaw and the line as Text.
//
// Decoder reads the stream one line at a time with a reused buffer, so memory
// does not grow with the length of a run; see decode.go.
package ui

import (
	"encoding/json"
	"time"
)

// MessageType is the value of a message's "type" field.
type MessageType string

// The message types Terraform 1.11 emits (views/json/message_types.go, plus
// the lock and init messages defined elsewhere).
const (
	TypeVersion    MessageType = "version"
	TypeLog        MessageType = "log"
	TypeDiagnostic MessageType = "diagnostic"

	TypeResourceDrift MessageType = "resource_drift"
	TypePlannedChange MessageType = "planned_change"
	TypeChangeSummary MessageType = "change_summary"
	TypeOutputs       MessageType = "outputs"

	TypeApplyStart    MessageType = "apply_start"
	TypeApplyProgress MessageType = "apply_progress"
	TypeApplyComplete MessageType = "apply_complete"
	TypeApplyErrored  MessageType = "apply_errored"

	TypeProvisionStart    MessageType = "provision_start"
	TypeProvisionProgress MessageType = "provision_progress"
	TypeProvisionComplete MessageType = "provision_complete"
	TypeProvisionErrored  MessageType = "provision_errored"

	TypeRefreshStart    MessageType = "refresh_start"
	TypeRefreshComplete MessageType = "refresh_complete"

	TypeEphemeralOpStart    MessageType = "ephemeral_op_start"
	TypeEphemeralOpProgress MessageType = "ephemeral_op_progress"
	TypeEphemeralOpComplete MessageType = "ephemeral_op_complete"
	TypeEphemeralOpErrored  MessageType = "ephemeral_op_errored"

	TypeTestAbstract  MessageType = "test_abstract"
	TypeTestFile      MessageType = "test_file"
	TypeTestRun       MessageType = "test_run"
	TypeTestPlan      MessageType = "test_plan"
	TypeTestState     MessageType = "test_state"
	TypeTestSummary   MessageType = "test_summary"
	TypeTestCleanup   MessageType = "test_cleanup"
	TypeTestInterrupt MessageType = "test_interrupt"
	TypeTestStatus    MessageType = "test_status"
	TypeTestRetry     MessageType = "test_retry"

	TypeStateLockAcquire MessageType = "state_lock_acquire"
	TypeStateLockRelease MessageType = "state_lock_release"
	TypeInitOutput       MessageType = "init_output"
)

// ChangeAction is the "action" of a planned_change or resource_drift.
type ChangeAction string

// Change actions (views/json/change.go). Move and import are used only when
// the underlying action is a no-op; a forget is reported as "remove". Open,
// renew and close appear only as the action of ephemeral_op_* hooks, never
// in a planned_change (observed with Terraform 1.11.4; testdata/ui).
const (
	ActionNoop    ChangeAction = "noop"
	ActionCreate  ChangeAction = "create"
	ActionRead    ChangeAction = "read"
	ActionUpdate  ChangeAction = "update"
	ActionReplace ChangeAction = "replace"
	ActionDelete  ChangeAction = "delete"
	ActionMove    ChangeAction = "move"
	ActionRemove  ChangeAction = "remove"
	ActionImport  ChangeAction = "import"
	ActionOpen    ChangeAction = "open"
	ActionRenew   ChangeAction = "renew"
	ActionClose   ChangeAction = "close"
)

// ChangeReason explains why a change has its action.
type ChangeReason string

// Change reasons (views/json/change.go).
const (
	ReasonTainted                ChangeReason = "tainted"
	ReasonRequested              ChangeReason = "requested"
	ReasonReplaceTriggered       ChangeReason = "replace_triggered_by"
	ReasonCannotUpdate           ChangeReason = "cannot_update"
	ReasonDeleteNoResourceConfig ChangeReason = "delete_because_no_resource_config"
	ReasonDeleteWrongRepetition  ChangeReason = "delete_because_wrong_repetition"
	ReasonDeleteCountIndex       ChangeReason = "delete_because_count_index"
	ReasonDeleteEachKey          ChangeReason = "delete_because_each_key"
	ReasonDeleteNoModule         ChangeReason = "delete_because_no_module"
	ReasonDeleteNoMoveTarget     ChangeReason = "delete_because_no_move_target"
	ReasonReadConfigUnknown      ChangeReason = "read_because_config_unknown"
	ReasonReadDependencyPending  ChangeReason = "read_because_dependency_pending"
	ReasonReadCheckNested        ChangeReason = "read_because_check_nested"
	ReasonUnknown                ChangeReason = "unknown"
)

// Levels a Message can carry. Terraform writes info, warn and error;
// LevelRaw marks a line that was not a UI message at all (plain text that
// Terraform or a provider printed), so callers can still show it.
const (
	LevelInfo  = "info"
	LevelWarn  = "warn"
	LevelError = "error"
	LevelRaw   = "raw"
)

// Message is one line of the machine-readable UI. The envelope fields are
// always set; the payload field matching Type is set when the type carries
// one (and may still be nil if Terraform left it out, so check before use).
// Raw holds the line itself and is only valid until the next call to
// Decoder.Next.
type Message struct {
	Level     string      `json:"@level"`
	Text      string      `json:"@message"`
	Module    string      `json:"@module"`
	Timestamp time.Time   `json:"@timestamp"`
	Type      MessageType `json:"type"`

	// version: Terraform sets Terraform, OpenTofu sets Tofu.
	Terraform string `json:"terraform,omitempty"`
	Tofu      string `json:"tofu,omitempty"`
	UI        string `json:"ui,omitempty"`

	// diagnostic
	Diagnostic *Diagnostic `json:"diagnostic,omitempty"`

	// planned_change, resource_drift
	Change *Change `json:"change,omitempty"`

	// change_summary
	Changes *ChangeSummary `json:"changes,omitempty"`

	// outputs
	Outputs map[string]Output `json:"outputs,omitempty"`

	// apply_*, provision_*, refresh_*, ephemeral_op_*
	Hook *Hook `json:"hook,omitempty"`

	// init_output
	MessageCode string `json:"message_code,omitempty"`

	// test_* envelopes
	TestFile string `json:"@testfile,omitempty"`
	TestRun  string `json:"@testrun,omitempty"`

	// test_abstract, test_file, test_run, test_summary, test_cleanup,
	// test_interrupt, test_status (test_retry has no payload)
	TestAbstract     TestAbstract      `json:"test_abstract,omitempty"`
	TestFileStatus   *TestFileStatus   `json:"test_file,omitempty"`
	TestRunStatus    *TestRunStatus    `json:"test_run,omitempty"`
	TestSummary      *TestSummary      `json:"test_summary,omitempty"`
	TestCleanup      *TestCleanup      `json:"test_cleanup,omitempty"`
	TestInterrupt    *TestInterrupt    `json:"test_interrupt,omitempty"`
	TestStatusUpdate *TestStatusUpdate `json:"test_status,omitempty"`

	// test_plan and test_state (terraform test -verbose) carry Terraform's
	// renderer structures; they are kept undecoded because nothing here
	// needs them and they can be large.
	TestPlan  json.RawMessage `json:"test_plan,omitempty"`
	TestState json.RawMessage `json:"test_state,omitempty"`

	// Raw is the undecoded line, valid until the next Decoder.Next call.
	Raw []byte `json:"-"`
}

// ResourceAddr identifies a resource instance in change and hook payloads.
type ResourceAddr struct {
	Addr            string `json:"addr"`
	Module          string `json:"module"`
	Resource        string `json:"resource"`
	ImpliedProvider string `json:"implied_provider"`
	ResourceType    string `json:"resource_type"`
	ResourceName    string `json:"resource_name"`
	// ResourceKey is nil, a float64 (count index) or a string (for_each key).
	ResourceKey any `json:"resource_key"`
}

// Importing is set on a change that imports an existing object.
type Importing struct {
	ID string `json:"id,omitempty"`
}

// Change is the payload of planned_change and resource_drift.
type Change struct {
	Resource         ResourceAddr  `json:"resource"`
	PreviousResource *ResourceAddr `json:"previous_resource,omitempty"`
	Action           ChangeAction  `json:"action"`
	Reason           ChangeReason  `json:"reason,omitempty"`
	Importing        *Importing    `json:"importing,omitempty"`
	GeneratedConfig  string        `json:"generated_config,omitempty"`
}

// ChangeSummary is the payload of change_summary. Terraform counts a replace
// in both Add and Remove and a forget nowhere.
type ChangeSummary struct {
	Add       int    `json:"add"`
	Change    int    `json:"change"`
	Import    int    `json:"import"`
	Remove    int    `json:"remove"`
	Operation string `json:"operation"`
}

// Output is one entry of an outputs message: Action in a plan, Type and
// Value after an apply (Value omitted for sensitive outputs).
type Output struct {
	Sensitive bool   `json:"sensitive"`
	Action    string `json:"action,omitempty"`
	Type      any    `json:"type,omitempty"`
	Value     any    `json:"value,omitempty"`
}

// Hook is the payload of apply, provision, refresh and ephemeral messages.
type Hook struct {
	Resource       ResourceAddr `json:"resource"`
	Action         ChangeAction `json:"action,omitempty"`
	IDKey          string       `json:"id_key,omitempty"`
	IDValue        string       `json:"id_value,omitempty"`
	ElapsedSeconds float64      `json:"elapsed_seconds,omitempty"`
	Provisioner    string       `json:"provisioner,omitempty"`
	Output         string       `json:"output,omitempty"`
}

// Diagnostic is a warning or error with its source location.
type Diagnostic struct {
	Severity string   `json:"severity"`
	Summary  string   `json:"summary"`
	Detail   string   `json:"detail"`
	Address  string   `json:"address,omitempty"`
	Range    *Range   `json:"range,omitempty"`
	Snippet  *Snippet `json:"snippet,omitempty"`
}

// Range is a span of a configuration file.
type Range struct {
	Filename string `json:"filename"`
	Start    Pos    `json:"start"`
	End      Pos    `json:"end"`
}

// Pos is a position in a configuration file.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// Snippet is the source excerpt Terraform attaches to a diagnostic.
type Snippet struct {
	Context              *string        `json:"context"`
	Code                 string         `json:"code"`
	StartLine            int            `json:"start_line"`
	HighlightStartOffset int            `json:"highlight_start_offset"`
	HighlightEndOffset   int            `json:"highlight_end_offset"`
	Values               []SnippetValue `json:"values"`
	// FunctionCall is set when the diagnostic is about a failed function call.
	FunctionCall *SnippetFunctionCall `json:"function_call,omitempty"`
}

// SnippetFunctionCall names the function whose call a diagnostic is about,
// so a renderer can show its signature.
type SnippetFunctionCall struct {
	CalledAs string `json:"called_as"`
	// Signature is Terraform's function signature object, kept undecoded.
	Signature json.RawMessage `json:"signature,omitempty"`
}

// SnippetValue is one expression value shown beside a diagnostic.
type SnippetValue struct {
	Traversal string `json:"traversal"`
	Statement string `json:"statement"`
}

// TestAbstract is the payload of test_abstract: the run blocks of every test
// file, so a UI can show the whole suite before it starts.
type TestAbstract map[string][]string

// TestFileStatus is the payload of test_file: a test file's progress
// (starting, teardown, complete) and, once complete, its status.
type TestFileStatus struct {
	Path     string `json:"path"`
	Progress string `json:"progress"`
	Status   string `json:"status,omitempty"`
}

// TestRunStatus is the payload of test_run: one run block's progress and,
// once complete, its status (pass, fail, error, skip).
type TestRunStatus struct {
	Path     string `json:"path"`
	Run      string `json:"run"`
	Progress string `json:"progress"`
	// Elapsed is set while the run is in progress (milliseconds).
	Elapsed *int64 `json:"elapsed,omitempty"`
	Status  string `json:"status,omitempty"`
}

// TestSummary is the payload of test_summary, the suite's final tally.
type TestSummary struct {
	Status  string `json:"status"`
	Passed  int    `json:"passed"`
	Failed  int    `json:"failed"`
	Errored int    `json:"errored"`
	Skipped int    `json:"skipped"`
}

// TestFailedResource names an object a test left behind, so the user can
// clean it up by hand.
type TestFailedResource struct {
	Instance   string `json:"instance"`
	DeposedKey string `json:"deposed_key,omitempty"`
}

// TestCleanup is the payload of test_cleanup: objects that could not be
// destroyed after a test.
type TestCleanup struct {
	FailedResources []TestFailedResource `json:"failed_resources"`
}

// TestInterrupt is the payload of test_interrupt: what a hard interrupt may
// have left behind, per run (States) or for the file (State), and what was
// being created (Planned).
type TestInterrupt struct {
	State   []TestFailedResource            `json:"state,omitempty"`
	States  map[string][]TestFailedResource `json:"states,omitempty"`
	Planned []string                        `json:"planned,omitempty"`
}

// TestStatusUpdate is the payload of test_status, sent while remote (HCP
// Terraform) tests are queued or running.
type TestStatusUpdate struct {
	Status   string  `json:"status"`
	Duration float64 `json:"duration"`
}
