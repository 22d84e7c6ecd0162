package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * KNN (Sun et al., SPEC §5): the Euclidean distance from h/||h|| to its k-th nearest normalised fit feature
 * (k = 50 by default). A zero vector stays zero after normalisation. Brute force over the kept fit set: per sample
 * N squared distances (float64, d multiply-adds each, {@link Bank}: 16 samples share each pass over the fit set),
 * then quickselect for the k-th smallest: O(N d). The blocks of a batch are scored in parallel
 * ({@link Bank#parallelRanges}).
 * Memory: the fit set, N d doubles.
 */
public final class KnnDetector implements PersistentDetector {
    static final String TYPE = "knn";
    /** SPEC §5 default k. */
    public static final int DEFAULT_K = 50;
    /** Queries scored together in one pass over the fit set. */
    private static final int BLOCK = Bank.BLOCK;

    private final int k;
    private final int dim;
    private final int fitSize;
    /** normalised fit features, fitSize rows of dim. */
    private final Bank fit;

    private KnnDetector(int k, int dim, Bank fit) {
        this.k = k;
        this.dim = dim;
        this.fit = fit;
        this.fitSize = fit.rows();
    }

    private KnnDetector(int k, int dim, double[] fit) {
        this(k, dim, bank(dim, fit));
    }

    private static Bank bank(int dim, double[] fit) {
        if (dim < 1 || fit.length % dim != 0) {
            throw new OodException("knn: " + fit.length + " values of width " + dim + " are not a fitted KNN detector;"
                    + " the saved file is damaged: fit and save again");
        }
        return Bank.of(fit, dim);
    }

    /** A fit accumulator with k = 50. */
    public static Accumulator accumulator() {
        return accumulator(DEFAULT_K);
    }

    /** A fit accumulator with the given k (at least 1; the fit set must have at least k samples). */
    public static Accumulator accumulator(int k) {
        if (k < 1) {
            throw new OodException("KNN needs k >= 1, got " + k);
        }
        return new Accumulator(k);
    }

    public int k() {
        return k;
    }

    /**
     * The same fitted KNN with another k, sharing this one's fit features (no copy): the grid of SPEC §6b
     * hyperparameter selection fits once for every k.
     *
     * @throws OodException when k < 1 or the fit set has fewer than k samples
     */
    public KnnDetector withK(int otherK) {
        if (otherK < 1 || otherK > fitSize) {
            throw new OodException("KNN with k = " + otherK + " needs 1 <= k <= the fit set's size, " + fitSize
                    + "; lower k or fit on more data");
        }
        return new KnnDetector(otherK, dim, fit);
    }

    /** The number of kept fit samples. */
    public int fitSize() {
        return fitSize;
    }

    @Override
    public String name() {
        return "knn";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.FEATURES);
    }

    @Override
    public double[] score(DetectorInput input) {
        input.require(DetectorInputKind.FEATURES, name());
        if (input.featureDim() != dim) {
            throw new OodException("knn was fitted on " + dim + " features, the input has " + input.featureDim()
                    + "; pass the same layer's features");
        }
        float[] h = input.featureArray();
        int n = input.samples();
        double[] scores = new double[n];
        Bank.parallelRanges(n, (from, to) -> {
            double[] queries = new double[BLOCK * dim];
            double[][] distances = new double[Math.min(BLOCK, to - from)][fitSize];
            for (int start = from; start < to; start += BLOCK) {
                int block = Math.min(BLOCK, to - start);
                for (int b = 0; b < block; b++) {
                    normalise(h, (start + b) * dim, dim, queries, b * dim);
                }
                fit.squaredDistances(queries, block, distances);
                for (int b = 0; b < block; b++) {
                    scores[start + b] = Math.sqrt(Selection.kthSmallestNearEnd(distances[b], fitSize, k - 1));
                }
            }
        });
        return scores;
    }

    /** h / ||h|| in float64 into {@code out[to ..]}; a zero vector stays zero (SPEC §5). */
    static void normalise(float[] h, int from, int dim, double[] out, int to) {
        double sum = 0;
        for (int j = 0; j < dim; j++) {
            double v = h[from + j];
            sum += v * v;
        }
        double norm = Math.sqrt(sum);
        for (int j = 0; j < dim; j++) {
            out[to + j] = norm == 0 ? 0 : h[from + j] / norm;
        }
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeInt(k);
        out.writeInt(dim);
        StateIo.writeDoubles(out, fit.toRowMajor());
    }

    static KnnDetector read(DataInputStream in) throws IOException {
        int k = in.readInt();
        int dim = in.readInt();
        return new KnnDetector(k, dim, StateIo.readDoubles(in));
    }

    /** Keeps the normalised fit features. Mutable, not thread-safe. */
    public static final class Accumulator implements FitAccumulator<KnnDetector> {
        private final int k;
        private int dim = -1;
        private final GrowableArrays.Doubles fit = new GrowableArrays.Doubles();

        private Accumulator(int k) {
            this.k = k;
        }

        @Override
        public void accept(DetectorInput batch) {
            batch.require(DetectorInputKind.FEATURES, "knn fit");
            checkDim(batch.featureDim());
            double[] rows = new double[batch.samples() * dim];
            for (int i = 0; i < batch.samples(); i++) {
                normalise(batch.featureArray(), i * dim, dim, rows, i * dim);
            }
            fit.addAll(rows, 0, rows.length);
        }

        private void checkDim(int d) {
            if (dim < 0) {
                dim = d;
            } else if (d != dim) {
                throw new OodException("knn fit: earlier batches had " + dim + " features, this one has " + d);
            }
        }

        @Override
        public void merge(FitAccumulator<KnnDetector> other) {
            if (!(other instanceof Accumulator o) || o.k != k) {
                throw new OodException("can only merge a KNN accumulator with k = " + k + ", got " + other);
            }
            if (o.dim >= 0) {
                checkDim(o.dim);
                fit.addAll(o.fit);
            }
        }

        @Override
        public KnnDetector result() {
            int n = dim < 0 ? 0 : fit.size() / dim;
            if (n < k) {
                throw new OodException("KNN with k = " + k + " needs at least " + k + " fit samples, got " + n
                        + "; fit on more ID data or lower k");
            }
            return new KnnDetector(k, dim, fit.toArray());
        }
    }
}
