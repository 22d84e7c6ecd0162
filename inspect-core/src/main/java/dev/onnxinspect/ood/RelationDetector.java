package dev.onnxinspect.ood;

import dev.onnxinspect.stats.MemoryEstimate;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * Relation (Kim et al. 2023, SPEC §5b): {@code -sum over fit samples i with r_i > 0.03 of r_i^q}, with
 * {@code r_i = max(0, <ĥ, ĥ_i>) * <p, p_i>}, ĥ = h/‖h‖ (a zero h stays zero), p = softmax(z), q = 1 by default. The
 * threshold test is strict (r_i = 0.03 is dropped) and exact in float64; the sum runs in fit order. A sample related
 * to no fit sample scores +0.0 (never -0.0). Higher = more OOD.
 *
 * <p>Brute force over every fit sample like {@link KnnDetector}: O(N (d + K)) per sample, 16 samples sharing each
 * pass over the bank ({@link Bank}), the blocks of a batch in parallel. Memory: the bank, N (d + K) doubles ({@link #estimate}).
 */
public final class RelationDetector implements PersistentDetector {
    static final String TYPE = "relation";
    /** SPEC §5b: a fit sample counts when its relation is strictly above this. */
    public static final double THRESHOLD = 0.03;
    /** SPEC §5b default exponent q. */
    public static final double DEFAULT_Q = 1.0;

    private final double q;
    private final int dim;
    private final int classes;
    private final int fitSize;
    /** ĥ_i, fitSize rows of dim. */
    private final Bank features;
    /** p_i, fitSize rows of classes. */
    private final Bank probabilities;

    private RelationDetector(double q, int dim, int classes, double[] features, double[] probabilities) {
        this.q = checkQ(q);
        this.dim = dim;
        this.classes = classes;
        this.fitSize = dim < 1 ? 0 : features.length / dim;
        if (dim < 1
                || classes < 2
                || fitSize < 1
                || features.length != (long) fitSize * dim
                || probabilities.length != (long) fitSize * classes) {
            throw new OodException("relation: " + features.length + " feature and " + probabilities.length
                    + " probability values of widths " + dim + " and " + classes + " are not a fitted Relation"
                    + " detector; the saved file is damaged: fit and save again");
        }
        this.features = Bank.of(features, dim);
        this.probabilities = Bank.of(probabilities, classes);
    }

    /**
     * A detector over a bank given as it is kept (package-private, for tests that need exact bank values): normalised
     * features and probabilities, row-major.
     */
    static RelationDetector of(double q, int dim, int classes, double[] features, double[] probabilities) {
        return new RelationDetector(q, dim, classes, features, probabilities);
    }

    /** A fit accumulator with q = 1. */
    public static Accumulator accumulator() {
        return accumulator(DEFAULT_Q);
    }

    /** A fit accumulator with the exponent q (finite, > 0). */
    public static Accumulator accumulator(double q) {
        return new Accumulator(checkQ(q));
    }

    private static double checkQ(double q) {
        if (!(q > 0) || Double.isInfinite(q)) {
            throw new OodException("relation needs a finite exponent q > 0, got " + q);
        }
        return q;
    }

    /**
     * The memory of the bank fitted on {@code fitSamples} samples of {@code dim} features and K = {@code classes},
     * stated before it is allocated: {@code fitSamples * (dim + classes)} doubles.
     */
    public static MemoryEstimate estimate(long fitSamples, int dim, int classes) {
        return new MemoryEstimate(
                fitSamples * (dim + classes) * Double.BYTES,
                "relation bank: " + fitSamples + " fit samples x (" + dim + " features + " + classes
                        + " probabilities) (float64)");
    }

    public double q() {
        return q;
    }

    /** N, the fit samples in the bank. */
    public int fitSize() {
        return fitSize;
    }

    @Override
    public String name() {
        return "relation";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS, DetectorInputKind.FEATURES);
    }

    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        input.require(DetectorInputKind.FEATURES, name());
        if (input.featureDim() != dim || input.classes() != classes) {
            throw new OodException("relation was fitted on " + dim + " features and K = " + classes + ", the input has "
                    + input.featureDim() + " features and K = " + input.classes() + "; pass the same model's"
                    + " features and logits");
        }
        float[] h = input.featureArray();
        float[] z = input.logitArray();
        int n = input.samples();
        double[] scores = new double[n];
        Bank.parallelRanges(n, (from, to) -> {
            int blockRows = Math.min(Bank.BLOCK, to - from);
            double[] queries = new double[Bank.BLOCK * dim];
            double[] probs = new double[Bank.BLOCK * classes];
            double[] p = new double[classes];
            double[][] cosines = new double[blockRows][fitSize];
            double[][] agreements = new double[blockRows][fitSize];
            for (int start = from; start < to; start += Bank.BLOCK) {
                int block = Math.min(Bank.BLOCK, to - start);
                for (int b = 0; b < block; b++) {
                    KnnDetector.normalise(h, (start + b) * dim, dim, queries, b * dim);
                    LogitMath.softmax(z, (start + b) * classes, classes, 1, p);
                    System.arraycopy(p, 0, probs, b * classes, classes);
                }
                features.dots(queries, block, cosines);
                probabilities.dots(probs, block, agreements);
                for (int b = 0; b < block; b++) {
                    double sum = 0;
                    for (int s = 0; s < fitSize; s++) {
                        double r = Math.max(0, cosines[b][s]) * agreements[b][s];
                        if (r > THRESHOLD) {
                            sum += q == 1 ? r : Math.pow(r, q);
                        }
                    }
                    scores[start + b] = -sum + 0.0; // + 0.0 turns -0.0 into 0.0
                }
            }
        });
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeDouble(q);
        out.writeInt(dim);
        out.writeInt(classes);
        StateIo.writeDoubles(out, features.toRowMajor());
        StateIo.writeDoubles(out, probabilities.toRowMajor());
    }

    static RelationDetector read(DataInputStream in) throws IOException {
        double q = in.readDouble();
        int dim = in.readInt();
        int classes = in.readInt();
        return new RelationDetector(q, dim, classes, StateIo.readDoubles(in), StateIo.readDoubles(in));
    }

    /** Keeps ĥ_i and p_i of every fit sample, in the order fed. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<RelationDetector>, BankAccumulator {
        private final double q;
        private int dim = -1;
        private int classes = -1;
        private final GrowableArrays.Doubles features = new GrowableArrays.Doubles();
        private final GrowableArrays.Doubles probabilities = new GrowableArrays.Doubles();

        private Accumulator(double q) {
            this.q = q;
        }

        @Override
        public String detectorName() {
            return "relation";
        }

        @Override
        public void accept(DetectorInput batch) {
            batch.require(DetectorInputKind.LOGITS, "relation fit");
            batch.require(DetectorInputKind.FEATURES, "relation fit");
            checkShape(batch.featureDim(), batch.classes());
            int n = batch.samples();
            double[] h = new double[n * dim];
            double[] p = new double[n * classes];
            double[] row = new double[classes];
            for (int i = 0; i < n; i++) {
                KnnDetector.normalise(batch.featureArray(), i * dim, dim, h, i * dim);
                LogitMath.softmax(batch.logitArray(), i * classes, classes, 1, row);
                System.arraycopy(row, 0, p, i * classes, classes);
            }
            features.addAll(h, 0, h.length);
            probabilities.addAll(p, 0, p.length);
        }

        private void checkShape(int d, int k) {
            if (dim < 0) {
                dim = d;
                classes = k;
            } else if (d != dim || k != classes) {
                throw new OodException("relation fit: earlier batches had " + dim + " features and K = " + classes
                        + ", this one has " + d + " and K = " + k);
            }
        }

        @Override
        public void merge(FitAccumulator<RelationDetector> other) {
            if (!(other instanceof Accumulator o) || Double.compare(o.q, q) != 0) {
                throw new OodException("can only merge a Relation accumulator with q = " + q + ", got " + other);
            }
            if (o.dim >= 0) {
                checkShape(o.dim, o.classes);
                features.addAll(o.features);
                probabilities.addAll(o.probabilities);
            }
        }

        @Override
        public RelationDetector result() {
            if (dim < 0) {
                throw new OodException("relation needs at least one fit sample, got none; fit on ID data");
            }
            return new RelationDetector(q, dim, classes, features.toArray(), probabilities.toArray());
        }

        @Override
        public String toString() {
            return "RelationDetector.Accumulator[q=" + q + "]";
        }
    }
}
