#!/usr/bin/env bash
# An image-folder audit end to end from the command line (issue 20): trains the LeNet-like CNN ([N, 1, 28, 28]) on
# Fashion-MNIST for 2 epochs, writes images as PNG files in class folders (what users bring: fit = 2,000 training
# images, ID = 1,000 test images, OOD = 1,000 MNIST digits), then describes the model and audits it from the folders
# (the last conv layer and the dense layer: the per-layer pattern detectors on every conv layer take minutes).
#   scripts/sample-image-audit.sh [outDir (onnx-inspect-out/images)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:-onnx-inspect-out/images}"
./onnx-inspect --version >/dev/null   # builds the command line when needed
scripts/fetch-data.sh fashion-mnist mnist-digits >&2
./onnx-inspect train --arch lenet --epochs 2 --train-samples 20000 --test-samples 2000 --seeds 1 --out "$out/train" \
  | tail -n 4
export ORT_DISABLE_TELEMETRY=1
png() {
  java -cp "samples/target/samples-0.1.0-SNAPSHOT.jar:samples/target/lib/*" \
    dev.onnxinspect.samples.examples.ImageFolderFiles "$1" "$2"
}
rm -rf "$out/png"
png fashion-mnist-train:2000 "$out/png/fit"
png fashion-mnist-test:1000 "$out/png/test"
png mnist-digits:1000 "$out/png/digits"
model="$out/train/clean-seed1/checkpoint-002.onnx"
set -x
./onnx-inspect describe "$model" | sed -n '/^how to feed/,$p'
./onnx-inspect audit "$model" --quiet --fit "$out/png/fit/" --id "$out/png/test/" --ood "$out/png/digits/" \
  --layers conv3/relu,dense1/relu --out "$out/audit" \
  --class-names T-shirt,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Boot
