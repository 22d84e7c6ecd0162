package dev.onnxinspect.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearAlgebraTest {
    @Test
    void twoByTwoEigenpairs() {
        // [[2,1],[1,2]]: eigenvalues 3 (v = (1,1)/sqrt2) and 1 (v = (1,-1)/sqrt2).
        SymmetricEigen e = SymmetricEigen.of(new double[] {2, 1, 1, 2}, 2);
        assertThat(e.value(0)).isCloseTo(3, within(1e-14));
        assertThat(e.value(1)).isCloseTo(1, within(1e-14));
        double[] v = e.vector(0);
        assertThat(Math.abs(v[0])).isCloseTo(Math.sqrt(0.5), within(1e-14));
        assertThat(v[0] * v[1]).isCloseTo(0.5, within(1e-14));
        assertThat(e.rank()).isEqualTo(2);
        // 1 x 1: the value itself, vector (1).
        SymmetricEigen one = SymmetricEigen.of(new double[] {5}, 1);
        assertThat(one.value(0)).isEqualTo(5.0);
        assertThat(one.vector(0)).containsExactly(1.0);
    }

    @Test
    void anIterationThatDoesNotConvergeIsAnOodException() {
        // [[2,1],[1,2]] is tridiagonal with off-diagonal e = 1 > eps * (|2| + |1|), so eigenvalue 0 needs at least one
        // QL iteration; with a budget of 0 iterations it cannot converge.
        assertThatThrownBy(() -> SymmetricEigen.of(new double[] {2, 1, 1, 2}, 2, 0))
                .isInstanceOf(OodException.class)
                .hasMessageStartingWith("the QL eigensolver did not converge: eigenvalue 0 of a 2 x 2 matrix still"
                        + " has an off-diagonal of 1.0 after 0 iterations")
                .hasMessageEndingWith("check the fit features for extreme values");
        // the default budget decomposes it (see twoByTwoEigenpairs)
        assertThat(SymmetricEigen.of(new double[] {2, 1, 1, 2}, 2, SymmetricEigen.MAX_ITERATIONS)
                        .value(0))
                .isCloseTo(3, within(1e-14));
    }

    @Test
    void aMatrixWithANonFiniteEntryIsRefused() {
        assertThatThrownBy(() -> SymmetricEigen.of(new double[] {1, Double.NaN, Double.NaN, 1}, 2))
                .isInstanceOf(OodException.class)
                .hasMessage("cannot decompose a 2 x 2 matrix holding NaN at (0, 1):"
                        + " check the fit features for extreme or non-finite values");
        assertThatThrownBy(() -> SymmetricEigen.of(new double[] {1, 0, 0, Double.POSITIVE_INFINITY}, 2))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("holding Infinity at (1, 1)");
    }

    @Test
    void repeatedEigenvaluesKeepOrthonormalVectors() {
        // J = all-ones 3 x 3: eigenvalues 3, 0, 0; the 0-eigenspace is 2-D, any orthonormal basis of it will do.
        SymmetricEigen e = SymmetricEigen.of(new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 3);
        assertThat(e.value(0)).isCloseTo(3, within(1e-14));
        assertThat(e.rank()).isEqualTo(1);
        double[] v1 = e.vector(1);
        double[] v2 = e.vector(2);
        assertThat(v1[0] + v1[1] + v1[2]).isCloseTo(0, within(1e-14));
        assertThat(v1[0] * v2[0] + v1[1] * v2[1] + v1[2] * v2[2]).isCloseTo(0, within(1e-14));
        // J^+ = J / 9 (J = 3 u u^T with u = (1,1,1)/sqrt3, so J^+ = u u^T / 3 = J / 9).
        double[] pinv = e.pseudoInverse();
        for (double x : pinv) {
            assertThat(x).isCloseTo(1.0 / 9, within(1e-15));
        }
    }

    @Test
    void rankDropsTinyEigenvaluesAndPseudoInverseInvertsTheRest() {
        // diag(4, 0, 1e-20): the cut is n * eps * lambda_max = 3 * 2^-52 * 4 ~ 2.7e-15, so 1e-20 and 0 are treated
        // as zero: rank 1 and A^+ = diag(1/4, 0, 0).
        SymmetricEigen e = SymmetricEigen.of(new double[] {4, 0, 0, 0, 0, 0, 0, 0, 1e-20}, 3);
        assertThat(e.rank()).isEqualTo(1);
        assertThat(e.pseudoInverse()).containsExactly(new double[] {0.25, 0, 0, 0, 0, 0, 0, 0, 0}, within(1e-15));
        assertThat(SymmetricEigen.of(new double[] {0, 0, 0, 0}, 2).rank()).isZero();
    }

    @Test
    void randomSymmetricMatrixIsReconstructed() {
        // Property: A v_i = lambda_i v_i for every pair, eigenvalues descend, vectors orthonormal.
        int n = 40;
        Random random = new Random(7);
        double[] a = new double[n * n];
        for (int p = 0; p < n; p++) {
            for (int q = p; q < n; q++) {
                a[p * n + q] = random.nextGaussian();
                a[q * n + p] = a[p * n + q];
            }
        }
        SymmetricEigen e = SymmetricEigen.of(a, n);
        for (int i = 0; i < n; i++) {
            double[] v = e.vector(i);
            for (int p = 0; p < n; p++) {
                double av = 0;
                for (int q = 0; q < n; q++) {
                    av += a[p * n + q] * v[q];
                }
                assertThat(av).isCloseTo(e.value(i) * v[p], within(1e-11));
            }
            if (i > 0) {
                assertThat(e.value(i)).isLessThanOrEqualTo(e.value(i - 1));
            }
            for (int j = 0; j < n; j++) {
                double dot = 0;
                double[] w = e.vector(j);
                for (int p = 0; p < n; p++) {
                    dot += v[p] * w[p];
                }
                assertThat(dot).isCloseTo(i == j ? 1 : 0, within(1e-12));
            }
        }
    }

    @Test
    void quickselectFindsEveryOrderStatistic() {
        Random random = new Random(3);
        double[] values = new double[101];
        for (int k = 0; k < values.length; k++) {
            values[k] = random.nextInt(20); // many ties
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < values.length; k++) {
            assertThat(Selection.kthSmallest(values.clone(), values.length, k)).isEqualTo(sorted[k]);
        }
    }

    /** Every order statistic, by the heaps near either end (k + 1 or n - k at most n / 16) and quickselect between. */
    @Test
    void selectionNearTheEndsFindsEveryOrderStatistic() {
        Random random = new Random(4);
        for (int n : new int[] {1, 2, 15, 16, 17, 1000}) {
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(3) == 0 ? random.nextInt(5) - 2 : random.nextGaussian(); // ties and spread
            }
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            for (int k = 0; k < n; k++) {
                assertThat(Selection.kthSmallestNearEnd(values.clone(), n, k))
                        .as("n=%d k=%d", n, k)
                        .isEqualTo(sorted[k]);
            }
        }
    }
}
