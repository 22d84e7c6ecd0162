package dev.onnxinspect.ood;

/**
 * Arithmetic the bank detectors of SPEC §5b (NNGuide, Relation) share besides {@link Bank}'s inner products: the sum
 * of the k largest values.
 */
final class BankMath {
    private BankMath() {}

    /**
     * The sum of the k largest of {@code values[0 .. n)} (1 <= k <= n), summed in index order: the values above the
     * k-th largest t, then t once for every place left (ties at t count as often as needed, whichever they are).
     * {@code scratch} (length >= n) is overwritten; {@code values} is not changed.
     */
    static double topKSum(double[] values, int n, int k, double[] scratch) {
        System.arraycopy(values, 0, scratch, 0, n);
        double t = Selection.kthSmallestNearEnd(scratch, n, n - k);
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
