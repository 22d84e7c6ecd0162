package dev.onnxinspect.samples.pipeline;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-sample results of one dataset: label (or -1 when classes came from predictions), prediction and one score
 * column per detector (SPEC §5, higher = more OOD). Immutable: arrays are copied in and out.
 */
record DatasetScores(String dataset, int[] labels, int[] predicted, Map<String, double[]> scores) {
    DatasetScores {
        labels = labels.clone();
        predicted = predicted.clone();
        Map<String, double[]> copy = new LinkedHashMap<>();
        scores.forEach((k, v) -> copy.put(k, v.clone()));
        scores = java.util.Collections.unmodifiableMap(copy);
    }

    int size() {
        return predicted.length;
    }

    List<String> detectors() {
        return List.copyOf(scores.keySet());
    }

    /** The scores of one detector, copied. */
    double[] column(String detector) {
        return scores.get(detector).clone();
    }

    /** Accuracy of the predictions against the labels, or NaN when the dataset has no labels. */
    double accuracy() {
        if (labels.length == 0 || labels[0] < 0) {
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

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public int[] predicted() {
        return predicted.clone();
    }

    int label(int i) {
        return labels[i];
    }

    int prediction(int i) {
        return predicted[i];
    }

    double score(String detector, int i) {
        return scores.get(detector)[i];
    }

    @Override
    public String toString() {
        return "DatasetScores[" + dataset + ", " + predicted.length + " samples, " + scores.keySet() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetScores d && dataset.equals(d.dataset) && Arrays.equals(labels, d.labels)
                && Arrays.equals(predicted, d.predicted) && scores.keySet().equals(d.scores.keySet())
                && scores.keySet().stream().allMatch(k -> Arrays.equals(scores.get(k), d.scores.get(k)));
    }

    @Override
    public int hashCode() {
        return dataset.hashCode() * 31 + Arrays.hashCode(predicted);
    }
}
