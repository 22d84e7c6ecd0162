#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer of model loading, describe, instrument and the head finding (onnx-io
# ModelLoadingFuzzTest): each target for FUZZ_SECONDS seconds (default 45), one after the other, through Jazzer's
# command line (which runs the @FuzzTest in fuzzing mode). `mvn verify` runs the same targets in regression mode
# only, on the committed inputs under onnx-io/src/test/resources/dev/onnxinspect/onnx/ModelLoadingFuzzTestInputs/.
#
# A finding (an exception other than the library's refusals, a hang over 10 s, an OutOfMemoryError in the 1 GiB
# heap) ends that target's run and leaves the input as crash-<sha1> in that directory, next to the seeds; the other
# targets still run and the script exits with 1. Commit the input (mvn verify then replays it) and fix the bug. The corpus grown by a run stays in
# onnx-io/target/fuzz-corpus/<target> and seeds the next run on the same machine.
#
# Usage: scripts/fuzz.sh [target...]   (targets: modelBytes modelDirectory generatedGraph; default all)
#        FUZZ_SECONDS=3600 scripts/fuzz.sh modelBytes     # a long run of one target
# Prints per target the executions, the coverage (libFuzzer's cov: edges and ft: features) and the time taken.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${FUZZ_SECONDS:-45}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(modelBytes modelDirectory generatedGraph)
fi

# compiled test classes and the test class path (nothing is compiled again when mvn verify ran before)
mvn -B -ntp -q -pl onnx-io test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/fuzz.classpath -Dmdep.includeScope=test
cd onnx-io
classpath="target/test-classes:target/classes:$(cat target/fuzz.classpath)"
inputs=src/test/resources/dev/onnxinspect/onnx/ModelLoadingFuzzTestInputs
summary=()
status=0
for target in "${targets[@]}"; do
  corpus=target/fuzz-corpus/$target
  log=target/fuzz-$target.log
  mkdir -p "$corpus" "$inputs/$target"
  echo "fuzzing $target for ${seconds}s (log: onnx-io/$log)"
  start=$(date +%s)
  # Jazzer runs in this directory so that findings go to src/test/resources (the regression inputs).
  # -timeout: seconds per input; -rss_limit_mb is Jazzer's to set (0), the heap limit (-Xmx) catches huge allocations.
  if java -Xmx1g -XX:+UseSerialGC -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
      --target_class=dev.onnxinspect.onnx.ModelLoadingFuzzTest --target_method="$target" \
      --instrumentation_includes='dev.onnxinspect.**:ai.onnx.proto.**' \
      -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
      "$corpus" "$inputs/$target" > "$log" 2>&1; then
    result=ok
  else
    result="FINDING (exit $?): see onnx-io/$log and new crash-* files in onnx-io/$inputs/$target"
    status=1
  fi
  elapsed=$(( $(date +%s) - start ))
  # libFuzzer's last status line: "#<executions> DONE cov: <edges> ft: <features> corp: <inputs>/<size> ..."
  status_line=$(grep -E '^#[0-9]+[[:space:]]' "$log" | tail -1 | tr -s '[:space:]' ' ' || true)
  execs=$(grep -E '^stat::number_of_executed_units:' "$log" | tail -1 | awk '{print $2}' || true)
  coverage=$(echo "$status_line" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' || true)
  summary+=("$target: ${execs:-?} executions, ${coverage:-no coverage figures}, ${elapsed}s wall: $result")
  tail -3 "$log"
done
echo
echo "fuzzing summary (${seconds}s per target):"
printf '  %s\n' "${summary[@]}"
exit $status
