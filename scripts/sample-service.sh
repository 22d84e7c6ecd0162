#!/usr/bin/env bash
# Example 1 of issue 8: an ONNX classifier with OOD detection behind a small HTTP service.
#
#   scripts/sample-service.sh <model.onnx> <guard-dir> [port (default 8080)] [host (default 127.0.0.1)] [options]
#
# Builds the project first when the samples jar is missing or older than a source file. When <guard-dir> holds no
# guard yet, one is fitted and saved there: on --data DATA (--calibration DATA), else for a Fashion-MNIST classifier
# from the dataset cache. The options are those of `onnx-inspect serve --help`.
#   curl -s localhost:8080/health
#   curl -s -X POST localhost:8080/predict -d '{"input": [0.0, 0.1, ... 784 floats]}'
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/samples/target/samples-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root" -path "$root/*/target" -prune -o \( -name '*.java' -o -name pom.xml \) \
    -newer "$jar" -print -quit)" ]; then
  echo "building onnx-inspect (mvn package, tests skipped)..." >&2
  mvn -B -q -ntp -f "$root/pom.xml" -DskipTests package
fi
export ORT_DISABLE_TELEMETRY=1
exec java --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$jar:$root/samples/target/lib/*" \
  dev.onnxinspect.samples.service.OodService "$@"
