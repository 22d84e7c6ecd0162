package dev.onnxinspect.ood;

/** Partial selection (quickselect) on primitive arrays: the k-th smallest value in expected O(n). */
final class Selection {
    private Selection() {}

    /**
     * The k-th smallest (0-based) of {@code a[0 .. n)}; reorders that range. Values must not be NaN.
     */
    static double kthSmallest(double[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            // median of three into a[mid]
            if (a[mid] < a[lo]) {
                swap(a, mid, lo);
            }
            if (a[hi] < a[lo]) {
                swap(a, hi, lo);
            }
            if (a[hi] < a[mid]) {
                swap(a, hi, mid);
            }
            double pivot = a[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(a, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    /**
     * The k-th smallest (0-based) of {@code a[0 .. n)} like {@link #kthSmallest}, faster when k is near either end
     * (KNN's k = 50 smallest and NNGuide's 100 largest of 10,000): a heap of the k + 1 smallest (or the n - k largest)
     * values, which most values pass with one comparison against its top; otherwise {@link #kthSmallest}. Values must
     * not be NaN; {@code a} may be reordered. Of values that compare equal (+0.0 and -0.0) it may return another one
     * than {@link #kthSmallest}: for callers that do not tell them apart.
     */
    static double kthSmallestNearEnd(double[] a, int n, int k) {
        int small = k + 1;
        int large = n - k;
        if (Math.min(small, large) > n / 16) {
            return kthSmallest(a, n, k);
        }
        return small <= large ? heapKeep(a, n, small, 1) : -heapKeep(a, n, large, -1);
    }

    /**
     * The largest of the {@code size} smallest values of {@code sign * a[i]}: a max-heap of them built in place at the
     * front of {@code a} (its values are multiplied by sign there).
     */
    private static double heapKeep(double[] a, int n, int size, double sign) {
        if (sign < 0) {
            for (int i = 0; i < n; i++) {
                a[i] = -a[i];
            }
        }
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(a, i, size);
        }
        for (int i = size; i < n; i++) {
            if (a[i] < a[0]) {
                a[0] = a[i];
                siftDown(a, 0, size);
            }
        }
        return a[0];
    }

    private static void siftDown(double[] heap, int i, int size) {
        double v = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] > heap[child]) {
                child++;
            }
            if (!(heap[child] > v)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = v;
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
