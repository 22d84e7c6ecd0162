package dev.onnxinspect.trainers.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.train.TrainingData;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CorruptionTest {

    private static TrainingData labelled(int n, int k) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % k;
        }
        return new TrainingData(new float[n], y, new int[] {1}, k);
    }

    /** Sample i has values 100 i + j, j = 0..d-1. */
    private static TrainingData ramp(int n, int d) {
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = 100f * i + j;
            }
        }
        return new TrainingData(x, new int[n], new int[] {d}, 2);
    }

    @Test
    void labelCorruptionChangesAboutQTimesKMinus1OverKWithinABinomialBound() {
        // each label changes with probability p = q (K - 1) / K = 0.3 * 0.9 = 0.27; the count is Binomial(n, p),
        // sd of the fraction sqrt(p (1 - p) / n) = sqrt(0.27 * 0.73 / 10000) = 0.00444; allow 5 sd
        TrainingData data = labelled(10_000, 10);
        LabelCorruption.Result r = LabelCorruption.apply(data, 0.3, 17);
        assertThat(r.realisedFraction()).isCloseTo(0.27, within(5 * Math.sqrt(0.27 * 0.73 / 10_000)));
        int changed = 0;
        for (int i = 0; i < data.size(); i++) {
            changed += r.data().label(i) != data.label(i) ? 1 : 0;
        }
        assertThat(r.changed()).isEqualTo(changed);
        assertThat(r.realisedFraction()).isEqualTo(changed / 10_000.0);
        assertThat(LabelCorruption.apply(data, 0.3, 17).data().labels())
                .isEqualTo(r.data().labels());
        assertThat(LabelCorruption.apply(data, 0.3, 18).data().labels())
                .isNotEqualTo(r.data().labels());
    }

    @Test
    void labelCorruptionExtremes() {
        TrainingData data = labelled(1000, 4);
        assertThat(LabelCorruption.apply(data, 0.0, 1).changed()).isZero();
        // q = 1: p = 3/4, sd sqrt(0.75 * 0.25 / 1000) = 0.0137, allow 5 sd
        assertThat(LabelCorruption.apply(data, 1.0, 1).realisedFraction()).isCloseTo(0.75, within(0.07));
        assertThatThrownBy(() -> LabelCorruption.apply(data, 1.5, 1))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("[0, 1], got 1.5");
    }

    @Test
    void fixedShufflePermutesEveryImageTheSameWay() {
        TrainingData data = ramp(5, 10);
        TrainingData shuffled = ImageCorruption.shuffledPixels(data, 3);
        for (int i = 0; i < 5; i++) {
            float[] row = new float[10];
            for (int j = 0; j < 10; j++) {
                row[j] = shuffled.feature(i, j) - 100f * i;
                // same source position in every image
                assertThat(row[j]).isEqualTo(shuffled.feature(0, j));
            }
            Arrays.sort(row);
            assertThat(row).containsExactly(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f);
        }
        assertThat(shuffled.features()).isNotEqualTo(data.features());
        assertThat(ImageCorruption.shuffledPixels(data, 3).features()).isEqualTo(shuffled.features());
    }

    @Test
    void perImageShuffleKeepsEachImagesValuesWithDifferentPermutations() {
        TrainingData data = ramp(4, 10);
        TrainingData shuffled = ImageCorruption.shuffledPixelsPerImage(data, 3);
        Set<String> orders = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            float[] order = new float[10];
            for (int j = 0; j < 10; j++) {
                order[j] = shuffled.feature(i, j) - 100f * i;
            }
            orders.add(Arrays.toString(order));
            Arrays.sort(order);
            assertThat(order).containsExactly(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f);
        }
        // four random permutations of 10 elements coincide with probability < 6/10! ~ 2e-6
        assertThat(orders).hasSize(4);
    }

    @Test
    void randomPixelsStayInTheDataRangeAndKeepLabels() {
        TrainingData data = new TrainingData(new float[] {0.2f, 0.8f, 0.5f, 0.4f}, new int[] {1, 0}, new int[] {2}, 2);
        TrainingData random = ImageCorruption.randomPixels(data, 5);
        for (float v : random.features()) {
            assertThat(v).isBetween(0.2f, 0.8f);
        }
        assertThat(random.labels()).containsExactly(1, 0);
    }

    @Test
    void gaussianNoiseMatchesPerPixelMeanAndVariance() {
        // pixel 0 is always 0.5 (variance 0, so every draw is exactly 0.5);
        // pixel 1 alternates 0 and 1: mean 0.5, population variance 0.25.
        // Over n = 20000 draws the sample mean has sd 0.5 / sqrt(n) = 0.0035 and the sample variance sd
        // sqrt(2) 0.25 / sqrt(n) = 0.0025; allow 5 sd.
        int n = 20_000;
        float[] x = new float[2 * n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = 0.5f;
            x[2 * i + 1] = i % 2;
        }
        TrainingData noise = ImageCorruption.gaussianNoise(new TrainingData(x, new int[n], new int[] {2}, 2), 9);
        double mean = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            assertThat(noise.feature(i, 0)).isEqualTo(0.5f);
            mean += noise.feature(i, 1);
            squares += noise.feature(i, 1) * (double) noise.feature(i, 1);
        }
        mean /= n;
        assertThat(mean).isCloseTo(0.5, within(5 * 0.0035));
        assertThat(squares / n - mean * mean).isCloseTo(0.25, within(5 * 0.0025));
    }

    @Test
    void extremeOverfittingAppendsRepeatedWrongLabelledTestCopies() {
        TrainingData train = labelled(100, 5);
        TrainingData test = labelled(30, 5);
        ExtremeOverfitting.Result r = ExtremeOverfitting.build(train, test, 4);
        // round(100 / 30) = 3 copies of 30 -> 100 + 90 samples
        assertThat(r.repeats()).isEqualTo(3);
        assertThat(r.testSize()).isEqualTo(30);
        assertThat(r.data().size()).isEqualTo(190);
        Set<Integer> shifts = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            assertThat(r.wrongLabels()[i]).isNotEqualTo(test.label(i));
            shifts.add(Math.floorMod(r.wrongLabels()[i] - test.label(i), 5));
            for (int copy = 0; copy < 3; copy++) {
                assertThat(r.data().label(100 + copy * 30 + i)).isEqualTo(r.wrongLabels()[i]);
            }
        }
        // the wrong class is uniform over the 4 others: all shifts 1..4 occur among 30 draws
        // (each is missing with probability (3/4)^30 ~ 2e-4)
        assertThat(shifts).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(Arrays.copyOf(r.data().labels(), 100)).isEqualTo(train.labels());
    }
}
