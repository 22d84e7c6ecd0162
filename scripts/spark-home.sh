#!/usr/bin/env bash
# Assembles a Spark 4 runtime (a SPARK_HOME) from the local Maven repository, for machines without a Spark
# distribution (issue 16: the spark-submit commands proven on a real runtime, scripts/spark-cluster-check.sh).
#   scripts/spark-home.sh DIR     DIR/jars     every jar of org.apache.spark:spark-sql_2.13 at inspect-spark's
#                                              spark.version and its runtime dependencies, resolved as inspect-spark's
#                                              pom resolves Spark (the parent's dependency management applies, so
#                                              Jackson is Spark's own 2.18.2; offline: nothing is downloaded)
#                                 DIR/bin      spark-class (as Spark's own: org.apache.spark.launcher.Main builds the
#                                              java command, with --driver-memory, --driver-java-options and Java 17's
#                                              module options), spark-submit, load-spark-env.sh
#                                 DIR/conf     log4j2.properties (warnings on stderr; onnx-inspect's info lines and
#                                              a standalone master's and worker's registrations too)
#                                 DIR/RELEASE  marks a distribution (the launcher then takes DIR/jars as the class path)
# Then: SPARK_HOME=DIR DIR/bin/spark-submit --master 'local[2]' ...; a standalone master and workers run with
# DIR/bin/spark-class org.apache.spark.deploy.master.Master / org.apache.spark.deploy.worker.Worker.
# Not included (not in the local repository): YARN, Kubernetes, Hive, Spark Connect, PySpark and the sbin/ scripts.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: scripts/spark-home.sh DIR" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$1"
home="$(cd "$1" && pwd)"
version=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$root/inspect-spark/pom.xml")
jackson=$(sed -n 's:.*<spark.jackson.version>\(.*\)</spark.jackson.version>.*:\1:p' "$root/inspect-spark/pom.xml")
mkdir -p "$home/jars" "$home/bin" "$home/conf" "$home/resolve"
# a pom of Spark alone, child of the project's parent: the same resolution as inspect-spark's provided Spark
cat > "$home/resolve/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>dev.onnxinspect</groupId><artifactId>onnx-inspect-parent</artifactId><version>0.1.0-SNAPSHOT</version>
    <relativePath>$(realpath --relative-to="$home/resolve" "$root/pom.xml")</relativePath>
  </parent>
  <artifactId>spark-home</artifactId>
  <packaging>pom</packaging>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>$jackson</version></dependency>
      <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-core</artifactId><version>$jackson</version></dependency>
      <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-annotations</artifactId><version>$jackson</version></dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-sql_2.13</artifactId><version>$version</version></dependency>
    <dependency>
      <groupId>org.apache.spark</groupId><artifactId>spark-core_2.13</artifactId><version>$version</version>
      <exclusions><exclusion><groupId>org.apache.spark</groupId><artifactId>spark-connect-shims_2.13</artifactId></exclusion></exclusions>
    </dependency>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-launcher_2.13</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
EOF
rm -f "$home"/jars/*.jar
mvn -B -q -o -f "$home/resolve/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$home/jars" >&2
echo "Spark $version (assembled by onnx-inspect's scripts/spark-home.sh from the local Maven repository)" > "$home/RELEASE"

cat > "$home/bin/load-spark-env.sh" <<'EOF'
# sourced by spark-class: what a distribution's conf/spark-env.sh and load-spark-env.sh would set
export SPARK_HOME="${SPARK_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export SPARK_SCALA_VERSION=2.13
export SPARK_CONF_DIR="${SPARK_CONF_DIR:-$SPARK_HOME/conf}"
EOF

# Spark's own bin/spark-class logic: the launcher prints the command, NUL-separated, after a NUL line
cat > "$home/bin/spark-class" <<'EOF'
#!/usr/bin/env bash
set -e
export SPARK_HOME="${SPARK_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
. "$SPARK_HOME/bin/load-spark-env.sh"
RUNNER="${JAVA_HOME:+$JAVA_HOME/bin/}java"
build_command() {
  "$RUNNER" -Xmx128m $SPARK_LAUNCHER_OPTS -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"
  printf "%d\0" $?
}
set +o posix
CMD=()
DELIM=$'\n'
CMD_START_FLAG="false"
while IFS= read -d "$DELIM" -r _ARG; do
  ARG=${_ARG//$'\r'}
  if [ "$CMD_START_FLAG" == "true" ]; then
    CMD+=("$ARG")
  else
    if [ "$ARG" == $'\0' ]; then
      DELIM=''
      CMD_START_FLAG="true"
    elif [ "$ARG" != "" ]; then
      echo "$ARG"
    fi
  fi
done < <(build_command "$@")
COUNT=${#CMD[@]}
LAST=$((COUNT - 1))
LAUNCHER_EXIT_CODE=${CMD[$LAST]}
if ! [[ $LAUNCHER_EXIT_CODE =~ ^[0-9]+$ ]]; then
  echo "${CMD[@]}" | head -n-1 1>&2
  exit 1
fi
if [ "$LAUNCHER_EXIT_CODE" != 0 ]; then
  exit "$LAUNCHER_EXIT_CODE"
fi
exec "${CMD[@]:0:$LAST}"
EOF

cat > "$home/bin/spark-submit" <<'EOF'
#!/usr/bin/env bash
export SPARK_HOME="${SPARK_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
exec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
EOF

cat > "$home/conf/log4j2.properties" <<'EOF'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
logger.onnxinspect.name = dev.onnxinspect
logger.onnxinspect.level = info
# a standalone master's and worker's registrations and executor launches
logger.master.name = org.apache.spark.deploy.master.Master
logger.master.level = info
logger.worker.name = org.apache.spark.deploy.worker.Worker
logger.worker.level = info
EOF
chmod +x "$home/bin/spark-class" "$home/bin/spark-submit"
echo "$home: $(ls "$home/jars" | wc -l) jars, Spark $version" >&2
echo "$home"
