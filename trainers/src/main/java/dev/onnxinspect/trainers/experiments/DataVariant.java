package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.trainers.train.TrainingData;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an experiment does to the training data before training (SPEC §11); the test data is never changed.
 * Immutable; {@link #prepare} is deterministic in the seed. An image corruption also gives a corrupted copy of the
 * test data ({@link #corruptedTest}), on which the trained network's test accuracy is reported a second time.
 */
public sealed interface DataVariant {

    /**
     * The test data under this variant's image corruption (SPEC §11: test accuracy is also reported on the test set
     * under the same corruption), or empty for variants that do not corrupt images. Deterministic in the seed.
     */
    default Optional<TrainingData> corruptedTest(TrainingData test, long seed) {
        return Optional.empty();
    }

    /** A short name for run ids, e.g. "labels-q0.5". */
    String name();

    /** The training data for this variant and facts to record with the run (e.g. the realised corruption). */
    Prepared prepare(TrainingData train, TrainingData test, long seed);

    /** Prepared training data plus facts about the preparation; the facts map is copied. */
    record Prepared(TrainingData train, Map<String, String> facts) {
        public Prepared {
            facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        }
    }

    /** The data unchanged. */
    record Clean() implements DataVariant {
        @Override
        public String name() {
            return "clean";
        }

        @Override
        public Prepared prepare(TrainingData train, TrainingData test, long seed) {
            return new Prepared(train, Map.of("variant", name()));
        }
    }

    /** {@link LabelCorruption} at level q. */
    record CorruptLabels(double q) implements DataVariant {
        @Override
        public String name() {
            return "labels-q" + q;
        }

        @Override
        public Prepared prepare(TrainingData train, TrainingData test, long seed) {
            LabelCorruption.Result r = LabelCorruption.apply(train, q, seed);
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("variant", name());
            facts.put("corruption_level", Double.toString(q));
            facts.put("realised_changed_fraction", Double.toString(r.realisedFraction()));
            return new Prepared(r.data(), facts);
        }
    }

    /**
     * One of the {@link ImageCorruption}s.
     *
     * <p>Choice for the corrupted test set: the fixed permutation is the training set's one (drawn from the same
     * seed, as Zhang et al. do); random pixels, per-image permutations and Gaussian noise are drawn afresh from
     * {@code seed ^ }{@value #TEST_SEED_MIX} (so that test sample i does not repeat training sample i's draw), random
     * pixels over the test data's own value range and Gaussian noise with the test data's own per-pixel moments.
     */
    record CorruptImages(Kind kind) implements DataVariant {
        /** Mixed into the seed for the test set's fresh draws. */
        public static final long TEST_SEED_MIX = 0x7E57L;

        /** Which image corruption. */
        public enum Kind {
            RANDOM_PIXELS,
            SHUFFLED_PIXELS,
            SHUFFLED_PIXELS_PER_IMAGE,
            GAUSSIAN_NOISE
        }

        @Override
        public String name() {
            return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @Override
        public Prepared prepare(TrainingData train, TrainingData test, long seed) {
            TrainingData data = switch (kind) {
                case RANDOM_PIXELS -> ImageCorruption.randomPixels(train, seed);
                case SHUFFLED_PIXELS -> ImageCorruption.shuffledPixels(train, seed);
                case SHUFFLED_PIXELS_PER_IMAGE -> ImageCorruption.shuffledPixelsPerImage(train, seed);
                case GAUSSIAN_NOISE -> ImageCorruption.gaussianNoise(train, seed);
            };
            return new Prepared(data, Map.of("variant", name()));
        }

        @Override
        public Optional<TrainingData> corruptedTest(TrainingData test, long seed) {
            long fresh = seed ^ TEST_SEED_MIX;
            return Optional.of(
                    switch (kind) {
                        case RANDOM_PIXELS -> ImageCorruption.randomPixels(test, fresh);
                        case SHUFFLED_PIXELS -> ImageCorruption.shuffledPixels(test, seed);
                        case SHUFFLED_PIXELS_PER_IMAGE -> ImageCorruption.shuffledPixelsPerImage(test, fresh);
                        case GAUSSIAN_NOISE -> ImageCorruption.gaussianNoise(test, fresh);
                    });
        }
    }

    /** {@link ExtremeOverfitting}: the relabelled test set appended to the training data. */
    record ExtremeOverfit() implements DataVariant {
        @Override
        public String name() {
            return "extreme-overfitting";
        }

        @Override
        public Prepared prepare(TrainingData train, TrainingData test, long seed) {
            ExtremeOverfitting.Result r = ExtremeOverfitting.build(train, test, seed);
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("variant", name());
            facts.put("appended_test_copies", Integer.toString(r.repeats()));
            facts.put("appended_samples", Integer.toString(r.repeats() * r.testSize()));
            return new Prepared(r.data(), facts);
        }
    }
}
