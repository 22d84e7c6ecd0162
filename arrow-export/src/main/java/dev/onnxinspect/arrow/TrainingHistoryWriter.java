package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;

/**
 * The {@code training_history} table (SPEC §12, §11): one row per run x epoch.
 *
 * <p>Columns: {@code run_id} (dictionary utf8); then one dictionary utf8 column per configuration key, named after
 * the key, in first-seen order over the runs (null where a run lacks the key); {@code epoch} (int32, >= 0);
 * {@code train_loss}, {@code train_accuracy}, {@code test_loss}, {@code test_accuracy}, {@code weight_norm},
 * {@code distance_from_init} (float64).
 * Choice: every run and its configuration (as strings) is given to the constructor — they are known before
 * training starts — so the configuration columns are dictionary-encoded and filled in from the run id on each row.
 * Losses may be +infinity (a diverged run); NaN is rejected.
 */
public final class TrainingHistoryWriter extends ArrowTableWriter {
    public static final String TABLE = "training_history";
    private static final List<String> FIXED = List.of(
            "run_id",
            "epoch",
            "train_loss",
            "train_accuracy",
            "test_loss",
            "test_accuracy",
            "weight_norm",
            "distance_from_init");

    private final Map<String, Map<String, String>> runs;
    private final List<String> configurationKeys;
    private final KeyColumn runId;
    private final List<KeyColumn> configuration = new ArrayList<>();
    private final IntVector epoch;
    private final Float8Vector trainLoss;
    private final Float8Vector trainAccuracy;
    private final Float8Vector testLoss;
    private final Float8Vector testAccuracy;
    private final Float8Vector weightNorm;
    private final Float8Vector distanceFromInit;

    /**
     * @param runConfigurations run id -> (configuration key -> value), every run that will be written, in order
     */
    public TrainingHistoryWriter(
            Path file,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator,
            Map<String, Map<String, String>> runConfigurations)
            throws IOException {
        super(TableSink.open(TABLE, columns(runConfigurations), file, metadata, options, allocator));
        this.runs = new LinkedHashMap<>();
        runConfigurations.forEach(
                (run, config) -> runs.put(run, Collections.unmodifiableMap(new LinkedHashMap<>(config))));
        this.configurationKeys = configurationKeys(runConfigurations);
        this.runId = sink.key("run_id");
        for (String key : configurationKeys) {
            configuration.add(sink.key(key));
        }
        this.epoch = sink.int32("epoch");
        this.trainLoss = sink.float64("train_loss");
        this.trainAccuracy = sink.float64("train_accuracy");
        this.testLoss = sink.float64("test_loss");
        this.testAccuracy = sink.float64("test_accuracy");
        this.weightNorm = sink.float64("weight_norm");
        this.distanceFromInit = sink.float64("distance_from_init");
    }

    private static List<String> configurationKeys(Map<String, Map<String, String>> runConfigurations) {
        Set<String> keys = new LinkedHashSet<>();
        runConfigurations.values().forEach(config -> keys.addAll(config.keySet()));
        return List.copyOf(keys);
    }

    private static ColumnSpec.Columns columns(Map<String, Map<String, String>> runConfigurations) {
        ColumnSpec.Columns columns =
                new ColumnSpec.Columns().key("run_id", List.copyOf(runConfigurations.keySet()), false);
        for (String key : configurationKeys(runConfigurations)) {
            if (FIXED.contains(key)) {
                throw new ArrowExportException("configuration key '" + key + "' clashes with a fixed column of " + TABLE
                        + " " + FIXED + "; rename the key");
            }
            Set<String> values = new LinkedHashSet<>();
            for (Map<String, String> config : runConfigurations.values()) {
                String value = config.get(key);
                if (value != null) {
                    values.add(value);
                }
            }
            columns.key(key, List.copyOf(values), true);
        }
        return columns.int32("epoch", false)
                .float64("train_loss", false)
                .float64("train_accuracy", false)
                .float64("test_loss", false)
                .float64("test_accuracy", false)
                .float64("weight_norm", false)
                .float64("distance_from_init", false);
    }

    /** The configuration column names, in column order. */
    public List<String> configurationKeys() {
        return configurationKeys;
    }

    /** Writes one epoch of run {@code run}; its configuration columns come from the constructor. */
    public void write(
            String run,
            int epochValue,
            double trainLossValue,
            double trainAccuracyValue,
            double testLossValue,
            double testAccuracyValue,
            double weightNormValue,
            double distanceFromInitValue) {
        Map<String, String> config = runs.get(run);
        if (config == null) {
            throw new ArrowExportException("unknown run_id '" + run + "': the writer was made with " + runs.keySet()
                    + "; pass every run and its configuration to the writer when you create it");
        }
        int row = sink.row();
        runId.set(row, run);
        for (int i = 0; i < configurationKeys.size(); i++) {
            configuration.get(i).set(row, config.get(configurationKeys.get(i)));
        }
        epoch.setSafe(row, nonNegative("epoch", epochValue));
        trainLoss.setSafe(row, finiteOrInfinite("train_loss", trainLossValue));
        trainAccuracy.setSafe(row, fraction("train_accuracy", trainAccuracyValue));
        testLoss.setSafe(row, finiteOrInfinite("test_loss", testLossValue));
        testAccuracy.setSafe(row, fraction("test_accuracy", testAccuracyValue));
        weightNorm.setSafe(row, nonNegativeFinite("weight_norm", weightNormValue));
        distanceFromInit.setSafe(row, nonNegativeFinite("distance_from_init", distanceFromInitValue));
        sink.endRow();
    }

    private static double nonNegativeFinite(String column, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ArrowExportException("column '" + column + "' is a norm, finite and >= 0, got " + value);
        }
        return value;
    }
}
