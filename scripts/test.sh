#!/usr/bin/env bash
# The project's test command: fetches the datasets the tests use (idempotent) and runs every module's tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/fetch-data.sh
if [ -x scripts/install-test-tools.sh ]; then scripts/install-test-tools.sh; fi
mvn -B -ntp verify "$@"
