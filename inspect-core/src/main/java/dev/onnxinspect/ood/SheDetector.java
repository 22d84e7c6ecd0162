package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SHE (SPEC §5): {@code -(h . S_yhat)}, S_c the mean features of the correctly classified fit samples of true class
 * c (yhat = argmax of the fit logits, ties to the lowest index). Keeps K x d sums.
 *
 * <p>Choice: a class with no correctly classified fit sample has no pattern S_c; a sample predicted as such a class
 * scores {@code +infinity} (the model predicts a class it never got right on ID data). Such classes are logged as
 * a warning at fit time; fitting fails when no class has a pattern.
 */
public final class SheDetector implements PersistentDetector {
    static final String TYPE = "she";
    private static final Logger LOG = LoggerFactory.getLogger(SheDetector.class);
    private final int classes;
    private final int dim;
    private final double[][] patterns;

    private SheDetector(int classes, int dim, double[][] patterns) {
        this.classes = classes;
        this.dim = dim;
        this.patterns = patterns;
    }

    /** A fit accumulator for the given number of classes. */
    public static Accumulator accumulator(int classes) {
        return new Accumulator(ClassCount.check(classes));
    }

    /** S_c (a copy). */
    public double[] pattern(int c) {
        if (patterns[c] == null) {
            throw new OodException("class " + c + " has no SHE pattern: no fit sample of it was classified correctly");
        }
        return patterns[c].clone();
    }

    @Override
    public String name() {
        return "she";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS, DetectorInputKind.FEATURES);
    }

    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        input.require(DetectorInputKind.FEATURES, name());
        ClassCount.checkLogitWidth(input, classes, name());
        if (input.featureDim() != dim) {
            throw new OodException("she was fitted on " + dim + " features, the input has " + input.featureDim());
        }
        float[] h = input.featureArray();
        double[] scores = new double[input.samples()];
        for (int i = 0; i < scores.length; i++) {
            double[] s = patterns[input.predictedClass(i)];
            if (s == null) {
                scores[i] = Double.POSITIVE_INFINITY;
                continue;
            }
            double dot = 0;
            for (int j = 0; j < dim; j++) {
                dot += h[i * dim + j] * s[j];
            }
            scores[i] = -dot;
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeInt(classes);
        out.writeInt(dim);
        for (double[] s : patterns) {
            out.writeBoolean(s != null);
            if (s != null) {
                StateIo.writeDoubles(out, s);
            }
        }
    }

    static SheDetector read(DataInputStream in) throws IOException {
        int classes = ClassCount.checkSaved(in.readInt());
        int dim = in.readInt();
        double[][] patterns = new double[classes][];
        for (int c = 0; c < classes; c++) {
            if (in.readBoolean()) {
                patterns[c] = StateIo.readDoubles(in);
            }
        }
        return new SheDetector(classes, dim, patterns);
    }

    /** Sums the features of correctly classified fit samples per class. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<SheDetector> {
        private final int classes;
        private final long[] counts;
        private double[][] sums;
        private int dim = -1;

        private Accumulator(int classes) {
            this.classes = classes;
            this.counts = new long[classes];
        }

        @Override
        public void accept(DetectorInput batch) {
            batch.require(DetectorInputKind.LOGITS, "she fit");
            batch.require(DetectorInputKind.FEATURES, "she fit");
            batch.require(DetectorInputKind.LABELS, "she fit");
            ClassCount.checkLogitWidth(batch, classes, "she fit");
            init(batch.featureDim());
            float[] h = batch.featureArray();
            for (int i = 0; i < batch.samples(); i++) {
                int c = ClassCount.checked(batch.label(i), classes, i, "label");
                if (batch.predictedClass(i) == c) {
                    counts[c]++;
                    for (int j = 0; j < dim; j++) {
                        sums[c][j] += h[i * dim + j];
                    }
                }
            }
        }

        private void init(int d) {
            if (dim < 0) {
                dim = d;
                sums = new double[classes][d];
            } else if (d != dim) {
                throw new OodException("she fit: earlier batches had " + dim + " features, this one has " + d);
            }
        }

        @Override
        public void merge(FitAccumulator<SheDetector> other) {
            if (!(other instanceof Accumulator o) || o.classes != classes) {
                throw new OodException("can only merge a SHE accumulator for " + classes + " classes, got " + other);
            }
            if (o.dim < 0) {
                return;
            }
            init(o.dim);
            for (int c = 0; c < classes; c++) {
                counts[c] += o.counts[c];
                for (int j = 0; j < dim; j++) {
                    sums[c][j] += o.sums[c][j];
                }
            }
        }

        @Override
        public SheDetector result() {
            double[][] patterns = new double[classes][];
            boolean[] present = new boolean[classes];
            boolean any = false;
            for (int c = 0; c < classes; c++) {
                if (counts[c] > 0) {
                    present[c] = true;
                    any = true;
                    patterns[c] = new double[dim];
                    for (int j = 0; j < dim; j++) {
                        patterns[c][j] = sums[c][j] / counts[c];
                    }
                }
            }
            if (!any) {
                throw new OodException("SHE has no correctly classified fit sample: fit on labelled ID data the "
                        + "model classifies");
            }
            if (!ClassCount.missing(present).isEmpty()) {
                LOG.warn(
                        "SHE: class(es) {} have no correctly classified fit sample; samples predicted as them "
                                + "score +infinity",
                        ClassCount.missing(present));
            }
            return new SheDetector(classes, dim, patterns);
        }
    }
}
