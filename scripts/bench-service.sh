#!/usr/bin/env bash
# HTTP service throughput (issue 13): requests/s of POST /predict (one Fashion-MNIST image per request, 8 clients on
# loopback) against this build's service and, with BASELINE_CP, a service of another build (e.g. main's), in turns
# within every repetition (samples' bench.ServiceBenchmark). Both serve the same demo-like MLP (784-256-128-10) and
# guard, fitted once into onnx-inspect-out/bench-service/. Builds the jars first when they are missing.
#   scripts/bench-service.sh [--reps 6] [--requests 3000] [--clients 8]
#   BASELINE_CP="/path/to/other/samples/target/samples-0.1.0-SNAPSHOT.jar:/path/to/other/samples/target/lib/*" \
#       scripts/bench-service.sh
# Run it on an otherwise idle machine; every figure is printed with the load average at the time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar=samples/target/samples-0.1.0-SNAPSHOT.jar
if [ ! -f "$jar" ] || [ ! -d samples/target/lib ]; then
  mvn -B -q -ntp -DskipTests package
fi
export ORT_DISABLE_TELEMETRY=1
cp_new="$jar:samples/target/lib/*"
java_opts=(--add-opens=java.base/java.nio=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
dir=onnx-inspect-out/bench-service
mkdir -p "$dir"
if [ ! -f "$dir/guard/guard.properties" ]; then
  java "${java_opts[@]}" -cp "$cp_new" dev.onnxinspect.samples.bench.ServiceBenchmark --model-out "$dir/model.onnx"
  java "${java_opts[@]}" -cp "$cp_new" dev.onnxinspect.samples.cli.Main fit "$dir/model.onnx" \
    --data fashion-mnist-train:10000 --calibration fashion-mnist-test:2000 -o "$dir/guard"
fi
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
serve() { # classpath port
  java "${java_opts[@]}" -Xmx1g -cp "$1" dev.onnxinspect.samples.service.OodService "$dir/model.onnx" "$dir/guard" \
    "$2" 127.0.0.1 > "$dir/server-$2.log" 2>&1 &
  pids+=($!)
}
wait_up() { # port
  for _ in $(seq 1 120); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "the service on port $1 did not start; see $dir/server-$1.log" >&2
  exit 1
}
urls="new=http://127.0.0.1:18181"
serve "$cp_new" 18181
if [ -n "${BASELINE_CP:-}" ]; then
  serve "$BASELINE_CP" 18182
  urls="baseline=http://127.0.0.1:18182,$urls"
  wait_up 18182
fi
wait_up 18181
java "${java_opts[@]}" -cp "$cp_new" dev.onnxinspect.samples.bench.ServiceBenchmark --urls "$urls" "$@"
