package dev.onnxinspect.ood;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scores of one {@link DetectorInput} by every detector of a {@link DetectorSuite}: one column per detector
 * name, in the suite's order, one row per sample. Immutable: arrays are copied in and out.
 */
public final class ScoreColumns {
    private final Map<String, double[]> columns;
    private final int samples;

    ScoreColumns(Map<String, double[]> columns, int samples) {
        this.columns = new LinkedHashMap<>();
        columns.forEach((name, values) -> this.columns.put(name, values.clone()));
        this.samples = samples;
    }

    /** The detector names, in suite order. */
    public List<String> names() {
        return List.copyOf(columns.keySet());
    }

    public int samples() {
        return samples;
    }

    /** The scores of the named detector (a copy). */
    public double[] column(String name) {
        double[] values = columns.get(name);
        if (values == null) {
            throw new OodException("no score column '" + name + "'; the columns are " + columns.keySet());
        }
        return values.clone();
    }

    /** The score of one sample by one detector. */
    public double score(String name, int sample) {
        double[] values = columns.get(name);
        if (values == null) {
            throw new OodException("no score column '" + name + "'; the columns are " + columns.keySet());
        }
        return values[sample];
    }

    @Override
    public String toString() {
        return "ScoreColumns" + columns.keySet() + " x " + samples;
    }
}
