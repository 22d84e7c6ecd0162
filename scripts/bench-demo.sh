#!/usr/bin/env bash
# Wall time of the main job (issue 14): runs `./onnx-inspect demo` REPS times (default 3) into a scratch directory
# and prints, per run, the wall time, the CPU time (user + sys) of the whole process, the load average before it, and
# the phases the demo logs at DEBUG (datasets, training, audit, tables and report; each inspection pass). The first
# call builds the command line when needed (./onnx-inspect does) before any timed run: build time is not counted.
#   scripts/bench-demo.sh [REPS] [other clone ...]
# With other clones (paths of other checkouts of this repository, e.g. one at an older commit), the runs alternate
# between this one and each of them, so that both see the same machine load: compare figures of the same round.
# The demo's figures must not depend on the code version: the script prints the test accuracy and the layer
# accuracies of each run, and whether each run's tables and report are byte-identical to the first run's.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${1:-3}"
shift || true
clones=("$here" "$@")
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for c in "${clones[@]}"; do
  (cd "$c" && ./onnx-inspect --help > /dev/null) # builds when needed, untimed
done
reference=""
for ((r = 1; r <= reps; r++)); do
  for i in "${!clones[@]}"; do
    c="${clones[$i]}"
    out="$scratch/run-$r-$i"
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    start=$(date +%s%N)
    (cd "$c" && /usr/bin/time -f "%U %S" -o "$out.cpu" ./onnx-inspect demo --out "$out" --verbose > "$out.log" 2>&1) || {
      echo "run $r of $c failed: see its log below" >&2
      tail -n 20 "$out.log" >&2
      exit 1
    }
    wall=$(( ($(date +%s%N) - start) / 1000000 ))
    cpu="$(awk '{printf "%.1f", $1 + $2}' "$out.cpu")"
    phases="$(grep -o 'demo phases: .*' "$out.log" | sed 's/demo phases: //' || true)"
    passes="$(grep -o 'inspected [0-9]* samples of [^ ]* in [0-9]* batches in [0-9]* ms' "$out.log" \
      | awk '{printf "%s %s ms; ", $5, $10}' || true)"
    figures="$(grep -E 'test accuracy|layer accuracy' "$out.log" | grep -oE '(test accuracy|layer accuracy) [0-9.]+' \
      | awk '{print $3}' | paste -sd' ' || true)"
    sums="$( (cd "$out" && cat tables/*.arrow report.html) | sha256sum | cut -c1-12)"
    [ -z "$reference" ] && reference="$sums"
    same=$([ "$sums" = "$reference" ] && echo "identical to the first run" || echo "DIFFERENT from the first run")
    printf 'round %d  %-40s wall %6.1f s  cpu %6s s  load %s\n' "$r" "$c" "$(awk -v w="$wall" 'BEGIN {print w / 1000}')" "$cpu" "$load"
    printf '    %s\n    passes: %s\n    accuracies (test, layers): %s; tables and report %s (%s)\n' \
      "$phases" "$passes" "$figures" "$same" "$sums"
  done
done
