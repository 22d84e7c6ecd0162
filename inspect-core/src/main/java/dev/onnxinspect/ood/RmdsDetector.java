package dev.onnxinspect.ood;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * RMDS, relative Mahalanobis distance (Ren et al. 2021; SPEC §5b):
 * {@code min_c (h - mu_c)^T Sigma^+ (h - mu_c) - (h - mu_0)^T Sigma_0^+ (h - mu_0)}, where mu_c and Sigma are those of
 * {@link MahalanobisDetector} (class means by true label, one shared class-centred covariance normalised by N) and
 * mu_0, Sigma_0 the mean and covariance (normalised by N) of all fit features; both pseudo-inverses follow the rule of
 * SPEC §5 (eigenvalues {@code <= d * eps * lambda_max} dropped). Higher = more OOD; the score crosses 0.
 *
 * <p>Built from two Mahalanobis fits: the class-conditional one, and one with every fit sample in a single class (its
 * covariance is then exactly the global one). A one-class fit set makes the two equal: every score is 0.
 */
public final class RmdsDetector implements PersistentDetector {
    static final String TYPE = "rmds";

    private final MahalanobisDetector classes;
    private final MahalanobisDetector background;

    private RmdsDetector(MahalanobisDetector classes, MahalanobisDetector background) {
        this.classes = classes;
        this.background = background;
    }

    /** A fit accumulator for the given number of classes (labels must lie in [0, classes)). */
    public static Accumulator accumulator(int classes) {
        return new Accumulator(ClassCount.check(classes));
    }

    /** The class-conditional part, min_c MD_c (a Mahalanobis detector). */
    public MahalanobisDetector classConditional() {
        return classes;
    }

    /** The background part MD_0 (a Mahalanobis detector with one class, the mean and covariance of all fit h). */
    public MahalanobisDetector background() {
        return background;
    }

    @Override
    public String name() {
        return "rmds";
    }

    @Override
    public Set<DetectorInputKind> requiredInputs() {
        return Set.of(DetectorInputKind.FEATURES);
    }

    /**
     * MD_min - MD_0 per sample. Two implementations agree to 1e-9 of MD_min + MD_0, not of the score (SPEC §5b): the
     * difference of two large nearly equal distances cancels.
     */
    @Override
    public double[] score(DetectorInput input) {
        double[] scores = classes.score(input);
        double[] md0 = background.score(input);
        for (int i = 0; i < scores.length; i++) {
            scores[i] -= md0[i];
        }
        return scores;
    }

    @Override
    public String typeId() {
        return TYPE;
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        classes.writeState(out);
        background.writeState(out);
    }

    static RmdsDetector read(DataInputStream in) throws IOException {
        return new RmdsDetector(MahalanobisDetector.read(in), MahalanobisDetector.read(in));
    }

    /**
     * Two Mahalanobis accumulators: by true label, and with every sample in class 0. Memory: (K + 1) d + 2 d^2
     * doubles. Mutable, not thread-safe.
     */
    public static final class Accumulator implements FitAccumulator<RmdsDetector>, NamedFit {
        private final int classCount;
        private final MahalanobisDetector.Accumulator classes;
        private final MahalanobisDetector.Accumulator background = MahalanobisDetector.accumulator(1);

        private Accumulator(int classCount) {
            this.classCount = classCount;
            this.classes = MahalanobisDetector.accumulator(classCount);
        }

        @Override
        public String detectorName() {
            return "rmds";
        }

        @Override
        public void accept(DetectorInput batch) {
            batch.require(DetectorInputKind.FEATURES, "rmds fit");
            batch.require(DetectorInputKind.LABELS, "rmds fit");
            classes.accept(batch);
            background.accept(DetectorInput.builder(batch.samples())
                    .features(batch.featureArray(), batch.featureDim())
                    .labels(new int[batch.samples()])
                    .build());
        }

        @Override
        public void merge(FitAccumulator<RmdsDetector> other) {
            if (!(other instanceof Accumulator o) || o.classCount != classCount) {
                throw new OodException(
                        "can only merge an RMDS accumulator for " + classCount + " classes, got " + other);
            }
            classes.merge(o.classes);
            background.merge(o.background);
        }

        @Override
        public RmdsDetector result() {
            return new RmdsDetector(classes.result(), background.result());
        }
    }
}
