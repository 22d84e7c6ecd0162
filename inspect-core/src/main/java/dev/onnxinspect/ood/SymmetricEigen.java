package dev.onnxinspect.ood;

import java.util.Arrays;

/**
 * The eigendecomposition A = V diag(lambda) V^T of a real symmetric matrix in float64 — Householder reduction to
 * tridiagonal form, then implicit QL iteration (EISPACK tred2/tql2, the algorithm of JAMA) — and the pseudo-inverse
 * rule of SPEC §5: eigenvalues {@code <= n * eps * lambda_max} (eps the float64 machine epsilon, 2^-52) are treated
 * as zero. About 4 n^3 / 3 + 3 n^3 flops; QL rotations update two contiguous rows of the transposed eigenvector
 * matrix. Immutable: eigenvalues descend, eigenvector i is {@link #vector(int)}.
 *
 * <p>A matrix with a NaN or infinite entry, and one whose QL iteration does not converge within
 * {@value #MAX_ITERATIONS} iterations per eigenvalue (EISPACK's tql2 gives up after 30), is refused with an
 * {@link OodException}: what it would return are not eigenpairs, and a detector fitted on them would score silently
 * wrong.
 */
final class SymmetricEigen {
    static final int MAX_ITERATIONS = 60;

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
     * assumed: the lower triangle is replaced by the mirrored upper triangle first.
     *
     * @throws OodException if the upper triangle holds a NaN or infinite value, or the iteration does not converge
     */
    static SymmetricEigen of(double[] a, int n) {
        return of(a, n, MAX_ITERATIONS);
    }

    /** {@link #of(double[], int)} with at most {@code maxIterations} QL iterations per eigenvalue. */
    static SymmetricEigen of(double[] a, int n, int maxIterations) {
        if (a.length != (long) n * n) {
            throw new OodException(
                    "expected a " + n + " x " + n + " matrix (" + (long) n * n + " values), got " + a.length);
        }
        for (int p = 0; p < n; p++) {
            for (int q = p; q < n; q++) {
                if (!Double.isFinite(a[p * n + q])) {
                    throw new OodException("cannot decompose a " + n + " x " + n + " matrix holding " + a[p * n + q]
                            + " at (" + p + ", " + q + "): check the fit features for extreme or non-finite values");
                }
            }
        }
        if (n == 0) {
            return new SymmetricEigen(0, new double[0], new double[0]);
        }
        double[][] v = new double[n][n];
        for (int p = 0; p < n; p++) {
            for (int q = p; q < n; q++) {
                v[p][q] = a[p * n + q];
                v[q][p] = a[p * n + q];
            }
        }
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalize(v, d, e, n);
        double[][] vt = new double[n][n]; // rows = eigenvectors, so QL rotations touch two contiguous rows
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) {
                vt[q][p] = v[p][q];
            }
        }
        diagonalize(vt, d, e, n, maxIterations);
        return sorted(n, d, vt);
    }

    /**
     * Householder reduction to tridiagonal form (EISPACK tred2, as in JAMA): on return d holds the diagonal, e the
     * sub-diagonal (e[0] = 0) and v the accumulated orthogonal transformation (columns).
     */
    private static void tridiagonalize(double[][] v, double[] d, double[] e, int n) {
        System.arraycopy(v[n - 1], 0, d, 0, n);
        for (int i = n - 1; i > 0; i--) {
            double scale = 0;
            double h = 0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(d[k]);
            }
            if (scale == 0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                    v[j][i] = 0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) {
                    g = -g;
                }
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) {
                    e[j] = 0;
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k <= i - 1; k++) {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) {
                    e[j] -= hh * d[j];
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) {
                        v[k][j] -= f * e[k] + g * d[k];
                    }
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1;
            double h = d[i + 1];
            if (h != 0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = v[k][i + 1] / h;
                }
                for (int j = 0; j <= i; j++) {
                    double g = 0;
                    for (int k = 0; k <= i; k++) {
                        g += v[k][i + 1] * v[k][j];
                    }
                    for (int k = 0; k <= i; k++) {
                        v[k][j] -= g * d[k];
                    }
                }
            }
            for (int k = 0; k <= i; k++) {
                v[k][i + 1] = 0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0;
        }
        v[n - 1][n - 1] = 1;
        e[0] = 0;
    }

    /**
     * Implicit QL iteration on the tridiagonal matrix (EISPACK tql2, as in JAMA), rotating the rows of vt (the
     * transposed transformation); on return d holds the eigenvalues and row i of vt the eigenvector of d[i].
     *
     * @throws OodException if an eigenvalue needs more than {@code maxIterations} iterations
     */
    private static void diagonalize(double[][] vt, double[] d, double[] e, int n, int maxIterations) {
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0;
        double f = 0;
        double tst1 = 0;
        double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n && Math.abs(e[m]) > eps * tst1) {
                m++;
            }
            if (m > l) {
                int iterations = 0;
                do {
                    if (++iterations > maxIterations) {
                        throw new OodException("the QL eigensolver did not converge: eigenvalue " + l + " of a " + n
                                + " x " + n + " matrix still has an off-diagonal of " + Math.abs(e[l]) + " after "
                                + maxIterations + " iterations (tolerance " + eps * tst1 + "); the matrix is too badly"
                                + " scaled to decompose: check the fit features for extreme values");
                    }
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = Math.hypot(p, 1);
                    if (p < 0) {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) {
                        d[i] -= h;
                    }
                    f += h;
                    p = d[m];
                    double c = 1;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0;
                    double s2 = 0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        double[] lo = vt[i];
                        double[] hi = vt[i + 1];
                        for (int k = 0; k < n; k++) {
                            h = hi[k];
                            hi[k] = s * lo[k] + c * h;
                            lo[k] = c * lo[k] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
    }

    private static SymmetricEigen sorted(int n, double[] d, double[][] vt) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(d[y], d[x]));
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int i = 0; i < n; i++) {
            values[i] = d[order[i]];
            System.arraycopy(vt[order[i]], 0, vectors, i * n, n);
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
