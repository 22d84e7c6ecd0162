package dev.onnxinspect.trainers.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.trainers.TrainingException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PermutationsTest {
    @Test
    void everyEntryOnceAndTheSameForTheSameSeed() {
        int[] p = Permutations.random(1000, new SplittableRandom(7));
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertThat(sorted[i]).isEqualTo(i);
        }
        assertThat(Permutations.random(1000, new SplittableRandom(7))).containsExactly(p);
        assertThat(Permutations.random(0, new SplittableRandom(7))).isEmpty();
        assertThat(Permutations.random(1, new SplittableRandom(7))).containsExactly(0);
    }

    @Test
    void drawsNMinusOneValuesInOrderFromTheEnd() {
        // Fisher-Yates from the end: n = 2 swaps entries 1 and j = nextInt(2): [1, 0] when j = 0, [0, 1] when j = 1.
        // The generator is consumed by exactly n - 1 draws: the next draw is the caller's.
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom draws = new SplittableRandom(seed);
            int j = draws.nextInt(2);
            int after = draws.nextInt();
            SplittableRandom random = new SplittableRandom(seed);
            assertThat(Permutations.random(2, random)).containsExactly(j == 0 ? new int[] {1, 0} : new int[] {0, 1});
            assertThat(random.nextInt()).isEqualTo(after);
        }
    }

    @Test
    void theSixPermutationsOfThreeAreAboutEquallyLikely() {
        // 60,000 draws: each of the 3! = 6 permutations expected 10,000 times, standard deviation
        // sqrt(60000 * (1/6) * (5/6)) = 91; 6 sigma = 550.
        SplittableRandom random = new SplittableRandom(11);
        Map<String, Integer> counts = new HashMap<>();
        for (int k = 0; k < 60_000; k++) {
            counts.merge(Arrays.toString(Permutations.random(3, random)), 1, Integer::sum);
        }
        assertThat(counts).hasSize(6);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(10_000 - 550, 10_000 + 550));
    }

    @Test
    void aNegativeSizeIsRefused() {
        assertThatThrownBy(() -> Permutations.random(-1, new SplittableRandom(1)))
                .isInstanceOf(TrainingException.class)
                .hasMessage("a permutation needs n >= 0 entries, got -1");
    }
}
