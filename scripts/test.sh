#!/usr/bin/env bash
# Runs every test: unit tests and integration tests against the real
# terraform binary (and, where a package needs them, PostgreSQL, moto and
# Chromium, which the test harness starts itself on loopback ports).
# Integration tests skip when a component is missing unless
# INFRACTL_REQUIRE_INTEGRATION=1 (set by .ci/run), which makes them fail.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go test -count=1 -timeout 20m "${@:-./...}"
