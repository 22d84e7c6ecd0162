package dev.onnxinspect.spark;

import org.apache.spark.sql.SparkSession;

/** Local Spark sessions for the tests: no UI, few shuffle partitions. */
final class Sessions {
    private Sessions() {}

    /** A new local session, e.g. {@code local[2]} or {@code local[2,4]} (2 threads, a task tried up to 4 times). */
    static SparkSession local(String master) {
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        return SparkSession.builder()
                .master(master)
                .appName("inspect-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }
}
