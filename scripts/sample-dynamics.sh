#!/usr/bin/env bash
# Runs the dynamics sample (issue 9, samples/src/main/java/dev/onnxinspect/samples/dynamics/DynamicsSample.java) from the
# repository root, building the samples module first when its jar is missing or older than a source.
#   scripts/sample-dynamics.sh [--out DIR] [--name value ...]   (see the class Javadoc for the names and defaults)
exec "$(dirname "${BASH_SOURCE[0]}")/run-sample.sh" dev.onnxinspect.samples.dynamics.DynamicsSample "$@"
