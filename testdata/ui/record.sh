#!/usr/bin/env bash
# record.sh regenerates the machine-readable UI fixtures in this directory by
# running a real Terraform against throwaway configurations in a temp dir.
#
# Only built-in things are used (terraform_data, the terraform_remote_state
# data source with backend "local", the local-exec provisioner), so no
# provider registry or network access is needed. State is local and lives
# in the temp dir, which is removed at the end.
#
# Usage: testdata/ui/record.sh            (uses `terraform` on PATH)
#        TF=/path/to/terraform testdata/ui/record.sh
#
# The fixtures were recorded with Terraform 1.11.4; README.md lists what each
# file shows and the counts the tests expect. Re-recording with another
# version may change those counts (update README.md and the tests with it).
# Resource ids (UUIDs) and timestamps differ on every run; tests must not
# depend on them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
TF=${TF:-terraform}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Own the environment: automation mode, no prompts, no stray logging or
# injected CLI arguments, no version check-point calls, an empty CLI config.
for v in $(compgen -e); do
	case $v in
	TF_LOG | TF_LOG_* | TF_CLI_ARGS | TF_CLI_ARGS_* | TF_WORKSPACE | TF_DATA_DIR | TF_VAR_*) unset "$v" ;;
	esac
done
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
: >"$work/empty.tfrc"
export TF_CLI_CONFIG_FILE="$work/empty.tfrc"

"$TF" version -json | grep -q '"terraform_version"' || {
	echo "record.sh: $TF is not a working terraform" >&2
	exit 1
}

# expect RC OUT ARGS...: run terraform with ARGS, write stdout to OUT in this
# directory (or discard it when OUT is -), and fail unless it exits with RC.
expect() {
	local want=$1 out=$2
	shift 2
	local rc=0
	if [[ $out == - ]]; then
		"$TF" "$@" >/dev/null 2>"$work/stderr" || rc=$?
	else
		"$TF" "$@" >"$here/$out" 2>"$work/stderr" || rc=$?
	fi
	if [[ $rc != "$want" ]]; then
		echo "record.sh: terraform $* exited $rc, want $want (in $PWD)" >&2
		cat "$work/stderr" >&2
		exit 1
	fi
}

# scenario NAME: start a fresh working directory and cd into it.
scenario() {
	mkdir -p "$work/$1"
	cd "$work/$1"
	echo "== $1" >&2
}

# show PLANFILE OUT: save `terraform show -json PLANFILE` as OUT.
show() {
	expect 0 "$2" show -json -no-color "$1"
}

# ---------------------------------------------------------------------------
# upstream: a state with outputs for terraform_remote_state to read.
scenario upstream
cat >main.tf <<'EOF'
output "region" {
  value = "eu-west-1"
}
EOF
expect 0 - init -input=false -no-color
expect 0 - apply -input=false -no-color -auto-approve

# ---------------------------------------------------------------------------
# all_actions: one plan with every action; then its saved plan applied.
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

# ---------------------------------------------------------------------------
# replace_reasons: every replace reason, and create_before_destroy.
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

# ---------------------------------------------------------------------------
# refresh_only_drift: a pending move seen by a refresh-only plan is drift.
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

# ---------------------------------------------------------------------------
# destroy: a destroy plan and its apply.
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

# ---------------------------------------------------------------------------
# apply_errored: a provisioner that prints, then one that fails.
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

# ---------------------------------------------------------------------------
# apply_progress: apply without a saved plan; a slow create reports progress.
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

# ---------------------------------------------------------------------------
# apply_interrupted: SIGINT while a provisioner runs.
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
"$TF" apply -input=false -no-color -json -auto-approve >"$here/apply_interrupted.jsonl" 2>"$work/stderr" &
pid=$!
for _ in $(seq 1 100); do
	grep -q '"provision_start"' "$here/apply_interrupted.jsonl" && break
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

# ---------------------------------------------------------------------------
# diagnostics: an invalid reference, and a failing variable validation.
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

# ---------------------------------------------------------------------------
# test: `terraform test -json` with a passing and a failing run.
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

echo "recorded into $here" >&2
