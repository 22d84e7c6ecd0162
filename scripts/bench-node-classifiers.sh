#!/usr/bin/env bash
# SPEC 8 nodes-as-classifiers benchmark (issue 14): the new FAST evaluation vs the old exact one, in one run, on
# synthetic activations with the LeNet-like CNN's layer sizes (22,036 nodes, K = 10, 5,000 fit and 2,000 evaluation
# samples). Compiles inspect-core's test classes first (reactor build, offline when possible). Options go to the
# benchmark, e.g.:
#   scripts/bench-node-classifiers.sh --reps 3 --old-samples 20
#   scripts/bench-node-classifiers.sh --layers 3136,84 --reps 5       # a smaller variant, a minute
# Every figure is printed with the load average. Extra JVM options: BENCH_JAVA_OPTS="..."
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p target
mvn -B -q -ntp -o -pl inspect-core -am test-compile dependency:build-classpath -Dspotless.check.skip=true \
  -Dmdep.outputFile="$PWD/target/nodes-bench.classpath" -Dmdep.includeScope=test \
  || mvn -B -q -ntp -pl inspect-core -am test-compile dependency:build-classpath -Dspotless.check.skip=true \
       -Dmdep.outputFile="$PWD/target/nodes-bench.classpath" -Dmdep.includeScope=test
exec java ${BENCH_JAVA_OPTS:-} -Xmx3g -cp "inspect-core/target/test-classes:inspect-core/target/classes:$(cat target/nodes-bench.classpath)" \
  dev.onnxinspect.stats.NodeClassifierBenchmark "$@"
