#!/usr/bin/env bash
# Scoring time of the SPEC §5b bank and gradient detectors (NNGuide, Relation, NAC-UE) as ratios to KNN in the same
# run, on seeded synthetic features of the demo's size. Builds the jars first when they are missing (or with --build).
# Options are passed on, e.g.: scripts/bench-bank-detectors.sh --fit 10000 --queries 2000 --dim 128 --reps 5
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar=samples/target/samples-0.1.0-SNAPSHOT.jar
if [ "${1:-}" = "--build" ] || [ ! -f "$jar" ] || [ ! -d samples/target/lib ]; then
  [ "${1:-}" = "--build" ] && shift
  mvn -B -q -ntp -DskipTests package
fi
exec java ${BENCH_JAVA_OPTS:-} -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$jar:samples/target/lib/*" dev.onnxinspect.samples.bench.BankDetectorBenchmark "$@"
