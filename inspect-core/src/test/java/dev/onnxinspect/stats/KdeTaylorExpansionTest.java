package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pins the Taylor expansion of the KDE sums ({@link KdeTaylorExpansion}) to the literal log-sum-exp over every fit
 * value, on seeded random data with ties, repeated values, single-value KDEs, clusters with wide gaps and queries
 * far in the tails: every value within 1e-9 relative on the density (SPEC §8), and the expansion really serves the
 * bulk of the queries (else the test would only pin the direct fallback).
 */
class KdeTaylorExpansionTest {
    /** ln((1 / (n h)) sum_i phi((a - x_i) / h)), as a log-sum-exp around the largest term, one query at a time. */
    private static double literalLogKde(double[] values, double h, double a) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : values) {
            double z = (a - x) / h;
            max = Math.max(max, -0.5 * z * z);
        }
        double sum = 0.0;
        for (double x : values) {
            double z = (a - x) / h;
            sum += Math.exp(-0.5 * z * z - max);
        }
        return max + Math.log(sum) - Math.log(values.length) - Math.log(h) - 0.5 * Math.log(2 * Math.PI);
    }

    @Test
    void valuesWithinOneInABillionOfTheLiteralSumAndMostlyExpanded() {
        Random random = new Random(20261207);
        long expanded = 0;
        long total = 0;
        for (int trial = 0; trial < 48; trial++) {
            int n = trial % 8 == 7 ? 1 : 1 + random.nextInt(trial < 40 ? 1200 : 5000);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                double v = switch (trial % 4) {
                    case 0 -> random.nextGaussian();
                    case 1 -> random.nextInt(5) * 0.25; // repeated values only (multiplicities)
                    case 2 ->
                        random.nextInt(3) * 10 + 0.05 * random.nextGaussian() + (random.nextInt(30) == 0 ? 80 : 0);
                    default -> Math.abs(random.nextGaussian()) * 1e-3;
                };
                values[i] = (float) v;
            }
            Arrays.sort(values);
            double h = n > 1 && values[0] != values[n - 1] && trial % 3 != 0
                    ? GaussianKde.silverman(values)
                    : 0.01 + random.nextDouble();
            GaussianKde kde = new GaussianKde(values, h);
            int m = 2000;
            double[] queries = new double[m];
            for (int q = 0; q < m; q++) {
                double base = values[random.nextInt(n)];
                queries[q] = switch (q % 10) {
                    case 0 -> base; // on a fit value: exact ties between query and value
                    case 1 -> base + random.nextGaussian() * 20 * h;
                    case 2 -> values[n - 1] + random.nextDouble() * 1000 * h; // far right tail
                    case 3 -> values[0] - random.nextDouble() * 1000 * h; // far left tail
                    default -> base + random.nextGaussian() * h;
                };
            }
            Arrays.sort(queries);
            // repeated queries too: every 50th equals its predecessor
            for (int q = 50; q < m; q += 50) {
                queries[q] = queries[q - 1];
            }
            KdeTaylorExpansion.Workspace space = new KdeTaylorExpansion.Workspace();
            space.ensure(m, kde.distinctValues());
            double[] out = new double[m];
            KdeTaylorExpansion.logDensities(kde, queries, m, out, space);
            for (int q = 0; q < m; q++) {
                double expected = literalLogKde(values, h, queries[q]);
                assertThat(Math.abs(Math.expm1(out[q] - expected)))
                        .as("trial %d n %d h %s a %s", trial, n, h, queries[q])
                        .isLessThanOrEqualTo(1e-9);
            }
            expanded += space.expanded;
            total += m;
            assertThat(space.expanded + space.direct).isEqualTo(m);
        }
        // the far tails (20% of the queries) and a few boxes fall back; the bulk is expanded
        assertThat((double) expanded / total).isGreaterThan(0.6);
    }

    @Test
    void aBoxOfEqualQueriesIsTheCentreAndExact() {
        // two equal queries, box half-width 0, order 1: the sum is the moment M_0 = sum_i exp(-r_i^2 / 2) with
        // r_i = (x_i - a) / h; values 0, 1, 2 with h = 1 at a = 1: 1 + 2 exp(-1/2), density
        // (1 + 2 e^-0.5) / (3 sqrt(2 pi))
        GaussianKde kde = new GaussianKde(new double[] {0, 1, 2}, 1.0);
        KdeTaylorExpansion.Workspace space = new KdeTaylorExpansion.Workspace();
        space.ensure(2, 3);
        double[] out = new double[2];
        KdeTaylorExpansion.logDensities(kde, new double[] {1.0, 1.0}, 2, out, space);
        double expected = Math.log((1 + 2 * Math.exp(-0.5)) / (3 * Math.sqrt(2 * Math.PI)));
        // within the polynomial exponential's 1e-13 (the weights exp(-1/2) are not Math.exp)
        assertThat(out[0]).isCloseTo(expected, within(2e-13));
        assertThat(out[1]).isEqualTo(out[0]);
        assertThat(space.expanded).isEqualTo(2);
        assertThat(space.direct).isZero();
    }

    @Test
    void aBoxWithTooFewQueriesForItsMomentsTakesTheDirectSum() {
        // three queries 0.5 bandwidths apart: one box of half-width 0.5 with order 22 (G(21, 0.5) > 1e-16), and
        // 3 x 5 < 22 + 5, so its moments would cost more than the direct terms; a single query (order 1) too
        // (1 x 5 < 1 + 5). Expected values: the literal sum over the three fit values 0, 1, 2 (h = 1).
        GaussianKde kde = new GaussianKde(new double[] {0, 1, 2}, 1.0);
        assertThat(KdeTaylorExpansion.order(0.5)).isEqualTo(22);
        double[] queries = {0.5, 1.0, 1.5, 40.0};
        KdeTaylorExpansion.Workspace space = new KdeTaylorExpansion.Workspace();
        space.ensure(queries.length, 3);
        double[] out = new double[queries.length];
        KdeTaylorExpansion.logDensities(kde, queries, queries.length, out, space);
        assertThat(space.direct).isEqualTo(4);
        assertThat(space.expanded).isZero();
        for (int q = 0; q < queries.length; q++) {
            double a = queries[q];
            double density =
                    (Math.exp(-0.5 * a * a) + Math.exp(-0.5 * (a - 1) * (a - 1)) + Math.exp(-0.5 * (a - 2) * (a - 2)))
                            / (3 * Math.sqrt(2 * Math.PI));
            double expected = q < 3 ? Math.log(density) : -0.5 * 38 * 38 + Math.log(1 / (3 * Math.sqrt(2 * Math.PI)));
            assertThat(out[q]).as("a = %s", a).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void theOrderMeetsItsTargetAndTheBoundIsAMaximum() {
        assertThat(KdeTaylorExpansion.order(0.0)).isEqualTo(1);
        for (double b : new double[] {0.1, 0.5, 1.0}) {
            int p = KdeTaylorExpansion.order(b);
            assertThat(KdeTaylorExpansion.growth(p, b)).isLessThanOrEqualTo(KdeTaylorExpansion.ORDER_TARGET);
            assertThat(KdeTaylorExpansion.growth(p - 1, b)).isGreaterThan(KdeTaylorExpansion.ORDER_TARGET);
            // G(p, b) is the maximum over r of exp(-r^2 / 2 + b r) (b r)^p / p!: no r on a grid exceeds it
            double lnFactorial = 0;
            for (int k = 2; k <= p; k++) {
                lnFactorial += Math.log(k);
            }
            for (double r = 0.01; r < 20; r += 0.01) {
                double g = Math.exp(-0.5 * r * r + b * r + p * Math.log(b * r) - lnFactorial);
                assertThat(g).isLessThanOrEqualTo(KdeTaylorExpansion.growth(p, b) * (1 + 1e-12));
            }
        }
    }

    @Test
    void theCostModelPicksTheExpansionOnlyForManyQueries() {
        Random random = new Random(3);
        double[] values = new double[250];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        Arrays.sort(values);
        GaussianKde kde = new GaussianKde(values, GaussianKde.silverman(values));
        double[] many = new double[1000];
        for (int q = 0; q < many.length; q++) {
            many[q] = random.nextGaussian();
        }
        Arrays.sort(many);
        assertThat(KdeTaylorExpansion.cheaper(kde, many, many.length)).isTrue();
        assertThat(KdeTaylorExpansion.cheaper(kde, many, 8)).isFalse();
    }

    @Test
    void thePolynomialExponentialIsWithinItsBound() {
        // Math.exp is within 1 ulp; the bound claimed for expNegative on [-64, 0] is 1e-13 relative
        double worst = 0;
        for (double y = -64; y <= 0; y += 0.000977) {
            worst = Math.max(worst, Math.abs(KdeTaylorExpansion.expNegative(y) / Math.exp(y) - 1));
        }
        assertThat(worst).isLessThan(1e-13).isGreaterThan(0);
    }
}
