#!/usr/bin/env bash
# record.sh regenerates the "only one kind of change" fixtures in this
# directory: for each of a move, an import, a deferred data source read and a
# root output change, `terraform plan -json -detailed-exitcode -out` (which
# must exit 2: Terraform calls every one of them applyable) and
# `terraform apply -json` of that saved plan.
#
# Like testdata/ui/record.sh at the top of the repository, it uses only
# built-in things (terraform_data, terraform_remote_state with backend
# "local"), needs no network, and works in a temp dir removed at the end.
#
# Usage: internal/plan/testdata/ui/record.sh   (uses `terraform` on PATH)
#        TF=/path/to/terraform internal/plan/testdata/ui/record.sh
#
# Recorded with Terraform 1.11.4; README.md says what each file shows.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
TF=${TF:-terraform}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for v in $(compgen -e); do
	case $v in
	TF_LOG | TF_LOG_* | TF_CLI_ARGS | TF_CLI_ARGS_* | TF_WORKSPACE | TF_DATA_DIR | TF_VAR_*) unset "$v" ;;
	esac
done
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
: >"$work/empty.tfrc"
export TF_CLI_CONFIG_FILE="$work/empty.tfrc"

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

# only NAME: plan (exit code 2, "changes") and apply the saved plan.
only() {
	expect 2 "plan_$1_only.jsonl" plan -input=false -no-color -json -detailed-exitcode -out="$1.tfplan"
	expect 0 "apply_$1_only.jsonl" apply -input=false -no-color -json "$1.tfplan"
}

# ---------------------------------------------------------------------------
scenario move
cat >main.tf <<'EOF'
resource "terraform_data" "old" {
  input = "a"
}
EOF
expect 0 - init -input=false -no-color
expect 0 - apply -input=false -no-color -auto-approve
cat >main.tf <<'EOF'
moved {
  from = terraform_data.old
  to   = terraform_data.new
}

resource "terraform_data" "new" {
  input = "a"
}
EOF
only move

# ---------------------------------------------------------------------------
scenario import
cat >main.tf <<'EOF'
import {
  to = terraform_data.imp
  id = "imp-123"
}

resource "terraform_data" "imp" {
}
EOF
expect 0 - init -input=false -no-color
only import

# ---------------------------------------------------------------------------
# timestamp() is unknown while planning, so the read is deferred to the apply
# (read_because_config_unknown) and nothing else changes.
scenario read
cat >upstream.tfstate <<'EOF'
{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"0e6b4f8e-5f7c-4b8e-9d0a-1c2b3d4e5f60","outputs":{"region":{"value":"eu-west-1","type":"string"}},"resources":[],"check_results":null}
EOF
cat >main.tf <<'EOF'
data "terraform_remote_state" "pending" {
  backend = "local"
  config = {
    path = timestamp() != "" ? "${path.module}/upstream.tfstate" : "none"
  }
}
EOF
expect 0 - init -input=false -no-color
only read

# ---------------------------------------------------------------------------
scenario output
cat >main.tf <<'EOF'
output "o" {
  value = "a"
}
EOF
expect 0 - init -input=false -no-color
expect 0 - apply -input=false -no-color -auto-approve
cat >main.tf <<'EOF'
output "o" {
  value = "b"
}
EOF
only output
