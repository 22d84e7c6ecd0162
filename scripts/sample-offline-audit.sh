#!/usr/bin/env bash
# Example (2): an offline audit of a model this project did not train (built with the graph API).
#   scripts/sample-offline-audit.sh [outDir]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f samples/target/samples-0.1.0-SNAPSHOT.jar ] || mvn -B -q -ntp -DskipTests package
scripts/fetch-data.sh fashion-mnist mnist-digits >&2
export ORT_DISABLE_TELEMETRY=1
exec java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx6g \
  -cp "samples/target/samples-0.1.0-SNAPSHOT.jar:samples/target/lib/*" \
  dev.onnxinspect.samples.examples.OfflineAuditExample "$@"
