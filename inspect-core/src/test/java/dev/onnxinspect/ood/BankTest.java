package dev.onnxinspect.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Bank}'s panel layout gives bit for bit what the plain row-at-a-time loop gives (the loop the detectors used
 * before it, written out here as the reference: four running sums over j mod 4, the d mod 4 remaining terms into the
 * first, then {@code (s0 + s1) + (s2 + s3)}), for widths with and without remaining terms, bank sizes below, at and
 * above a panel, and values with zeros, signed zeros and magnitudes far apart (where another order of additions would
 * round differently).
 */
class BankTest {
    /** The row-at-a-time reference: one query against one row. */
    private static double reference(double[] q, int qFrom, double[] rows, int rowFrom, int dim, boolean distance) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < dim; j += 4) {
            s0 += term(q[qFrom + j], rows[rowFrom + j], distance);
            s1 += term(q[qFrom + j + 1], rows[rowFrom + j + 1], distance);
            s2 += term(q[qFrom + j + 2], rows[rowFrom + j + 2], distance);
            s3 += term(q[qFrom + j + 3], rows[rowFrom + j + 3], distance);
        }
        for (; j < dim; j++) {
            s0 += term(q[qFrom + j], rows[rowFrom + j], distance);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double term(double q, double x, boolean distance) {
        if (distance) {
            double d = q - x;
            return d * d;
        }
        return q * x;
    }

    private static double[] values(SplittableRandom random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            v[i] = kind == 0 ? 0.0 : kind == 1 ? -0.0 : random.nextDouble(-1, 1) * Math.pow(10, random.nextInt(-8, 9));
        }
        return v;
    }

    @Test
    void dotsAndSquaredDistancesAreBitIdenticalToTheRowLoop() {
        SplittableRandom random = new SplittableRandom(7);
        for (int dim : new int[] {1, 2, 3, 4, 5, 7, 10, 16, 17, 31, 128, 130}) {
            for (int rows : new int[] {1, 3, Bank.PANEL - 1, Bank.PANEL, Bank.PANEL + 1, 2 * Bank.PANEL + 37}) {
                double[] bankRows = values(random, rows * dim);
                Bank bank = Bank.of(bankRows, dim);
                assertThat(bank.rows()).isEqualTo(rows);
                assertThat(bank.dim()).isEqualTo(dim);
                assertThat(bank.toRowMajor()).isEqualTo(bankRows);
                for (int block : new int[] {1, Bank.BLOCK}) {
                    double[] queries = values(random, block * dim);
                    double[][] dots = new double[block][rows];
                    double[][] distances = new double[block][rows];
                    bank.dots(queries, block, dots);
                    bank.squaredDistances(queries, block, distances);
                    for (int b = 0; b < block; b++) {
                        for (int s = 0; s < rows; s++) {
                            double dot = reference(queries, b * dim, bankRows, s * dim, dim, false);
                            double distance = reference(queries, b * dim, bankRows, s * dim, dim, true);
                            assertThat(Double.doubleToRawLongBits(dots[b][s]))
                                    .as("dot d=%d rows=%d b=%d s=%d", dim, rows, b, s)
                                    .isEqualTo(Double.doubleToRawLongBits(dot));
                            assertThat(Double.doubleToRawLongBits(distances[b][s]))
                                    .as("distance d=%d rows=%d b=%d s=%d", dim, rows, b, s)
                                    .isEqualTo(Double.doubleToRawLongBits(distance));
                        }
                    }
                }
            }
        }
    }

    /**
     * The bank detectors score a batch's blocks in parallel ({@link Bank#parallelRanges}): a batch of 200 samples (13
     * blocks, several ranges) scores bit for bit what each sample scores alone (one block, the caller's thread only).
     */
    @Test
    void bankDetectorsScoreABatchAsEachSampleAlone() {
        SplittableRandom random = new SplittableRandom(11);
        int dim = 9;
        int classes = 3;
        DetectorInput fit = input(random, 300, dim, classes);
        DetectorInput batch = input(random, 200, dim, classes);
        KnnDetector.Accumulator knn = KnnDetector.accumulator(5);
        NnGuideDetector.Accumulator nnguide = NnGuideDetector.accumulator();
        RelationDetector.Accumulator relation = RelationDetector.accumulator();
        knn.accept(fit);
        nnguide.accept(fit);
        relation.accept(fit);
        for (OodDetector d : List.of(knn.result(), nnguide.result(), relation.result())) {
            double[] together = d.score(batch);
            for (int i = 0; i < 200; i++) {
                double alone = d.score(sample(batch, i, dim, classes))[0];
                assertThat(Double.doubleToRawLongBits(together[i]))
                        .as("%s sample %d", d.name(), i)
                        .isEqualTo(Double.doubleToRawLongBits(alone));
            }
        }
    }

    private static float[] floats(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-2, 2);
        }
        return v;
    }

    private static DetectorInput input(SplittableRandom random, int n, int dim, int classes) {
        return DetectorInput.builder(n)
                .features(floats(random, n * dim), dim)
                .logits(floats(random, n * classes), classes)
                .build();
    }

    private static DetectorInput sample(DetectorInput batch, int i, int dim, int classes) {
        return DetectorInput.builder(1)
                .features(Arrays.copyOfRange(batch.featureArray(), i * dim, (i + 1) * dim), dim)
                .logits(Arrays.copyOfRange(batch.logitArray(), i * classes, (i + 1) * classes), classes)
                .build();
    }

    @Test
    void smallCaseByHand() {
        // rows (1, 2, 3, 4, 5) and (0, -1, 0, 1, 2); query (1, 1, 1, 1, 0.5)
        Bank bank = Bank.of(new double[] {1, 2, 3, 4, 5, 0, -1, 0, 1, 2}, 5);
        double[][] dots = new double[1][2];
        double[][] distances = new double[1][2];
        bank.dots(new double[] {1, 1, 1, 1, 0.5}, 1, dots);
        bank.squaredDistances(new double[] {1, 1, 1, 1, 0.5}, 1, distances);
        assertThat(dots[0]).containsExactly(12.5, 1.0); // 1+2+3+4+2.5; 0-1+0+1+1
        assertThat(distances[0]).containsExactly(0 + 1 + 4 + 9 + 20.25, 1 + 4 + 1 + 0 + 2.25);
    }

    @Test
    void rejectsValuesThatAreNotRows() {
        assertThatThrownBy(() -> Bank.of(new double[5], 2)).hasMessageContaining("5 values are not rows of 2");
    }
}
