package dev.onnxinspect.ood;

/**
 * Arithmetic the bank detectors of SPEC §5b (NNGuide, Relation) share: inner products of a block of queries with
 * every row of a bank, each in float64 with four independent partial sums, and the sum of the k largest values.
 */
final class BankMath {
    /** Queries scored together in one pass over a bank (a bank row is read from memory once per block). */
    static final int BLOCK = 16;

    private BankMath() {}

    /**
     * {@code out[b][s] = <queries[b], bank[s]>} for the first {@code block} queries (rows of {@code dim} values in
     * {@code queries}) and every bank row ({@code rows} rows of {@code dim} values in {@code bank}).
     */
    static void dots(double[] queries, int block, double[] bank, int rows, int dim, double[][] out) {
        for (int s = 0; s < rows; s++) {
            int row = s * dim;
            for (int b = 0; b < block; b++) {
                int q = b * dim;
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int j = 0;
                for (; j + 3 < dim; j += 4) { // four independent sums: the JIT does not reorder a float reduction
                    s0 += queries[q + j] * bank[row + j];
                    s1 += queries[q + j + 1] * bank[row + j + 1];
                    s2 += queries[q + j + 2] * bank[row + j + 2];
                    s3 += queries[q + j + 3] * bank[row + j + 3];
                }
                for (; j < dim; j++) {
                    s0 += queries[q + j] * bank[row + j];
                }
                out[b][s] = (s0 + s1) + (s2 + s3);
            }
        }
    }

    /**
     * The sum of the k largest of {@code values[0 .. n)} (1 <= k <= n), summed in index order: the values above the
     * k-th largest t, then t once for every place left (ties at t count as often as needed, whichever they are).
     * {@code scratch} (length >= n) is overwritten; {@code values} is not changed.
     */
    static double topKSum(double[] values, int n, int k, double[] scratch) {
        System.arraycopy(values, 0, scratch, 0, n);
        double t = Selection.kthSmallest(scratch, n, n - k);
        double sum = 0;
        int above = 0;
        for (int s = 0; s < n; s++) {
            if (values[s] > t) {
                sum += values[s];
                above++;
            }
        }
        return sum + (k - above) * t;
    }
}
