#!/usr/bin/env bash
# Scoring cost of the SPEC §5b logit and feature detectors as ratios to Energy in the same run (issue 17), on seeded
# synthetic ReLU features and a random dense head. Builds the jars first when they are missing (or with --build).
# Arguments: d K samples reps (default 512 1000 2000 7), e.g.  scripts/bench-detectors.sh 128 10 10000 9
# Every figure is printed with the load average at the time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar=samples/target/samples-0.1.0-SNAPSHOT.jar
if [ "${1:-}" = "--build" ] || [ ! -f "$jar" ] || [ ! -d samples/target/lib ]; then
  [ "${1:-}" = "--build" ] && shift
  mvn -B -q -ntp -DskipTests package
fi
export ORT_DISABLE_TELEMETRY=1
exec java ${BENCH_JAVA_OPTS:-} -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
  -cp "$jar:samples/target/lib/*" dev.onnxinspect.samples.bench.DetectorBenchmark "$@"
