#!/usr/bin/env bash
# Runs the overfitting-distance sample (issue 9, samples/src/main/java/dev/onnxinspect/samples/dynamics/OverfittingDistanceSample.java) from the
# repository root, building the samples module first when its jar is missing or older than a source.
#   scripts/sample-overfitting-distance.sh [--out DIR] [--name value ...]   (see the class Javadoc for the names and defaults)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jar=(samples/target/samples-*.jar)
if [ ! -f "${jar[0]}" ] || [ -n "$(find pom.xml */pom.xml */src/main -newer "${jar[0]}" -type f 2>/dev/null | head -n 1)" ]; then
  echo "Building the samples (mvn package, tests skipped)..." >&2
  mvn -B -q -ntp -pl samples -am -DskipTests package >&2
fi
scripts/fetch-data.sh fashion-mnist >&2
export ORT_DISABLE_TELEMETRY=1
# Single-threaded PyTorch: on a loaded 2-core machine the default thread pools made DJL training ~30x slower.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec java --add-opens=java.base/java.nio=ALL-UNNAMED ${ONNX_INSPECT_JAVA_OPTS:--Xmx4g -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1} \
  -cp "samples/target/samples-0.1.0-SNAPSHOT.jar:samples/target/lib/*" dev.onnxinspect.samples.dynamics.OverfittingDistanceSample "$@"
