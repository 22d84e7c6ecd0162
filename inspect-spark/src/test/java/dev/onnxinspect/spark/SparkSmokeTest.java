package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkSmokeTest {
    @Test
    void localSessionCountsAndAggregates() {
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("smoke")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        try {
            assertThat(spark.range(0, 1000, 1, 7).count()).isEqualTo(1000);
            assertThat(spark.range(0, 100)
                            .toDF("x")
                            .selectExpr("sum(x)")
                            .first()
                            .getLong(0))
                    .isEqualTo(4950);
        } finally {
            spark.stop();
        }
    }
}
