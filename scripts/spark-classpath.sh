#!/usr/bin/env bash
# The class path of a spark-submit of inspect-spark (issue 16), built by Maven from the project's own poms, so that
# it always matches them. Spark itself is not in it (spark-submit provides it: the module declares Spark as provided).
#   scripts/spark-classpath.sh            prints the --jars list: the runtime dependencies of the module
#                                         (inspect-core, onnx-io, arrow-export, inspect-report, onnxruntime with its
#                                         natives inside, protobuf, Arrow, Jackson, ...), comma-separated, absolute paths
#   scripts/spark-classpath.sh --java     prints a java -cp class path with Spark included (for local runs without
#                                         spark-submit, e.g. the benchmark), colon-separated; test-jars (inspect-report's
#                                         browser helpers for the tests) are left out
# It builds the jars first (mvn package, tests skipped; add -o to MAVEN_ARGS offline); nothing is installed into the local repository.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode=${1:-}
scope=runtime
[ "$mode" = "--java" ] && scope=test
mvn -B -q ${MAVEN_ARGS:-} -pl inspect-spark -am -DskipTests package dependency:build-classpath \
  -DincludeScope="$scope" -DexcludeClassifiers=tests -Dmdep.outputFile=target/spark-classpath.txt >&2
jar="$PWD/inspect-spark/target/inspect-spark-0.1.0-SNAPSHOT.jar"
deps=$(cat inspect-spark/target/spark-classpath.txt)
if [ "$mode" = "--java" ]; then
  echo "$jar:$deps"
else
  echo "${deps//:/,}"
fi
