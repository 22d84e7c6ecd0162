#!/usr/bin/env bash
# Inspection throughput and heap benchmark (issue 5): plain ONNX Runtime inference of the original model vs a full
# inspection of every hidden layer, for the Fashion-MNIST MLP and the LeNet-like CNN, and the peak heap of an
# inspection over 10,000 vs 100,000 samples. Builds the jars first when they are missing (or with --build).
# Options are passed on to the benchmark, e.g.:
#   scripts/bench-inspection.sh --models mlp,cnn --batch auto --threads 1 --warmup 2 --reps 5 --heap 10000,100000
# Run it on an otherwise idle machine; every figure is printed with the load average at the time.
# Extra JVM options: BENCH_JAVA_OPTS="..." scripts/bench-inspection.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar=samples/target/samples-0.1.0-SNAPSHOT.jar
if [ "${1:-}" = "--build" ] || [ ! -f "$jar" ] || [ ! -d samples/target/lib ]; then
  [ "${1:-}" = "--build" ] && shift
  mvn -B -q -ntp -DskipTests package
fi
export ORT_DISABLE_TELEMETRY=1
exec java ${BENCH_JAVA_OPTS:-} -Xms1g -Xmx1g -Xmn128m --add-opens=java.base/java.nio=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$jar:samples/target/lib/*" dev.onnxinspect.samples.bench.InspectionBenchmark "$@"
