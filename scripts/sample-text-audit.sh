#!/usr/bin/env bash
# A text classifier end to end from the command line (issue 20): trains the keyword-task text model (int64 token ids
# and an attention mask; embedding, masked mean, MLP) with DJL, writes its data as Parquet files (a list<int64>
# column of unpadded token ids, an int32 label), then describes the model and audits it: fit on train.parquet,
# ID test.parquet, OOD ood.parquet (sequences of tokens never seen in training).
#   scripts/sample-text-audit.sh [outDir (onnx-inspect-out/text)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:-onnx-inspect-out/text}"
./onnx-inspect --version >/dev/null   # builds the command line when needed
export ORT_DISABLE_TELEMETRY=1 OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
java --add-opens=java.base/java.nio=ALL-UNNAMED -Dai.djl.pytorch.num_threads=1 \
  -Dai.djl.pytorch.num_interop_threads=1 -cp "samples/target/samples-0.1.0-SNAPSHOT.jar:samples/target/lib/*" \
  dev.onnxinspect.samples.examples.TextDataFiles "$out" 1
model="$out/text-classifier.onnx"
tokens() { echo "input_ids=$out/$1.parquet:tokens,attention_mask=mask-of:input_ids"; }
set -x
./onnx-inspect describe "$model" | sed -n '/^inputs/,/^outputs/{/^outputs/!p};/^how to feed/,$p'
./onnx-inspect audit "$model" --quiet \
  --fit "$(tokens train),labels=$out/train.parquet:label" \
  --id "$(tokens test),labels=$out/test.parquet:label" \
  --ood "$(tokens ood)" \
  --mask attention_mask --class-names group-0,group-1,group-2 --out "$out/audit"
