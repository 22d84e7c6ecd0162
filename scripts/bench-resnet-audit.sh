#!/usr/bin/env bash
# ResNet-50-sized audit benchmark (issue 20): builds a ResNet-50 with random weights (224 x 224, K = 1000) with the
# graph builder, measures plain ONNX Runtime inference against an inspection of every ReLU map (channel means), then
# audits it on synthetic images (fit 256, ID 128, OOD 128 by default) and reports the audit's wall time, the heap
# (memory pool peaks) and the process's peak RSS (VmHWM), and what the memory rule decided. Builds the jars first
# when they are missing (or with --build). Options are passed on to the benchmark, e.g.:
#   scripts/bench-resnet-audit.sh --fit 256 --id 128 --ood 128 --reps 3 --samples 32 --threads 1 --budget-mib 512
# It takes several minutes on 2 cores; run it on an otherwise quiet machine (every figure comes with the load).
# Extra JVM options: BENCH_JAVA_OPTS="..." scripts/bench-resnet-audit.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar=samples/target/samples-0.1.0-SNAPSHOT.jar
if [ "${1:-}" = "--build" ] || [ ! -f "$jar" ] || [ ! -d samples/target/lib ]; then
  [ "${1:-}" = "--build" ] && shift
  mvn -B -q -ntp -DskipTests package
fi
export ORT_DISABLE_TELEMETRY=1
exec java ${BENCH_JAVA_OPTS:-} -Xmx4g --add-opens=java.base/java.nio=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.dev.onnxinspect.ood=error \
  -cp "$jar:samples/target/lib/*" dev.onnxinspect.samples.bench.ResNetAuditBenchmark "$@"
