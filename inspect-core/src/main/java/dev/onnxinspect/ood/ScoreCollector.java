package dev.onnxinspect.ood;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.InspectionHook;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inspection hook that scores every batch with a fitted {@link DetectorSuite} (through a {@link DetectorLayout})
 * and keeps, per sample in source order, its class, its predicted class and every detector's score. Memory grows
 * with the samples: the SPEC §6 metrics and the guard's quantile thresholds need every score. Mutable, one
 * inspection at a time; made by {@link DetectorLayout#scoring}.
 */
public final class ScoreCollector implements InspectionHook {
    private static final int INITIAL = 1024;

    private final DetectorSuite suite;
    private final DetectorLayout layout;
    private final List<String> names;
    private int[] classes = new int[INITIAL];
    private int[] predicted = new int[INITIAL];
    private double[][] scores;
    private ClassSource classSource;
    private int n;

    ScoreCollector(DetectorSuite suite, DetectorLayout layout) {
        this.suite = suite;
        this.layout = layout;
        this.names = suite.names();
        this.scores = new double[names.size()][INITIAL];
    }

    @Override
    public void onBatch(BatchView view) {
        int m = view.size();
        ScoreColumns batch = names.isEmpty() ? null : suite.score(layout.input(view, false));
        ensure(n + m);
        classSource = view.classSource();
        System.arraycopy(view.classes(), 0, classes, n, m);
        for (int i = 0; i < m; i++) {
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
        classes = Arrays.copyOf(classes, cap);
        predicted = Arrays.copyOf(predicted, cap);
        for (int d = 0; d < scores.length; d++) {
            scores[d] = Arrays.copyOf(scores[d], cap);
        }
    }

    /** The samples scored so far. */
    public int samples() {
        return n;
    }

    /** The detector names (score columns), in suite order. */
    public List<String> names() {
        return names;
    }

    /** Where the classes came from (null before the first batch). */
    public ClassSource classSource() {
        return classSource;
    }

    /** The class of every sample so far (labels or predictions, see {@link #classSource()}), a copy. */
    public int[] classes() {
        return Arrays.copyOf(classes, n);
    }

    /** The predicted class of every sample so far (argmax of the logits, ties to the lowest index), a copy. */
    public int[] predicted() {
        return Arrays.copyOf(predicted, n);
    }

    /** Every detector's scores of the samples so far, by detector name in suite order (copies). */
    public Map<String, double[]> columns() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int d = 0; d < names.size(); d++) {
            out.put(names.get(d), Arrays.copyOf(scores[d], n));
        }
        return out;
    }
}
