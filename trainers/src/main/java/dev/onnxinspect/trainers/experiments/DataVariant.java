package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.trainers.train.TrainingData;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What an experiment does to the training data before training (SPEC §11); the test data is never changed.
 * Immutable; {@link #prepare} is deterministic in the seed.
 */
public sealed interface DataVariant {

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

    /** One of the {@link ImageCorruption}s. */
    record CorruptImages(Kind kind) implements DataVariant {
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
