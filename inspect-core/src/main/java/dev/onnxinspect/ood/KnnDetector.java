package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * KNN (Sun et al., SPEC §5): the Euclidean distance from h/||h|| to its k-th nearest normalised fit feature
 * (k = 50 by default). A zero vector stays zero after normalisation. Brute force over the kept fit set: per sample
 * N squared distances (flat float64 array, d multiply-adds each; 16 samples share each pass over the fit set), then
 * quickselect for the k-th smallest: O(N d).
 * Memory: the fit set, N d doubles.
 */
public final class KnnDetector implements PersistentDetector {
    static final String TYPE = "knn";
    /** SPEC §5 default k. */
    public static final int DEFAULT_K = 50;
    /** Queries scored together in one pass over the fit set. */
    private static final int BLOCK = 16;

    private final int k;
    private final int dim;
    private final int fitSize;
    /** normalised fit features, row-major fitSize x dim. */
    private final double[] fit;

    private KnnDetector(int k, int dim, double[] fit) {
        this.k = k;
        this.dim = dim;
        this.fit = fit;
        this.fitSize = fit.length / dim;
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
        double[] queries = new double[BLOCK * dim];
        double[][] distances = new double[Math.min(BLOCK, n)][fitSize];
        for (int start = 0; start < n; start += BLOCK) {
            int block = Math.min(BLOCK, n - start);
            for (int b = 0; b < block; b++) {
                normalise(h, (start + b) * dim, dim, queries, b * dim);
            }
            squaredDistances(queries, block, distances);
            for (int b = 0; b < block; b++) {
                scores[start + b] = Math.sqrt(Selection.kthSmallest(distances[b], fitSize, k - 1));
            }
        }
        return scores;
    }

    /**
     * Squared distances from {@code block} queries to every fit row. The queries of a block share each pass over
     * the fit set, so a fit row is read from memory once per block rather than once per query.
     */
    private void squaredDistances(double[] queries, int block, double[][] out) {
        for (int s = 0; s < fitSize; s++) {
            int row = s * dim;
            for (int b = 0; b < block; b++) {
                int q = b * dim;
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int j = 0;
                for (; j + 3 < dim; j += 4) { // four independent sums: the JIT does not reorder a float reduction
                    double d0 = queries[q + j] - fit[row + j];
                    double d1 = queries[q + j + 1] - fit[row + j + 1];
                    double d2 = queries[q + j + 2] - fit[row + j + 2];
                    double d3 = queries[q + j + 3] - fit[row + j + 3];
                    s0 += d0 * d0;
                    s1 += d1 * d1;
                    s2 += d2 * d2;
                    s3 += d3 * d3;
                }
                for (; j < dim; j++) {
                    double diff = queries[q + j] - fit[row + j];
                    s0 += diff * diff;
                }
                out[b][s] = (s0 + s1) + (s2 + s3);
            }
        }
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
        StateIo.writeDoubles(out, fit);
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
