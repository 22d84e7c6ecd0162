package dev.onnxinspect.trainers.train;

import dev.onnxinspect.trainers.TrainingException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Seeded random permutations, the one way the trainers draw one: the epoch order and the validation split of
 * {@link Trainer}, and the shuffled-pixel corruptions of SPEC §11. Each of the n! permutations is equally likely.
 */
public final class Permutations {
    private Permutations() {}

    /**
     * A random permutation of 0..n-1 by the Fisher-Yates shuffle (Durstenfeld's form): start from the identity and,
     * for i from n-1 down to 1, swap entry i with entry {@code random.nextInt(i + 1)}. Draws n-1 values from
     * {@code random} (none for n &lt;= 1), so the same random state gives the same permutation; never change the
     * order of the draws, or every seeded training run and corruption changes.
     *
     * @param n how many entries, at least 0
     * @throws TrainingException if n is negative
     */
    public static int[] random(int n, SplittableRandom random) {
        Objects.requireNonNull(random, "random");
        if (n < 0) {
            throw new TrainingException("a permutation needs n >= 0 entries, got " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
