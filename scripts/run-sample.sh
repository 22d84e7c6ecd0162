#!/usr/bin/env bash
# Runs a sample's main class from the repository root with the samples class path, building the samples module (and
# the modules it depends on) first when its jar is missing or older than a source, and fetching Fashion-MNIST.
#   scripts/run-sample.sh <main class> [arguments...]
# The scripts/sample-*.sh scripts call this; ONNX_INSPECT_JAVA_OPTS replaces the default JVM options.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: scripts/run-sample.sh <main class> [arguments...]" >&2
  exit 2
fi
main="$1"
shift
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
  -cp "samples/target/samples-0.1.0-SNAPSHOT.jar:samples/target/lib/*" "$main" "$@"
