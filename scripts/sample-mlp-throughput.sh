#!/usr/bin/env bash
# Runs the MLP throughput sample (the 784-256-128-10 MLP on all 60,000 Fashion-MNIST training images, wall time and
# test accuracy; trainers/src/main/java/dev/onnxinspect/trainers/experiments/MlpThroughputSample.java) from the
# repository root, building the samples module first when its jar is missing or older than a source.
#   scripts/sample-mlp-throughput.sh [epochs (2)] [sgd|adam (adam)] [learning rate]
exec "$(dirname "${BASH_SOURCE[0]}")/run-sample.sh" dev.onnxinspect.trainers.experiments.MlpThroughputSample "$@"
