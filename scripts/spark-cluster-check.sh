#!/usr/bin/env bash
# Proves the README's spark-submit commands on a real Spark 4 runtime (issue 16): a SPARK_HOME assembled from the
# local Maven repository (scripts/spark-home.sh), its bin/spark-submit, and
#   (a) --master 'local[2]'
#   (b) a standalone cluster on 127.0.0.1: one Master and two Worker JVMs (1 core, 1 GB each); the executors are JVMs
#       that the workers launch, so the model, the rows and the partials cross real process boundaries
# each running SparkInspectMain and SparkAuditMain on Parquet files; then every table written must equal the
# single-machine library's run on the same data (counts bit for bit, scores and metrics within 1e-8: SubmitCheck),
# the scored Parquet rows the single-machine scores by sample_id, and (b) must have run its tasks in executor JVMs
# (their logs in the workers' folders). The cluster is stopped on exit, also on failure.
#   scripts/spark-cluster-check.sh [WORK]     WORK: default inspect-spark/target/spark-cluster-check (recreated)
# Not run here: YARN and Kubernetes (no cluster manager of either on this machine).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="${1:-$root/inspect-spark/target/spark-cluster-check}"
rm -rf "$work"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
started=$(date +%s)

home=$(scripts/spark-home.sh "$work/spark-home")
export SPARK_HOME="$home"
export MAVEN_ARGS="${MAVEN_ARGS:--o}"
jars=$(scripts/spark-classpath.sh)                    # builds the jars; the --jars list
java_cp="$(scripts/spark-classpath.sh --java):$root/inspect-spark/target/test-classes"
app="$root/inspect-spark/target/inspect-spark-0.1.0-SNAPSHOT.jar"
opens="--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
export ORT_DISABLE_TELEMETRY=1
export SPARK_LOCAL_IP=127.0.0.1

check() { java $opens -Xmx1g -cp "$java_cp" dev.onnxinspect.spark.SubmitCheck "$@"; }

data="$work/data"
check prepare "$data" 2> "$work/prepare.log"

# the README's commands; the arguments: the part that differs between local mode and the cluster. The audit's tables
# compared are those it fills (its layer tables have no rows: the layer statistics are the inspection's)
run_both() {
  local name=$1; shift
  local out="$work/$name"
  spark-submit "$@" --conf "spark.driver.extraJavaOptions=$opens" --conf "spark.executor.extraJavaOptions=$opens" \
    --conf spark.executorEnv.ORT_DISABLE_TELEMETRY=1 \
    --jars "$jars" --class dev.onnxinspect.spark.SparkInspectMain "$app" \
    --model "$data/mlp.onnx" --data "$data/id.parquet" --input x --labels label --layers h --name id \
    --out "$out/inspect" 2> "$out-inspect.log"
  spark-submit "$@" --conf "spark.driver.extraJavaOptions=$opens" --conf "spark.executor.extraJavaOptions=$opens" \
    --conf spark.executorEnv.ORT_DISABLE_TELEMETRY=1 \
    --jars "$jars" --class dev.onnxinspect.spark.SparkAuditMain "$app" \
    --model "$data/mlp.onnx" --fit "$data/fit.parquet" --id "$data/id.parquet" --ood "$data/ood.parquet" \
    --input x --labels label --keep sample_id --out "$out/audit" 2> "$out-audit.log"
  check compare "$data/reference-inspect" "$out/inspect"
  check compare "$data/reference-audit" "$out/audit" scores,ood_metrics,roc_curve,confusion_matrix
  check scored "$data" "$out/audit/scored" 2> "$out-scored.log" || { tail -25 "$out-scored.log" >&2; exit 1; }
}
spark-submit() { "$SPARK_HOME/bin/spark-submit" "$@"; }

echo "== (a) spark-submit --master local[2]"
t=$(date +%s)
mkdir -p "$work/local"
run_both local --master 'local[2]' --driver-memory 1g
echo "   $(( $(date +%s) - t )) s"

echo "== (b) standalone cluster: a master and two workers on 127.0.0.1"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
export SPARK_DAEMON_MEMORY=256m
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
}
trap stop EXIT
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port 0 > "$work/master.log" 2>&1 &
pids+=($!)
for w in 1 2; do
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 1g \
    --webui-port 0 --work-dir "$work/worker$w" "spark://127.0.0.1:$port" > "$work/worker$w.log" 2>&1 &
  pids+=($!)
done
for i in $(seq 120); do
  [ "$(grep -c 'Registering worker' "$work/master.log" || true)" -ge 2 ] && break
  sleep 0.5
done
[ "$(grep -c 'Registering worker' "$work/master.log" || true)" -ge 2 ] \
  || { echo "the workers did not register within 60 s; see $work/master.log" >&2; exit 1; }
t=$(date +%s)
mkdir -p "$work/cluster"
run_both cluster --master "spark://127.0.0.1:$port" --deploy-mode client --driver-memory 1g \
  --executor-memory 1g --executor-cores 1 --total-executor-cores 2
echo "   $(( $(date +%s) - t )) s"
# the tasks ran in executor JVMs launched by the workers: each opened its own ONNX Runtime session
executors=$(ls -d "$work"/worker*/app-*/* | wc -l)
sessions=$(grep -l "opened the ONNX Runtime session" "$work"/worker*/app-*/*/stderr | wc -l)
echo "   executor JVMs launched by the workers: $executors; of them opened an ONNX Runtime session: $sessions"
[ "$sessions" -ge 2 ] || { echo "no executor JVM ran the model; see $work/worker*/app-*/*/stderr" >&2; exit 1; }
stop
trap - EXIT
echo "== all equal to the single-machine library ($(( $(date +%s) - started )) s in all; logs in $work)"
