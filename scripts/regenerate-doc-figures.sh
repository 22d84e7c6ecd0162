#!/usr/bin/env bash
# Reruns the experiments whose figures the README and docs/results-dynamics.md quote, then splices the figures the
# runs wrote (Markdown fragments) between the documents' <!-- generated:NAME --> markers, so that no documented
# figure is typed by hand (issue 18).
#   scripts/regenerate-doc-figures.sh [memorization] [overfitting-distance] [studies] [paths]   (default: all)
# memorization: scripts/sample-memorization.sh (100 epochs) -> README.md, the sample table's memorisation line.
# overfitting-distance: scripts/sample-overfitting-distance.sh (3 seeds x 2 runs x 10 epochs) ->
#   docs/results-dynamics.md, the distance-from-initialisation table, and README.md, the sample table's line.
# studies: ./onnx-inspect study NAME for frequencies-kl, randomization, overfitting and perplexity-nodes
#   (results/studies/NAME/) -> README.md, the "Studies" table's or section's line of each (the readme-line.md each run writes).
# paths: ./onnx-inspect study paths (24 MLPs, about 15 min) -> README.md, the paths study's headline line.
# The runs take tens of minutes on the 2-core machine; the fragments stay under target/doc-figures/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out=target/doc-figures
which=("$@")
if [ ${#which[@]} -eq 0 ]; then
  which=(memorization overfitting-distance studies paths)
fi
splice() {
  scripts/run-sample.sh dev.onnxinspect.samples.docs.DocFragments "$@"
}
for name in "${which[@]}"; do
  case "$name" in
    memorization)
      scripts/sample-memorization.sh 100 0.002 "$out/memorization"
      splice README.md memorization "$out/memorization/memorization.md"
      ;;
    overfitting-distance)
      scripts/sample-overfitting-distance.sh --out "$out/overfitting-distance"
      splice docs/results-dynamics.md overfitting-distance "$out/overfitting-distance/summary.md"
      splice README.md overfitting-distance-line "$out/overfitting-distance/readme-line.md"
      ;;
    studies)
      for study in frequencies-kl randomization overfitting perplexity-nodes; do
        ./onnx-inspect study "$study" --out "results/studies/$study"
        splice README.md "study-$study" "results/studies/$study/readme-line.md"
      done
      ;;
    paths)
      ./onnx-inspect study paths --out "$out/paths"
      splice README.md paths-study "$out/paths/readme-line.md"
      ;;
    *)
      echo "unknown figure set '$name'; use memorization, overfitting-distance, studies or paths" >&2
      exit 3
      ;;
  esac
done
