#!/usr/bin/env bash
# record.sh regenerates the real Terraform state fixtures in states/ from the
# configuration in record/. Run it from anywhere with Terraform 1.11.4 on PATH:
#
#   bash internal/tfstate/testdata/record.sh
#
# Each step applies (or taints) in a scratch directory with the local backend
# and copies terraform.tfstate to states/<name>.tfstate. Lineage, ids and
# private data change on every run, so the golden files in golden/ must be
# regenerated afterwards: go test ./internal/tfstate/ -run Golden -update
#
# The secrets below are fake sentinels: tests assert that they never appear
# in diff output.
#
#   v1.tfstate       env=dev: count, for_each (string keys), module instances,
#                    a data resource, outputs incl. a sensitive one, check
#                    results (check block + postcondition), sensitive
#                    attributes (whole attribute and nested).
#   v2.tfstate       env=prod, rotated db_password: changed attributes and
#                    outputs, same lineage, higher serial.
#   v3-tainted.tfstate  v2 after `terraform taint 'terraform_data.counted[1]'`.
#   v4-deposed.tfstate  v3 after a create_before_destroy replacement whose
#                    creation-time provisioner failed: terraform_data.cbd has a
#                    tainted current object and the old one deposed (apply
#                    exits non-zero on purpose).
#   empty.tfstate    after `terraform destroy`: no resources, no outputs.
#
# It then re-derives the invalid states in invalid/ from v1 (invalid/make.sh;
# invalid/v3.tfstate is hand-written). The large benchmark states are built
# in memory by bench_test.go.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/states"
work="$(mktemp -d)"
touch "$work/log"
trap 'rc=$?; [ $rc -eq 0 ] || tail -n 40 "$work/log" >&2; rm -rf "$work"' EXIT

export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
unset TF_CLI_ARGS TF_LOG
export TF_CLI_CONFIG_FILE=/dev/null

tfv="$(terraform version)"
if [[ "$tfv" != "Terraform v1.11.4"* ]]; then
  echo "record.sh: needs Terraform v1.11.4 on PATH, got: ${tfv%%$'\n'*}" >&2
  exit 1
fi

cp -R "$here/record/." "$work/"
cd "$work"
tf() { terraform "$@" -no-color >>"$work/log" 2>&1; }

(cd base && terraform init -input=false -no-color && terraform apply -input=false -auto-approve -no-color) >>"$work/log" 2>&1
tf init -input=false
tf apply -input=false -auto-approve -var env=dev -var db_password=SENTINEL-pass-one
cp terraform.tfstate "$out/v1.tfstate"

tf apply -input=false -auto-approve -var env=prod -var db_password=SENTINEL-pass-two
cp terraform.tfstate "$out/v2.tfstate"

tf taint 'terraform_data.counted[1]'
cp terraform.tfstate "$out/v3-tainted.tfstate"

touch fail-create
if tf apply -input=false -auto-approve -target=terraform_data.cbd \
  -var env=prod -var db_password=SENTINEL-pass-two -var rotation=2; then
  echo "record.sh: expected the creation-time provisioner to fail" >&2
  exit 1
fi
cp terraform.tfstate "$out/v4-deposed.tfstate"
rm fail-create

tf destroy -input=false -auto-approve -var env=prod -var db_password=SENTINEL-pass-two -var rotation=2
cp terraform.tfstate "$out/empty.tfstate"

bash "$here/invalid/make.sh"

echo "record.sh: wrote $(ls "$out" | wc -l) states to $out"
