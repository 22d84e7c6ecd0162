package dev.onnxinspect.ood;

import dev.onnxinspect.stats.MemoryEstimate;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Set;

/**
 * NNGuide (Park et al. 2023, SPEC §5b): {@code -logsumexp(z) * (mean of the k largest <ĥ, g_i>)}, with ĥ = h/‖h‖ (a
 * zero h stays zero) and the bank g_i = ĥ_i * logsumexp(z_i) of the first n_b = ceil(alpha N) fit samples, in the
 * order they were fed (alpha = 1: all of them); k = min(100, n_b). Higher = more OOD.
 *
 * <p>Brute force over the bank like {@link KnnDetector}: per sample n_b inner products (16 samples share each pass
 * over the bank, {@link Bank}; the blocks of a batch in parallel), then quickselect for the k-th largest; the k largest are summed in bank order, ties at the cut
 * counted as often as needed, and the mean is that sum divided by k. A score of zero is +0.0, never -0.0.
 * Memory: the bank, n_b d doubles ({@link #estimate}); {@link #bankSize()} reports n_b.
 *
 * <p>Choice: the accumulator keeps the bank rows of every fit sample and takes the first ceil(alpha N) when the fit
 * is complete (N is known only then), so alpha < 1 saves memory only in the saved detector, not while fitting.
 */
public final class NnGuideDetector implements PersistentDetector {
    static final String TYPE = "nnguide";
    /** SPEC §5b default k (lowered to the bank size on small fit sets). */
    public static final int DEFAULT_K = 100;
    /** SPEC §5b default alpha: the bank is the whole fit set. */
    public static final double DEFAULT_ALPHA = 1.0;

    private final int k;
    private final double alpha;
    private final int dim;
    private final long fitSamples;
    private final int bankSize;
    /** g_i = ĥ_i * logsumexp(z_i), bankSize rows of dim. */
    private final Bank bank;

    private NnGuideDetector(int k, double alpha, int dim, long fitSamples, double[] bank) {
        this.k = k;
        this.alpha = alpha;
        this.dim = dim;
        this.fitSamples = fitSamples;
        this.bankSize = dim < 1 ? 0 : bank.length / dim;
        if (bankSize < 1 || bank.length != (long) bankSize * dim || k < 1 || k > bankSize) {
            throw new OodException("nnguide: a bank of " + bank.length + " values of width " + dim + " with k = " + k
                    + " is not a fitted NNGuide detector; the saved file is damaged: fit and save again");
        }
        this.bank = Bank.of(bank, dim);
    }

    /** A fit accumulator with the SPEC §5b defaults: k = 100 (at most the bank size), alpha = 1. */
    public static Accumulator accumulator() {
        return accumulator(DEFAULT_K, DEFAULT_ALPHA);
    }

    /**
     * A fit accumulator with the given k (at least 1; the detector uses min(k, n_b)) and bank fraction alpha in
     * (0, 1].
     */
    public static Accumulator accumulator(int k, double alpha) {
        if (k < 1) {
            throw new OodException("nnguide needs k >= 1, got " + k);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new OodException("nnguide needs a bank fraction alpha in (0, 1], got " + alpha);
        }
        return new Accumulator(k, alpha);
    }

    /**
     * The memory of the bank fitted on {@code fitSamples} samples of {@code dim} features (alpha = 1), stated before
     * it is allocated: {@code fitSamples * dim} doubles.
     */
    public static MemoryEstimate estimate(long fitSamples, int dim) {
        return new MemoryEstimate(
                fitSamples * dim * Double.BYTES,
                "nnguide bank: " + fitSamples + " fit samples x " + dim + " features (float64)");
    }

    /** k as used: min(the requested k, n_b). */
    public int k() {
        return k;
    }

    public double alpha() {
        return alpha;
    }

    /** n_b = ceil(alpha N), the fit samples in the bank. */
    public int bankSize() {
        return bankSize;
    }

    /** N, the fit samples seen. */
    public long fitSamples() {
        return fitSamples;
    }

    @Override
    public String name() {
        return "nnguide";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.LOGITS, DetectorInputKind.FEATURES);
    }

    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.LOGITS, name());
        input.require(DetectorInputKind.FEATURES, name());
        if (input.featureDim() != dim) {
            throw new OodException("nnguide was fitted on " + dim + " features, the input has " + input.featureDim()
                    + "; pass the same layer's features");
        }
        float[] h = input.featureArray();
        float[] z = input.logitArray();
        int classes = input.classes();
        int n = input.samples();
        double[] scores = new double[n];
        Bank.parallelRanges(n, (from, to) -> {
            double[] queries = new double[Bank.BLOCK * dim];
            double[][] dots = new double[Math.min(Bank.BLOCK, to - from)][bankSize];
            double[] scratch = new double[bankSize];
            for (int start = from; start < to; start += Bank.BLOCK) {
                int block = Math.min(Bank.BLOCK, to - start);
                for (int b = 0; b < block; b++) {
                    KnnDetector.normalise(h, (start + b) * dim, dim, queries, b * dim);
                }
                bank.dots(queries, block, dots);
                for (int b = 0; b < block; b++) {
                    int i = start + b;
                    double guidance = BankMath.topKSum(dots[b], bankSize, k, scratch) / k;
                    double confidence = LogitMath.logSumExp(z, i * classes, classes, 1);
                    scores[i] = -confidence * guidance + 0.0; // + 0.0 turns -0.0 into 0.0
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
        out.writeInt(k);
        out.writeDouble(alpha);
        out.writeInt(dim);
        out.writeLong(fitSamples);
        StateIo.writeDoubles(out, bank.toRowMajor());
    }

    static NnGuideDetector read(DataInputStream in) throws IOException {
        int k = in.readInt();
        double alpha = in.readDouble();
        int dim = in.readInt();
        long fitSamples = in.readLong();
        if (dim < 1) {
            throw new OodException("a saved nnguide detector has feature width " + dim + "; the file is damaged: fit"
                    + " and save again");
        }
        return new NnGuideDetector(k, alpha, dim, fitSamples, StateIo.readDoubles(in));
    }

    /** Keeps the bank row g_i of every fit sample, in the order fed. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<NnGuideDetector>, BankAccumulator {
        private final int k;
        private final double alpha;
        private int dim = -1;
        private final GrowableArrays.Doubles bank = new GrowableArrays.Doubles();

        private Accumulator(int k, double alpha) {
            this.k = k;
            this.alpha = alpha;
        }

        @Override
        public String detectorName() {
            return "nnguide";
        }

        @Override
        public void accept(DetectorInput batch) {
            batch.require(DetectorInputKind.LOGITS, "nnguide fit");
            batch.require(DetectorInputKind.FEATURES, "nnguide fit");
            checkDim(batch.featureDim());
            int classes = batch.classes();
            float[] z = batch.logitArray();
            double[] rows = new double[batch.samples() * dim];
            for (int i = 0; i < batch.samples(); i++) {
                KnnDetector.normalise(batch.featureArray(), i * dim, dim, rows, i * dim);
                double confidence = LogitMath.logSumExp(z, i * classes, classes, 1);
                for (int j = 0; j < dim; j++) {
                    rows[i * dim + j] *= confidence;
                }
            }
            bank.addAll(rows, 0, rows.length);
        }

        private void checkDim(int d) {
            if (dim < 0) {
                dim = d;
            } else if (d != dim) {
                throw new OodException("nnguide fit: earlier batches had " + dim + " features, this one has " + d);
            }
        }

        @Override
        public void merge(FitAccumulator<NnGuideDetector> other) {
            if (!(other instanceof Accumulator o) || o.k != k || Double.compare(o.alpha, alpha) != 0) {
                throw new OodException("can only merge an NNGuide accumulator with k = " + k + " and alpha = " + alpha
                        + ", got " + other);
            }
            if (o.dim >= 0) {
                checkDim(o.dim);
                bank.addAll(o.bank);
            }
        }

        @Override
        public NnGuideDetector result() {
            long n = dim < 0 ? 0 : bank.size() / dim;
            if (n == 0) {
                throw new OodException("nnguide needs at least one fit sample, got none; fit on ID data");
            }
            int bankSize = bankSize(alpha, n);
            double[] rows = bank.toArray();
            if (bankSize < n) {
                rows = Arrays.copyOf(rows, bankSize * dim);
            }
            return new NnGuideDetector(Math.min(k, bankSize), alpha, dim, n, rows);
        }

        /**
         * n_b = ceil(alpha N), computed exactly on the decimal alpha as written (Choice: alpha = 0.1 with N = 30 gives
         * 3, where ceil(0.1 * 30) in float64 gives 4), at least 1.
         */
        static int bankSize(double alpha, long n) {
            BigDecimal exact = new BigDecimal(Double.toString(alpha)).multiply(BigDecimal.valueOf(n));
            return (int) Math.max(1, exact.setScale(0, RoundingMode.CEILING).longValueExact());
        }

        @Override
        public String toString() {
            return "NnGuideDetector.Accumulator[k=" + k + ", alpha=" + alpha + "]";
        }
    }
}
