#!/usr/bin/env bash
# Text classifier inspection benchmark (issue 20): trains the project's text classifier for a few seconds (int64
# input_ids + attention_mask, embedding, token layer, masked mean, MLP), then measures plain ONNX Runtime inference of
# the model with the logits as its only output against an inspection of every exposed layer (sequence layers through
# masked means of the attention mask), same batches, batch size and threads, alternating. Options are passed on, e.g.:
#   scripts/bench-text-inspection.sh --samples 50000 --batch 64 --threads 1 --reps 5
# Builds the jars first when they are missing (or with --build). Every figure comes with the load average.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar=samples/target/samples-0.1.0-SNAPSHOT.jar
if [ "${1:-}" = "--build" ] || [ ! -f "$jar" ] || [ ! -d samples/target/lib ]; then
  [ "${1:-}" = "--build" ] && shift
  mvn -B -q -ntp -DskipTests package
fi
export ORT_DISABLE_TELEMETRY=1
exec java ${BENCH_JAVA_OPTS:-} -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$jar:samples/target/lib/*" dev.onnxinspect.samples.bench.TextInspectionBenchmark "$@"
