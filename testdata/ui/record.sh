#!/usr/bin/env bash
# record.sh regenerates the machine-readable UI fixtures in this directory by
# running a real Terraform against throwaway configurations in a temp dir.
#
# Most scenarios use only built-in things (terraform_data, the
# terraform_remote_state data source with backend "local", the local-exec
# provisioner). The ephemeral scenarios use the localfs test provider
# (cmd/terraform-provider-localfs), built with `go build` into the temp dir and
# served from a filesystem mirror. No provider registry or network access is
# needed. State is local and lives in the temp dir, which is removed at the end.
#
# Usage: testdata/ui/record.sh [SCENARIO...]
#        TF=/path/to/terraform OUT=/some/dir testdata/ui/record.sh
#
# With no arguments every scenario is recorded; name scenarios to re-record
# only their files (the list is in `scenarios` below), so unrelated fixtures
# keep their ids and timestamps. TF defaults to `terraform` on PATH; OUT (this
# directory by default) is where the files go, e.g. a scratch dir to check
# that a run still matches README.md.
#
# The fixtures were recorded with Terraform 1.11.4; README.md lists what each
# file shows and the counts the tests expect. Re-recording with another
# version may change those counts (update README.md and the tests with it).
# Resource ids (UUIDs), timestamps, elapsed times and the order of
# concurrently emitted lines differ on every run; tests must not depend on them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TF=${TF:-terraform}
out=${OUT:-$here}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every scenario, in recording order; each is a record_NAME function below.
scenarios=(all_actions replace_reasons refresh_only destroy errored progress interrupted
	diagnostics test delete_reasons read_reasons ephemeral)

# Own the environment: automation mode, no prompts, no stray logging or
# injected CLI arguments, no version check-point calls, an empty CLI config,
# no localfs defaults.
for v in $(compgen -e); do
	case $v in
	TF_LOG | TF_LOG_* | TF_CLI_ARGS | TF_CLI_ARGS_* | TF_WORKSPACE | TF_DATA_DIR | TF_VAR_* | \
		TF_PLUGIN_CACHE_DIR | LOCALFS_*) unset "$v" ;;
	esac
done
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
: >"$work/empty.tfrc"
export TF_CLI_CONFIG_FILE="$work/empty.tfrc"
# tfrc is the CLI config of the current scenario: empty, or the localfs
# mirror's after use_localfs.
tfrc=$work/empty.tfrc

"$TF" version -json | grep -q '"terraform_version"' || {
	echo "record.sh: $TF is not a working terraform" >&2
	exit 1
}

# expect RC OUT ARGS...: run terraform with ARGS, write stdout to OUT in the
# output directory (or discard it when OUT is -), and fail unless it exits
# with RC.
expect() {
	local want=$1 file=$2
	shift 2
	local rc=0
	if [[ $file == - ]]; then
		TF_CLI_CONFIG_FILE=$tfrc "$TF" "$@" >/dev/null 2>"$work/stderr" || rc=$?
	else
		TF_CLI_CONFIG_FILE=$tfrc "$TF" "$@" >"$out/$file" 2>"$work/stderr" || rc=$?
	fi
	if [[ $rc != "$want" ]]; then
		echo "record.sh: terraform $* exited $rc, want $want (in $PWD)" >&2
		cat "$work/stderr" >&2
		exit 1
	fi
}

# scenario NAME: start a fresh working directory and cd into it; terraform
# gets the empty CLI config until use_localfs.
scenario() {
	rm -rf "${work:?}/$1"
	mkdir -p "$work/$1"
	cd "$work/$1"
	tfrc=$work/empty.tfrc
	echo "== $1" >&2
}

# show PLANFILE OUT: save `terraform show -json PLANFILE` as OUT.
show() {
	expect 0 "$2" show -json -no-color "$1"
}

# use_localfs: serve the localfs provider to the current scenario from a
# filesystem mirror, building it on first use. The provider binary installs
# itself into the mirror and writes the CLI config (its -mirror flag), so the
# layout is the one tests get from internal/testenv.
use_localfs() {
	local dir=$work/localfs
	if [[ ! -f $dir/terraform.rc ]]; then
		command -v go >/dev/null || {
			echo "record.sh: the ephemeral scenarios need go on PATH to build the localfs provider" >&2
			exit 1
		}
		mkdir -p "$dir"
		(cd "$root" && go build -o "$dir/terraform-provider-localfs" ./cmd/terraform-provider-localfs)
		"$dir/terraform-provider-localfs" -mirror "$dir/mirror" -cli-config "$dir/terraform.rc"
	fi
	tfrc=$dir/terraform.rc
}

# localfs_main BODY: write main.tf with the localfs required_providers block
# (the same one as localfs.RequiredProviders) followed by BODY.
localfs_main() {
	cat >main.tf <<'EOF'
terraform {
  required_providers {
    localfs = {
      source  = "registry.terraform.io/infractl/localfs"
      version = "0.1.0"
    }
  }
}

EOF
	printf '%s' "$1" >>main.tf
}

# ---------------------------------------------------------------------------
# upstream: a state with outputs for terraform_remote_state to read.
record_upstream() {
scenario upstream
cat >main.tf <<'EOF'
output "region" {
  value = "eu-west-1"
}
EOF
expect 0 - init -input=false -no-color
expect 0 - apply -input=false -no-color -auto-approve
}

# ---------------------------------------------------------------------------
# all_actions: one plan with every action; then its saved plan applied.
record_all_actions() {
scenario all_actions
cat >main.tf <<'EOF'
resource "terraform_data" "upd" {
  input = "v1"
}

resource "terraform_data" "del" {
  input = "bye"
}

resource "terraform_data" "cnt" {
  count = 3
  input = "c${count.index}"
}

resource "terraform_data" "rep" {
  input            = "r"
  triggers_replace = "t1"
}

resource "terraform_data" "old" {
  input = "moving"
}

resource "terraform_data" "gone" {
  input = "forget me"
}

resource "terraform_data" "same" {
  input = "unchanged"
}

output "o_upd" {
  value = terraform_data.upd.output
}

output "gone_out" {
  value = "x"
}

output "same_out" {
  value = "s"
}
EOF
expect 0 init.jsonl init -input=false -no-color -json
expect 0 - apply -input=false -no-color -auto-approve

cat >main.tf <<'EOF'
# create
resource "terraform_data" "new" {
  input = "hello"
}

# update
resource "terraform_data" "upd" {
  input = "v2"
}

# terraform_data.del is gone from the configuration: delete_because_no_resource_config

# cnt[2] goes: delete_because_count_index
resource "terraform_data" "cnt" {
  count = 2
  input = "c${count.index}"
}

# triggers_replace changed: replace, cannot_update
resource "terraform_data" "rep" {
  input            = "r"
  triggers_replace = "t2"
}

# move
moved {
  from = terraform_data.old
  to   = terraform_data.moved_to
}

resource "terraform_data" "moved_to" {
  input = "moving"
}

# forget: "remove"
removed {
  from = terraform_data.gone
  lifecycle {
    destroy = false
  }
}

# import only
import {
  to = terraform_data.imp
  id = "imp-123"
}

resource "terraform_data" "imp" {
}

# import + update
import {
  to = terraform_data.imp2
  id = "imp-456"
}

resource "terraform_data" "imp2" {
  input = "adopted"
}

# no-op
resource "terraform_data" "same" {
  input = "unchanged"
}

# read during plan (apply_start/apply_complete with action read)
data "terraform_remote_state" "known" {
  backend = "local"
  config = {
    path = "../upstream/terraform.tfstate"
  }
}

# read deferred to apply: read_because_config_unknown
data "terraform_remote_state" "pending" {
  backend = "local"
  config = {
    path = "../upstream/terraform.tfstate"
  }
  defaults = {
    seed = terraform_data.new.output
  }
}

output "o_upd" {
  value = terraform_data.upd.output
}

output "o_new" {
  value = terraform_data.new.id
}

output "same_out" {
  value = "s"
}

output "region" {
  value = data.terraform_remote_state.known.outputs.region
}

output "pending_region" {
  value = data.terraform_remote_state.pending.outputs.region
}
EOF
# An undeclared variable in a var file is a warning diagnostic.
cat >extra.tfvars <<'EOF'
unused = "x"
EOF
expect 0 plan_all_actions.jsonl plan -input=false -no-color -json -var-file=extra.tfvars -out=all.tfplan
show all.tfplan plan_all_actions.plan.json
expect 0 apply_all_actions.jsonl apply -input=false -no-color -json all.tfplan

# ---------------------------------------------------------------------------
# no_changes: plan again after the apply above.
expect 0 plan_no_changes.jsonl plan -input=false -no-color -json -var-file=extra.tfvars -out=none.tfplan
show none.tfplan plan_no_changes.plan.json
}

# ---------------------------------------------------------------------------
# replace_reasons: every replace reason, and create_before_destroy.
record_replace_reasons() {
scenario replace_reasons
cat >main.tf <<'EOF'
resource "terraform_data" "cannot" {
  triggers_replace = "a"
}

resource "terraform_data" "req" {
  input = "r"
}

resource "terraform_data" "trigger_src" {
  input = "1"
}

resource "terraform_data" "triggered" {
  input = "t"
  lifecycle {
    replace_triggered_by = [terraform_data.trigger_src]
  }
}

resource "terraform_data" "tainted" {
  input = "t"
}

resource "terraform_data" "cbd" {
  triggers_replace = "a"
  lifecycle {
    create_before_destroy = true
  }
}
EOF
expect 0 - init -input=false -no-color
expect 0 - apply -input=false -no-color -auto-approve
sed -e 's/triggers_replace = "a"/triggers_replace = "b"/' -e 's/input = "1"/input = "2"/' main.tf >main.tf.new
mv main.tf.new main.tf
expect 0 - taint -no-color terraform_data.tainted
expect 0 plan_replace_reasons.jsonl plan -input=false -no-color -json -replace=terraform_data.req -out=rep.tfplan
show rep.tfplan plan_replace_reasons.plan.json
expect 0 apply_replace_reasons.jsonl apply -input=false -no-color -json rep.tfplan
}

# ---------------------------------------------------------------------------
# refresh_only_drift: a pending move seen by a refresh-only plan is drift.
record_refresh_only() {
scenario refresh_only
cat >main.tf <<'EOF'
resource "terraform_data" "kept" {
  input = "k"
}

resource "terraform_data" "moved_to" {
  input = "m"
}

output "o" {
  value = "before"
}
EOF
expect 0 - init -input=false -no-color
expect 0 - apply -input=false -no-color -auto-approve
cat >main.tf <<'EOF'
resource "terraform_data" "kept" {
  input = "k"
}

moved {
  from = terraform_data.moved_to
  to   = terraform_data.moved2
}

resource "terraform_data" "moved2" {
  input = "m"
}

output "o" {
  value = "after"
}
EOF
expect 0 refresh_only_drift.jsonl plan -input=false -no-color -json -refresh-only -out=refresh.tfplan
show refresh.tfplan refresh_only_drift.plan.json
}

# ---------------------------------------------------------------------------
# destroy: a destroy plan and its apply.
record_destroy() {
scenario destroy
cat >main.tf <<'EOF'
resource "terraform_data" "one" {
  input = 1
}

resource "terraform_data" "two" {
  input = [1, 2]
}

output "sum" {
  value = terraform_data.one.output + length(terraform_data.two.output)
}
EOF
expect 0 - init -input=false -no-color
expect 0 - apply -input=false -no-color -auto-approve
expect 0 plan_destroy.jsonl plan -input=false -no-color -json -destroy -out=destroy.tfplan
show destroy.tfplan plan_destroy.plan.json
expect 0 apply_destroy.jsonl apply -input=false -no-color -json destroy.tfplan
# Only `terraform destroy` reports operation "destroy" ("Destroy complete!");
# applying a destroy plan, or `apply -destroy`, reports "apply".
expect 0 - apply -input=false -no-color -auto-approve
expect 0 destroy.jsonl destroy -input=false -no-color -json -auto-approve
}

# ---------------------------------------------------------------------------
# apply_errored: a provisioner that prints, then one that fails.
record_errored() {
scenario errored
cat >main.tf <<'EOF'
resource "terraform_data" "ok" {
  input = "fine"
  provisioner "local-exec" {
    command = "echo hello-from-provisioner"
  }
}

resource "terraform_data" "bad" {
  depends_on = [terraform_data.ok]
  input      = "doomed"
  provisioner "local-exec" {
    command = "echo about-to-fail; exit 1"
  }
}

output "ok" {
  value = terraform_data.ok.output
}
EOF
expect 0 - init -input=false -no-color
expect 0 - plan -input=false -no-color -out=err.tfplan
expect 1 apply_errored.jsonl apply -input=false -no-color -json err.tfplan
}

# ---------------------------------------------------------------------------
# apply_progress: apply without a saved plan; a slow create reports progress.
record_progress() {
scenario progress
cat >main.tf <<'EOF'
resource "terraform_data" "slow" {
  input = "zzz"
  provisioner "local-exec" {
    command = "sleep 11"
  }
}

output "slow" {
  value = terraform_data.slow.output
}

output "secret" {
  value     = "not-really-secret"
  sensitive = true
}
EOF
expect 0 - init -input=false -no-color
expect 0 apply_progress.jsonl apply -input=false -no-color -json -auto-approve
}

# ---------------------------------------------------------------------------
# apply_interrupted: SIGINT while a provisioner runs.
record_interrupted() {
scenario interrupted
cat >main.tf <<'EOF'
resource "terraform_data" "long" {
  input = "long"
  provisioner "local-exec" {
    command = "sleep 30"
  }
}
EOF
expect 0 - init -input=false -no-color
"$TF" apply -input=false -no-color -json -auto-approve >"$out/apply_interrupted.jsonl" 2>"$work/stderr" &
pid=$!
for _ in $(seq 1 100); do
	grep -q '"provision_start"' "$out/apply_interrupted.jsonl" && break
	sleep 0.1
done
sleep 1
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
if [[ $rc == 0 ]]; then
	echo "record.sh: interrupted apply exited 0" >&2
	exit 1
fi
}

# ---------------------------------------------------------------------------
# diagnostics: an invalid reference, and a failing variable validation.
record_diagnostics() {
scenario bad_reference
cat >main.tf <<'EOF'
resource "terraform_data" "a" {
  input = "a"
}

output "broken" {
  value = terraform_data.nope.id
}
EOF
expect 0 - init -input=false -no-color
expect 1 plan_error_invalid_reference.jsonl plan -input=false -no-color -json

scenario bad_var
cat >main.tf <<'EOF'
variable "size" {
  type = number
  validation {
    condition     = var.size < 10
    error_message = "The size must be below 10."
  }
}

resource "terraform_data" "a" {
  input = var.size
}
EOF
expect 0 - init -input=false -no-color
expect 1 plan_error_var_validation.jsonl plan -input=false -no-color -json -var=size=42
}

# ---------------------------------------------------------------------------
# test: `terraform test -json` with a passing and a failing run.
record_test() {
scenario test
cat >main.tf <<'EOF'
variable "name" {
  type    = string
  default = "world"
}

resource "terraform_data" "greeting" {
  input = "hello ${var.name}"
}
EOF
mkdir -p tests
cat >tests/main.tftest.hcl <<'EOF'
run "ok" {
  command = plan
  assert {
    condition     = terraform_data.greeting.input == "hello world"
    error_message = "unexpected greeting"
  }
}

run "fails" {
  command = plan
  variables {
    name = "moon"
  }
  assert {
    condition     = terraform_data.greeting.input == "hello world"
    error_message = "greeting is not for the world"
  }
}
EOF
expect 0 - init -input=false -no-color
expect 1 test_suite.jsonl test -no-color -json
}

# ---------------------------------------------------------------------------
# delete_reasons: every delete reason the all_actions plan lacks, in one plan.
record_delete_reasons() {
scenario delete_reasons
mkdir -p mod
cat >mod/main.tf <<'EOF'
resource "terraform_data" "x" {
  input = "in module"
}
EOF
cat >main.tf <<'EOF'
resource "terraform_data" "to_each" {
  count = 2
  input = "c${count.index}"
}

resource "terraform_data" "to_single" {
  count = 2
  input = "s${count.index}"
}

resource "terraform_data" "single" {
  input = "one"
}

resource "terraform_data" "each" {
  for_each = toset(["a", "b"])
  input    = each.key
}

resource "terraform_data" "lost" {
  input = "lost"
}

module "gone" {
  source = "./mod"
}

module "shrink" {
  source = "./mod"
  count  = 2
}
EOF
expect 0 - init -input=false -no-color
expect 0 - apply -input=false -no-color -auto-approve
cat >main.tf <<'EOF'
# count -> for_each: to_each[0] and [1] go, delete_because_wrong_repetition
resource "terraform_data" "to_each" {
  for_each = toset(["x"])
  input    = each.key
}

# count -> no repetition: to_single[0] moves to to_single (implied move),
# to_single[1] goes, delete_because_wrong_repetition
resource "terraform_data" "to_single" {
  input = "s0"
}

# no repetition -> for_each: single goes, delete_because_wrong_repetition
resource "terraform_data" "single" {
  for_each = toset(["k"])
  input    = "one"
}

# each["b"] goes: delete_because_each_key
resource "terraform_data" "each" {
  for_each = toset(["a"])
  input    = each.key
}

# moved to an address with no configuration: terraform_data.nowhere is
# deleted, delete_because_no_move_target, previous_resource terraform_data.lost
moved {
  from = terraform_data.lost
  to   = terraform_data.nowhere
}

# module "gone" is no longer called: module.gone.terraform_data.x goes, and
# the reason is delete_because_no_resource_config, not ..._no_module

# module instance shrink[1] no longer exists: delete_because_no_module
module "shrink" {
  source = "./mod"
  count  = 1
}
EOF
expect 0 plan_delete_reasons.jsonl plan -input=false -no-color -json -out=del.tfplan
show del.tfplan plan_delete_reasons.plan.json
}

# ---------------------------------------------------------------------------
# read_reasons: data sources read during apply because a dependency has
# pending changes, or because they are nested in a check block; then the
# apply, and a plan whose only change is the check block's read.
record_read_reasons() {
scenario read_reasons
cat >main.tf <<'EOF'
resource "terraform_data" "new" {
  input = "x"
}

# known configuration, but depends_on a resource being created:
# read_because_dependency_pending
data "terraform_remote_state" "after_new" {
  backend = "local"
  config = {
    path = "../upstream/terraform.tfstate"
  }
  depends_on = [terraform_data.new]
}

# read during the plan and again during apply: read_because_check_nested
check "upstream_region" {
  data "terraform_remote_state" "checked" {
    backend = "local"
    config = {
      path = "../upstream/terraform.tfstate"
    }
  }

  assert {
    condition     = data.terraform_remote_state.checked.outputs.region == "eu-west-1"
    error_message = "upstream is in the wrong region"
  }
}
EOF
expect 0 - init -input=false -no-color
expect 0 plan_read_reasons.jsonl plan -input=false -no-color -json -out=read.tfplan
show read.tfplan plan_read_reasons.plan.json
expect 0 apply_read_reasons.jsonl apply -input=false -no-color -json read.tfplan
# Nothing left to change, yet the check block's data source is planned for
# reading again (`plan -detailed-exitcode` exits 2).
expect 0 plan_check_nested_only.jsonl plan -input=false -no-color -json -out=check.tfplan
show check.tfplan plan_check_nested_only.plan.json
}

# ---------------------------------------------------------------------------
# ephemeral: localfs_secret, the localfs provider's ephemeral resource, in a
# plan and its apply (open, renew, close), a renewal that fails, an open that
# fails and an open slow enough to report progress.
record_ephemeral() {
scenario ephemeral
use_localfs
printf 'not-really-secret' >token.txt
localfs_main '# opened and closed during the plan and again during the apply; renewed
# 2s after opening, which only the apply (sleep 4) lasts long enough for
ephemeral "localfs_secret" "token" {
  path        = "token.txt"
  renew_after = "2s"
}

# referenced by nothing, still opened and closed
ephemeral "localfs_secret" "unused" {
  path = "token.txt"
}

resource "terraform_data" "name" {
  input = "token.txt"
}

# configuration unknown during the plan: not opened there, and nothing in
# the plan stream says so; opened during the apply
ephemeral "localfs_secret" "later" {
  path = terraform_data.name.output
}

# ephemeral values may only go to ephemeral contexts such as provisioners
resource "terraform_data" "use" {
  input = "uses-the-token"
  provisioner "local-exec" {
    command = "sleep 4; test -n \"$TOKEN\" && test -n \"$LATER\""
    environment = {
      TOKEN = ephemeral.localfs_secret.token.content
      LATER = ephemeral.localfs_secret.later.content
    }
  }
}
'
expect 0 - init -input=false -no-color
expect 0 plan_ephemeral.jsonl plan -input=false -no-color -json -out=eph.tfplan
show eph.tfplan plan_ephemeral.plan.json
expect 0 apply_ephemeral.jsonl apply -input=false -no-color -json eph.tfplan

# A renewal that fails (the provisioner deletes the file first) is an
# ephemeral_op_errored line and nothing else: the apply succeeds.
scenario ephemeral_revoked
use_localfs
printf 'not-really-secret' >token.txt
localfs_main 'ephemeral "localfs_secret" "revoked" {
  path        = "token.txt"
  renew_after = "2s"
}

resource "terraform_data" "use" {
  input = "revokes-the-token"
  provisioner "local-exec" {
    command = "rm token.txt; sleep 4"
    environment = {
      TOKEN = ephemeral.localfs_secret.revoked.content
    }
  }
}
'
expect 0 - init -input=false -no-color
expect 0 - plan -input=false -no-color -out=revoked.tfplan
expect 0 apply_ephemeral_renew_errored.jsonl apply -input=false -no-color -json revoked.tfplan

# An open that fails fails the plan.
scenario ephemeral_missing
use_localfs
localfs_main 'ephemeral "localfs_secret" "missing" {
  path = "no-such-token.txt"
}
'
expect 0 - init -input=false -no-color
expect 1 plan_ephemeral_open_errored.jsonl plan -input=false -no-color -json

# An open that takes 11s reports progress at 10s.
scenario ephemeral_slow
use_localfs
printf 'not-really-secret' >token.txt
localfs_main 'provider "localfs" {
  read_delay = "11s"
}

ephemeral "localfs_secret" "slow" {
  path = "token.txt"
}
'
expect 0 - init -input=false -no-color
expect 0 plan_ephemeral_progress.jsonl plan -input=false -no-color -json
}

# ---------------------------------------------------------------------------
# main: record the scenarios named on the command line, or all of them.
selected=("$@")
if ((${#selected[@]} == 0)); then
	selected=("${scenarios[@]}")
fi
for s in "${selected[@]}"; do
	if [[ " ${scenarios[*]} " != *" $s "* ]]; then
		echo "record.sh: unknown scenario $s; want some of: ${scenarios[*]}" >&2
		exit 2
	fi
done
# upstream is the state the terraform_remote_state data sources read.
record_upstream
for s in "${selected[@]}"; do
	"record_$s"
done
echo "recorded ${selected[*]} into $out" >&2
