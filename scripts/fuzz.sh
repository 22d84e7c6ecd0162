#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer of every target in TARGETS below: each for FUZZ_SECONDS seconds (default 30),
# one after the other, through Jazzer's command line (which runs the @FuzzTest in fuzzing mode) on its module's test
# class path. `mvn verify` runs the same targets in regression mode only, on the committed inputs under
# <module>/src/test/resources/<package>/<TestClass>Inputs/<method>/.
#
# A finding (an exception other than the library's refusals, a hang over 10 s, an OutOfMemoryError in the 1 GiB
# heap, a crash of the JVM) ends that target's run and leaves the input as crash-<sha1> in that directory, next to the
# seeds; the other targets still run and the script exits with 1. Commit the input (mvn verify then replays it) and
# fix the bug. The corpus grown by a run stays in <module>/target/fuzz-corpus/<method> and seeds the next run on the
# same machine.
#
# Usage: scripts/fuzz.sh [filter...]   (a filter selects the targets whose line contains it, e.g. npy or
#                                        inspect-core; default: all)
#        FUZZ_SECONDS=3600 scripts/fuzz.sh arrowFile     # a long run of one target
#        scripts/fuzz.sh --list                           # the targets
# Prints per target the executions, the coverage (libFuzzer's cov: edges and ft: features) and the time taken.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${FUZZ_SECONDS:-30}

# module|fully.qualified.TestClass|method[|extra instrumentation includes, ':'-separated]
# dev.onnxinspect.** is always instrumented. Add a line to add a target. Choice: Arrow is not instrumented (its
# instrumentation made the first input of arrowFile take over 10 s on 2 busy cores) and DuckDB cannot be (native).
TARGETS=(
  "onnx-io|dev.onnxinspect.onnx.ModelLoadingFuzzTest|modelBytes|ai.onnx.proto.**"
  "onnx-io|dev.onnxinspect.onnx.ModelLoadingFuzzTest|modelDirectory|ai.onnx.proto.**"
  "onnx-io|dev.onnxinspect.onnx.ModelLoadingFuzzTest|generatedGraph|ai.onnx.proto.**"
  "inspect-core|dev.onnxinspect.data.DataFilesFuzzTest|npy"
  "inspect-core|dev.onnxinspect.data.DataFilesFuzzTest|npz"
  "inspect-core|dev.onnxinspect.data.DataFilesFuzzTest|imageFolder|com.twelvemonkeys.**"
  "inspect-core|dev.onnxinspect.guard.GuardFilesFuzzTest|detectorFile"
  "inspect-core|dev.onnxinspect.guard.GuardFilesFuzzTest|guardProperties"
  "arrow-export|dev.onnxinspect.arrow.columns.ArrowIpcFuzzTest|arrowFile"
  "parquet-import|dev.onnxinspect.parquet.ParquetFuzzTest|parquetFile"
  "samples|dev.onnxinspect.samples.service.PredictRequestFuzzTest|predictBody"
)

selected=()
for line in "${TARGETS[@]}"; do
  if [ $# -eq 0 ]; then
    selected+=("$line")
  else
    for filter in "$@"; do
      if [ "$filter" = "--list" ] || [[ "$line" == *"$filter"* ]]; then
        selected+=("$line")
        break
      fi
    done
  fi
done
if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${selected[@]}"
  exit 0
fi
if [ ${#selected[@]} -eq 0 ]; then
  echo "no fuzz target matches: $*; the targets are:" >&2
  printf '  %s\n' "${TARGETS[@]}" >&2
  exit 2
fi

# compiled test classes and each module's test class path (nothing is compiled again when mvn verify ran before)
modules=$(printf '%s\n' "${selected[@]}" | cut -d'|' -f1 | sort -u | paste -sd, -)
mvn -B -ntp -q -pl "$modules" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/fuzz.classpath -Dmdep.includeScope=test

summary=()
status=0
for line in "${selected[@]}"; do
  IFS='|' read -r module class method extra <<< "$line"
  package_dir=$(dirname "${class//.//}")
  simple=${class##*.}
  inputs=src/test/resources/$package_dir/${simple}Inputs/$method
  includes='dev.onnxinspect.**'
  if [ -n "${extra:-}" ]; then
    includes="$includes:$extra"
  fi
  (
    cd "$module"
    mkdir -p "target/fuzz-corpus/$method" "$inputs"
  )
  log=target/fuzz-$method.log
  echo "fuzzing $module $simple.$method for ${seconds}s (log: $module/$log)"
  start=$(date +%s)
  # Jazzer runs in the module's directory so that findings go to src/test/resources (the regression inputs).
  # -timeout: seconds per input; -rss_limit_mb is Jazzer's to set (0), the heap limit (-Xmx) catches huge allocations.
  if (
    cd "$module"
    classpath="target/test-classes:target/classes:$(cat target/fuzz.classpath)"
    exec java -Xmx1g -XX:+UseSerialGC --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$classpath" \
      com.code_intelligence.jazzer.Jazzer \
      --target_class="$class" --target_method="$method" \
      --instrumentation_includes="$includes" \
      -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
      "target/fuzz-corpus/$method" "$inputs" > "$log" 2>&1
  ); then
    result=ok
  else
    result="FINDING (exit $?): see $module/$log and new crash-* files in $module/$inputs"
    status=1
  fi
  elapsed=$(( $(date +%s) - start ))
  # libFuzzer's last status line: "#<executions> DONE cov: <edges> ft: <features> corp: <inputs>/<size> ..."
  status_line=$(grep -E '^#[0-9]+[[:space:]]' "$module/$log" | tail -1 | tr -s '[:space:]' ' ' || true)
  execs=$(grep -E '^stat::number_of_executed_units:' "$module/$log" | tail -1 | awk '{print $2}' || true)
  coverage=$(echo "$status_line" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' || true)
  summary+=("$simple.$method: ${execs:-?} executions, ${coverage:-no coverage figures}, ${elapsed}s wall: $result")
  tail -3 "$module/$log"
done
echo
echo "fuzzing summary (${seconds}s per target):"
printf '  %s\n' "${summary[@]}"
exit $status
