#!/usr/bin/env bash
# Peer benchmark (issue 14; not part of CI): the typical alternative — the ONNX model rebuilt in PyTorch from its
# initializers, forward hooks on every ReLU, numpy S1/S2 class counts — beside the project's benchmark
# (InspectionBenchmark's full inspection (b)), same weights, data and batch, for the MLP and the LeNet-like CNN.
# It first checks that the peer's counts equal the library's (within +-1, the cross-runtime allowance of SPEC;
# exact equality is reported), then alternates the two sides for a few rounds, each in its best thread setting,
# and prints both throughputs and their ratio with the load average.
# Needs: sudo apt-get install python3-torch python3-onnx python3-numpy libopenblas0-pthread (Debian's /usr/bin/python3;
# with the reference libblas3 alone the peer runs the MLP ~13x slower, which is not a fair peer: a warning says so).
# Options go to scripts/bench_peer.py, e.g.:
#   scripts/bench-peer.sh --models mlp,cnn --rounds 3 --reps 2 --java-threads 1,2 --torch-threads 1,2
#   scripts/bench-peer.sh --models cnn --peer-samples-cnn 4000 --check 10000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar=samples/target/samples-0.1.0-SNAPSHOT.jar
if [ "${1:-}" = "--build" ] || [ ! -f "$jar" ] || [ ! -d samples/target/lib ]; then
  [ "${1:-}" = "--build" ] && shift
  mvn -B -q -ntp -DskipTests package
fi
py=${PEER_PYTHON:-/usr/bin/python3}
if ! "$py" -c 'import torch, onnx, numpy' 2>/dev/null; then
  echo "bench-peer: $py cannot import torch, onnx and numpy; install python3-torch python3-onnx python3-numpy" >&2
  exit 3
fi
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
case "$blas" in
  *openblas* | *mkl* | *blis* | "") ;;
  *) echo "bench-peer: warning: the system BLAS is $blas (the reference BLAS); the peer's matrix products will be" \
       "slow and its figures unfair: install libopenblas0-pthread" >&2 ;;
esac
export ORT_DISABLE_TELEMETRY=1
java=(java ${BENCH_JAVA_OPTS:-} -Xms1g -Xmx1g -Xmn128m --add-opens=java.base/java.nio=ALL-UNNAMED
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$jar:samples/target/lib/*")
dir=samples/target/bench-peer
check=2000
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--check" ] && check=${args[$((i + 1))]}
done
"${java[@]}" dev.onnxinspect.samples.bench.PeerExport --out "$dir" --check-samples "$check"
java_cmd=$("$py" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${java[@]}" \
  dev.onnxinspect.samples.bench.InspectionBenchmark)
exec "$py" scripts/bench_peer.py --dir "$dir" --java-cmd "$java_cmd" "$@"
