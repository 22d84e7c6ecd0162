package dev.onnxinspect.audit;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-sample results of one dataset, in source order: the label (or -1 when the dataset has none), the predicted
 * class (argmax of the logits, ties to the lowest index) and one score column per detector (SPEC §5, higher = more
 * OOD). Immutable: arrays are copied in and out.
 */
public final class DatasetScores {
    private final String dataset;
    private final int[] labels;
    private final int[] predicted;
    private final Map<String, double[]> scores;

    /**
     * @param labels    one label per sample, -1 for every sample of an unlabelled dataset
     * @param predicted one predicted class per sample
     * @param scores    score columns by detector name, each one value per sample
     */
    public DatasetScores(String dataset, int[] labels, int[] predicted, Map<String, double[]> scores) {
        if (labels.length != predicted.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + predicted.length + " predictions");
        }
        Map<String, double[]> copy = new LinkedHashMap<>();
        scores.forEach((k, v) -> {
            if (v.length != predicted.length) {
                throw new IllegalArgumentException(
                        "score column " + k + " has " + v.length + " values for " + predicted.length + " samples");
            }
            copy.put(k, v.clone());
        });
        this.dataset = dataset;
        this.labels = labels.clone();
        this.predicted = predicted.clone();
        this.scores = Collections.unmodifiableMap(copy);
    }

    public String dataset() {
        return dataset;
    }

    /** The number of samples. */
    public int size() {
        return predicted.length;
    }

    /** Whether the samples carry labels. */
    public boolean labelled() {
        return labels.length > 0 && labels[0] >= 0;
    }

    /** The detector names (score columns), in order. */
    public List<String> detectors() {
        return List.copyOf(scores.keySet());
    }

    /** The scores of one detector, copied. */
    public double[] column(String detector) {
        return known(detector).clone();
    }

    /** Accuracy of the predictions against the labels, or NaN when the dataset has no labels. */
    public double accuracy() {
        if (!labelled()) {
            return Double.NaN;
        }
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == predicted[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    /** Every label, copied (-1 each for an unlabelled dataset). */
    public int[] labels() {
        return labels.clone();
    }

    /** Every prediction, copied. */
    public int[] predicted() {
        return predicted.clone();
    }

    public int label(int i) {
        return labels[i];
    }

    public int prediction(int i) {
        return predicted[i];
    }

    public double score(String detector, int i) {
        return known(detector)[i];
    }

    private double[] known(String detector) {
        double[] column = scores.get(detector);
        if (column == null) {
            throw new IllegalArgumentException(
                    "no score column '" + detector + "' for " + dataset + "; the columns" + " are " + scores.keySet());
        }
        return column;
    }

    @Override
    public String toString() {
        return "DatasetScores[" + dataset + ", " + predicted.length + " samples, " + scores.keySet() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetScores d
                && dataset.equals(d.dataset)
                && Arrays.equals(labels, d.labels)
                && Arrays.equals(predicted, d.predicted)
                && scores.keySet().equals(d.scores.keySet())
                && scores.keySet().stream().allMatch(k -> Arrays.equals(scores.get(k), d.scores.get(k)));
    }

    @Override
    public int hashCode() {
        return dataset.hashCode() * 31 + Arrays.hashCode(predicted);
    }
}
