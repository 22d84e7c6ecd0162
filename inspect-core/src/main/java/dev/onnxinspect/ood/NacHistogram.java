package dev.onnxinspect.ood;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The interval edges of NAC-UE's unit states (SPEC §5b, the authors' code): with m = M/2 (M even),
 * {@code u = ln(linspace(1, sqrt(1000), m)) / ln(1000)}; the edges are u without its last point, then (1 - u) reversed,
 * the last edge 1.0 replaced by 1.01, then 1.2 appended: M edges, M - 1 intervals [e_i, e_{i+1}). linspace is
 * numpy's ({@code 1 + i * step} with {@code step = (sqrt(1000) - 1) / (m - 1)}, the last point exactly sqrt(1000)).
 *
 * <p>Choice: ln is the correctly rounded logarithm ({@link Math#log}, as glibc and Python's {@code math.log}), not
 * numpy's SIMD {@code np.log}, which on AVX-512 CPUs is 1 ulp off at 9 of the 25 points (edges then differ by up to
 * 2 ulps between machines running the authors' code). The edges where states actually tie are identical either way:
 * 0, 1/2 (the state of a unit with a = 0 or g = 0: interval [1/2, e_25)), 1.01 and 1.2 (test fixtures made by
 * {@code nac_edges.py}). Immutable.
 */
final class NacHistogram implements Serializable {
    private final double[] edges;

    NacHistogram(int intervalsM) {
        if (intervalsM < 4 || intervalsM % 2 != 0) {
            throw new OodException("nac_ue needs an even M >= 4 (histogram edges), got " + intervalsM
                    + "; the SPEC §5b default is 50");
        }
        int m = intervalsM / 2;
        double stop = Math.sqrt(1000);
        double step = (stop - 1) / (m - 1);
        double ln1000 = Math.log(1000);
        double[] u = new double[m];
        for (int i = 0; i < m; i++) {
            double x = i == m - 1 ? stop : i * step + 1;
            u[i] = Math.log(x) / ln1000;
        }
        edges = new double[intervalsM];
        System.arraycopy(u, 0, edges, 0, m - 1);
        for (int i = 0; i < m; i++) {
            edges[m - 1 + i] = 1 - u[m - 1 - i];
        }
        edges[intervalsM - 2] = 1.01;
        edges[intervalsM - 1] = 1.2;
    }

    /** The M edges (a copy). */
    double[] edges() {
        return edges.clone();
    }

    /** The number of intervals, M - 1. */
    int intervals() {
        return edges.length - 1;
    }

    /**
     * The interval [e_b, e_{b+1}) holding {@code s}. States are sigmoids in [0, 1], inside [e_0, e_{M-1}) = [0, 1.2).
     */
    int interval(double s) {
        if (!(s >= edges[0] && s < edges[edges.length - 1])) {
            throw new IllegalArgumentException("a NAC state must lie in [0, 1.2), got " + s);
        }
        int at = Arrays.binarySearch(edges, s);
        return at >= 0 ? at : -at - 2;
    }
}
