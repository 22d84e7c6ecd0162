#!/usr/bin/env bash
# Runs the memorisation sample (SPEC §11: random labels and extreme overfitting on 2,000 Fashion-MNIST images,
# trainers/src/main/java/dev/onnxinspect/trainers/experiments/MemorizationSample.java) from the repository root,
# building the samples module first when its jar is missing or older than a source.
#   scripts/sample-memorization.sh [epochs (100)] [learning rate (0.002)]
exec "$(dirname "${BASH_SOURCE[0]}")/run-sample.sh" dev.onnxinspect.trainers.experiments.MemorizationSample "$@"
