package dev.onnxinspect.ood;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The eigendecomposition A = V diag(lambda) V^T of a real symmetric matrix in float64, by the cyclic Jacobi method,
 * and the pseudo-inverse rule of SPEC §5: eigenvalues {@code <= n * eps * lambda_max} (eps the float64 machine
 * epsilon, 2^-52) are treated as zero.
 *
 * <p>Jacobi is O(n^3) per sweep and converges in a handful of sweeps; it is accurate for the small eigenvalues that
 * decide a numerical rank. Immutable: eigenvalues descend, eigenvector i is row i of {@link #vector(int)}.
 */
final class SymmetricEigen {
    private static final Logger LOG = LoggerFactory.getLogger(SymmetricEigen.class);
    private static final int MAX_SWEEPS = 100;

    private final int n;
    private final double[] values;
    private final double[] vectors;

    private SymmetricEigen(int n, double[] values, double[] vectors) {
        this.n = n;
        this.values = values;
        this.vectors = vectors;
    }

    /**
     * Decomposes the symmetric n x n matrix {@code a} (row-major; not changed). Only symmetry up to rounding is
     * assumed: the upper triangle is mirrored before the iteration starts.
     */
    static SymmetricEigen of(double[] a, int n) {
        if (a.length != (long) n * n) {
            throw new OodException("expected a " + n + " x " + n + " matrix (" + (long) n * n + " values), got "
                    + a.length);
        }
        double[] m = a.clone();
        for (int p = 0; p < n; p++) {
            for (int q = p + 1; q < n; q++) {
                m[q * n + p] = m[p * n + q];
            }
        }
        double[] v = new double[n * n];
        for (int p = 0; p < n; p++) {
            v[p * n + p] = 1;
        }
        int sweep = 0;
        while (offDiagonal(m, n) > 0) {
            if (++sweep > MAX_SWEEPS) {
                LOG.warn("Jacobi eigensolver stopped after {} sweeps with off-diagonal mass {}", MAX_SWEEPS,
                        offDiagonal(m, n));
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(m, v, n, p, q, sweep);
                }
            }
        }
        return sorted(n, m, v);
    }

    /** One Jacobi rotation zeroing m[p][q] (Numerical Recipes' stable form); negligible entries are set to 0. */
    private static void rotate(double[] m, double[] v, int n, int p, int q, int sweep) {
        double apq = m[p * n + q];
        if (apq == 0) {
            return;
        }
        double app = m[p * n + p];
        double aqq = m[q * n + q];
        double g = 100 * Math.abs(apq);
        if (sweep > 3 && Math.abs(app) + g == Math.abs(app) && Math.abs(aqq) + g == Math.abs(aqq)) {
            m[p * n + q] = 0;
            m[q * n + p] = 0;
            return;
        }
        double theta = (aqq - app) / (2 * apq);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < n; k++) { // columns p, q
            double mkp = m[k * n + p];
            double mkq = m[k * n + q];
            m[k * n + p] = c * mkp - s * mkq;
            m[k * n + q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++) { // rows p, q
            double mpk = m[p * n + k];
            double mqk = m[q * n + k];
            m[p * n + k] = c * mpk - s * mqk;
            m[q * n + k] = s * mpk + c * mqk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k * n + p];
            double vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }

    private static double offDiagonal(double[] m, int n) {
        double sum = 0;
        for (int p = 0; p < n; p++) {
            for (int q = p + 1; q < n; q++) {
                sum += m[p * n + q] * m[p * n + q];
            }
        }
        return sum;
    }

    private static SymmetricEigen sorted(int n, double[] m, double[] v) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(m[y * n + y], m[x * n + x]));
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int i = 0; i < n; i++) {
            int col = order[i];
            values[i] = m[col * n + col];
            for (int k = 0; k < n; k++) {
                vectors[i * n + k] = v[k * n + col];
            }
        }
        return new SymmetricEigen(n, values, vectors);
    }

    int dimension() {
        return n;
    }

    /** The i-th largest eigenvalue. */
    double value(int i) {
        return values[i];
    }

    /** The unit eigenvector of the i-th largest eigenvalue (a copy). */
    double[] vector(int i) {
        double[] out = new double[n];
        System.arraycopy(vectors, i * n, out, 0, n);
        return out;
    }

    /**
     * The numerical rank: the number of eigenvalues above {@code n * eps * lambda_max} (SPEC §5); 0 when
     * lambda_max is not positive.
     */
    int rank() {
        double top = values.length == 0 ? 0 : values[0];
        if (!(top > 0)) {
            return 0;
        }
        double cut = n * Math.ulp(1.0) * top;
        int r = 0;
        while (r < n && values[r] > cut) {
            r++;
        }
        return r;
    }

    /** The pseudo-inverse A^+ = sum over the rank's eigenpairs of v v^T / lambda, row-major n x n. */
    double[] pseudoInverse() {
        int r = rank();
        double[] inv = new double[n * n];
        for (int i = 0; i < r; i++) {
            double w = 1 / values[i];
            for (int p = 0; p < n; p++) {
                double vp = vectors[i * n + p] * w;
                for (int q = 0; q < n; q++) {
                    inv[p * n + q] += vp * vectors[i * n + q];
                }
            }
        }
        return inv;
    }
}
