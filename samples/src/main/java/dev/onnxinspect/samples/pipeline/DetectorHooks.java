package dev.onnxinspect.samples.pipeline;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.ood.DetectorInput;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.ScoreColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The inspection hooks that fit detectors on a fit set and score datasets with them. */
final class DetectorHooks {
    private DetectorHooks() {
    }

    /** The detector input of one batch: logits, penultimate features and the pattern layers' activations. */
    static DetectorInput input(BatchView view, String featureLayer, List<String> patternLayers, boolean labels) {
        DetectorInput.Builder b = DetectorInput.builder(view.size())
                .logits(view.logits().values(), view.numClasses());
        if (featureLayer != null) {
            b.features(view.layer(featureLayer));
        }
        for (String layer : patternLayers) {
            b.layer(view.layer(layer));
        }
        if (labels) {
            b.labels(view.classes());
        }
        return b.build();
    }

    /** Streams labelled fit batches into every fit accumulator of a suite builder. */
    static InspectionHook fit(DetectorSuite.Builder builder, String featureLayer, List<String> patternLayers) {
        return view -> builder.accept(input(view, featureLayer, patternLayers, true));
    }

    /** Scores every batch with a fitted suite and keeps the per-sample scores (the metrics need all of them). */
    static final class Scoring implements InspectionHook {
        private final DetectorSuite suite;
        private final String featureLayer;
        private final List<String> patternLayers;
        private final List<String> names;
        private int[] labels = new int[1024];
        private int[] predicted = new int[1024];
        private double[][] scores;
        private int n;

        Scoring(DetectorSuite suite, String featureLayer, List<String> patternLayers) {
            this.suite = suite;
            this.featureLayer = featureLayer;
            this.patternLayers = List.copyOf(patternLayers);
            this.names = suite.names();
            this.scores = new double[names.size()][1024];
        }

        @Override
        public void onBatch(BatchView view) {
            ScoreColumns batch = suite.score(input(view, featureLayer, patternLayers, false));
            int m = view.size();
            ensure(n + m);
            for (int i = 0; i < m; i++) {
                labels[n + i] = view.classSource() == ClassSource.LABEL ? view.classes()[i] : -1;
                predicted[n + i] = view.predictedClass(i);
            }
            for (int d = 0; d < names.size(); d++) {
                System.arraycopy(batch.column(names.get(d)), 0, scores[d], n, m);
            }
            n += m;
        }

        private void ensure(int size) {
            if (size <= predicted.length) {
                return;
            }
            int cap = Math.max(size, predicted.length * 2);
            labels = Arrays.copyOf(labels, cap);
            predicted = Arrays.copyOf(predicted, cap);
            for (int d = 0; d < scores.length; d++) {
                scores[d] = Arrays.copyOf(scores[d], cap);
            }
        }

        DatasetScores result(String dataset) {
            Map<String, double[]> out = new LinkedHashMap<>();
            for (int d = 0; d < names.size(); d++) {
                out.put(names.get(d), Arrays.copyOf(scores[d], n));
            }
            return new DatasetScores(dataset, Arrays.copyOf(labels, n), Arrays.copyOf(predicted, n), out);
        }

        List<String> names() {
            return new ArrayList<>(names);
        }
    }
}
