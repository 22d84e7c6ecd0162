package dev.onnxinspect.ood;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.onnx.DenseLayer;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Several detectors that score the same {@link DetectorInput} into named columns (SPEC §5, §12 "scores" table).
 * Immutable and thread-safe like its detectors. Built by a {@link Builder} that takes ready detectors and fit
 * accumulators, streams fit batches into all accumulators in one pass, and fits them on {@link Builder#build}.
 */
public final class DetectorSuite implements Serializable {
    private final List<OodDetector> detectors;

    private DetectorSuite(List<OodDetector> detectors) {
        Set<String> names = new LinkedHashSet<>();
        for (OodDetector d : detectors) {
            if (!names.add(d.name())) {
                throw new OodException("two detectors are named '" + d.name() + "'; score column names must be unique");
            }
        }
        this.detectors = List.copyOf(detectors);
    }

    /** A suite of ready (unfitted or already fitted) detectors; names must be unique. */
    public static DetectorSuite of(List<? extends OodDetector> detectors) {
        return new DetectorSuite(new ArrayList<>(detectors));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding every SPEC §5 detector with its default parameters: MSP, MaxLogit, Energy, ODIN, GradNorm,
     * ASH-B/S/P (ready), and accumulators for KL-Matching, Mahalanobis, KNN (k = 50), ReAct, DICE, ViM, SHE; the SPEC
     * §5b logit and feature detectors fDBD, RMDS, GEN (ready), SCALE (its accumulator only checks that the features
     * are non-negative), MSP with temperature, Entropy (ready) and Entropy with temperature; the SPEC §5b bank and
     * gradient detectors NNGuide, Relation and NAC-UE (on the features h); and, for each pattern layer, NAP Hamming,
     * activation-profile KL and pattern distance (tau = 0). Feed it fit batches
     * with logits, features (the input of {@code last}), labels and the pattern layers' activations; KNN needs at
     * least 50 fit samples in all.
     */
    public static Builder standard(DenseLayer last, int classes, List<String> patternLayers) {
        return standard(last, classes, patternLayers, 0.0, ProfileKlDetector.DEFAULT_ALPHA);
    }

    /**
     * {@link #standard(DenseLayer, int, List)} with the S1 threshold tau and the profile smoothing alpha of the
     * per-layer detectors (NAP Hamming, activation-profile KL, pattern distance) set, so that they use the same
     * significance definition as the layer statistics of the same run.
     */
    public static Builder standard(DenseLayer last, int classes, List<String> patternLayers, double tau, double alpha) {
        return standard(last, classes, patternLayers, tau, alpha, null);
    }

    /**
     * {@link #standard(DenseLayer, int, List, double, double)}, leaving out the ready detectors that cannot be made
     * for this head (ASH with p = 0.9 keeps no entry of 4 or fewer features), each added to {@code skipped} with the
     * reason; with {@code skipped} null such a head is refused as before.
     */
    public static Builder standard(
            DenseLayer last, int classes, List<String> patternLayers, double tau, double alpha, List<String> skipped) {
        Builder b = builder()
                .add(MaxSoftmaxDetector.msp())
                .add(MaxLogitDetector.create())
                .add(EnergyDetector.create())
                .add(MaxSoftmaxDetector.odin())
                .add(GradNormDetector.create())
                .fit(KlMatchingDetector.accumulator(classes))
                .fit(MahalanobisDetector.accumulator(classes))
                .fit(KnnDetector.accumulator())
                .fit(ReactDetector.accumulator(last));
        for (AshDetector.Variant v : AshDetector.Variant.values()) {
            try {
                b.add(AshDetector.create(last, v));
            } catch (OodException e) {
                if (skipped == null) {
                    throw e;
                }
                skipped.add("ash_" + v.name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
            }
        }
        b.fit(DiceDetector.accumulator(last)).fit(VimDetector.accumulator(last)).fit(SheDetector.accumulator(classes));
        // SPEC §5b (logit/feature detectors)
        b.fit(FdbdDetector.accumulator(last))
                .fit(RmdsDetector.accumulator(classes))
                .add(GenDetector.create())
                .fit(ScaleDetector.accumulator(last))
                .fit(MspTemperatureDetector.accumulator(classes))
                .add(EntropyDetector.create())
                .fit(EntropyDetector.temperatureAccumulator(classes));
        // SPEC §5b (bank/gradient detectors)
        b.fit(NnGuideDetector.accumulator()).fit(RelationDetector.accumulator()).fit(NacUeDetector.accumulator(last));
        for (String layer : patternLayers) {
            b.fit(NapDetector.accumulator(layer, classes, tau))
                    .fit(ProfileKlDetector.accumulator(layer, classes, tau, alpha))
                    .fit(PatternDistanceDetector.accumulator(layer, classes, tau));
        }
        return b;
    }

    public List<OodDetector> detectors() {
        return detectors;
    }

    /** The score column names, in order. */
    public List<String> names() {
        return detectors.stream().map(OodDetector::name).toList();
    }

    /** Every input kind some detector of the suite reads when scoring. */
    public Set<DetectorInputKind> requiredInputs() {
        Set<DetectorInputKind> kinds = new LinkedHashSet<>();
        detectors.forEach(d -> kinds.addAll(d.requiredInputs()));
        return kinds;
    }

    /** The layers the per-layer detectors read. */
    public Set<String> layers() {
        Set<String> layers = new LinkedHashSet<>();
        detectors.forEach(d -> d.layer().ifPresent(layers::add));
        return layers;
    }

    /** Scores the input by every detector. */
    public ScoreColumns score(DetectorInput input) {
        Map<String, double[]> columns = new LinkedHashMap<>();
        for (OodDetector d : detectors) {
            columns.put(d.name(), d.score(input));
        }
        return new ScoreColumns(columns, input.samples());
    }

    /** Saves every detector for the model with the given SHA-256 (see {@link DetectorFiles}). */
    public void save(Path file, String modelSha256) throws IOException {
        DetectorFiles.save(file, modelSha256, detectors);
    }

    /** Loads a suite saved by {@link #save}; fails if it was saved for another model. */
    public static DetectorSuite load(Path file, String expectedModelSha256) throws IOException {
        return of(DetectorFiles.load(file, expectedModelSha256));
    }

    /**
     * Collects ready detectors and fit accumulators, in column order. Mutable, not thread-safe; {@link #accept}
     * feeds one fit batch to every accumulator.
     */
    public static final class Builder implements Serializable {
        private final List<Object> entries = new ArrayList<>();

        private Builder() {}

        /** Adds a ready detector. */
        public Builder add(OodDetector detector) {
            entries.add(Objects.requireNonNull(detector, "detector"));
            return this;
        }

        /** Adds a detector to be fitted from the batches given to {@link #accept}. */
        public Builder fit(FitAccumulator<?> accumulator) {
            entries.add(Objects.requireNonNull(accumulator, "accumulator"));
            return this;
        }

        /**
         * Leaves out the bank detectors (SPEC §5b: NNGuide, Relation) of the given names, before any fit batch: what
         * a memory plan does when a bank would not fit its budget. Other names are ignored.
         */
        public Builder leaveOut(Collection<String> bankDetectors) {
            entries.removeIf(e -> e instanceof BankAccumulator a && bankDetectors.contains(a.detectorName()));
            return this;
        }

        /**
         * Puts {@code accumulator} in the place of the named accumulator (SPEC §5b: NAC-UE over more layers), before
         * any fit batch.
         *
         * @throws OodException if there is no accumulator of that name
         */
        public Builder replace(String name, FitAccumulator<?> accumulator) {
            Objects.requireNonNull(accumulator, "accumulator");
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i) instanceof BankAccumulator a
                        && a.detectorName().equals(name)) {
                    entries.set(i, accumulator);
                    return this;
                }
            }
            throw new OodException("the suite has no accumulator of the detector '" + name + "' to replace");
        }

        /** Feeds one labelled ID fit batch to every accumulator. */
        public Builder accept(DetectorInput batch) {
            for (Object e : entries) {
                if (e instanceof FitAccumulator<?> a) {
                    a.accept(batch);
                }
            }
            return this;
        }

        /**
         * Adds everything another builder of the same suite has seen: each fit accumulator merges its counterpart
         * ({@link FitAccumulator#merge}); ready detectors stay as they are. What a distributed fit does with the
         * builders of its partitions (the builders are {@link Serializable} for that); {@code other} is not changed.
         *
         * @throws OodException if {@code other} holds other detectors or accumulators, or in another order
         */
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Builder merge(Builder other) {
            Objects.requireNonNull(other, "other");
            if (other.entries.size() != entries.size()) {
                throw new OodException("cannot merge a suite builder of " + other.entries.size()
                        + " entries into one of " + entries.size()
                        + "; merge builders made by the same call (e.g. the same DetectorLayout)");
            }
            for (int i = 0; i < entries.size(); i++) {
                Object mine = entries.get(i);
                Object theirs = other.entries.get(i);
                if (mine.getClass() != theirs.getClass()) {
                    throw new OodException("cannot merge suite builders: entry " + i + " is a "
                            + mine.getClass().getSimpleName() + " here and a "
                            + theirs.getClass().getSimpleName()
                            + " in the other; merge builders made by the same call");
                }
                if (mine instanceof FitAccumulator a) {
                    a.merge((FitAccumulator) theirs);
                }
            }
            return this;
        }

        /**
         * Fits every accumulator and returns the suite without the detectors that cannot be fitted on this data
         * (e.g. KNN with fewer than k fit samples, ViM when the features have numerical rank 0): each such failure is
         * added to {@code skipped} as "Accumulator: message" ("detector name: message" for a {@link NamedFit}), in
         * suite order. Only refusals of kind
         * {@link Kind#INVALID_INPUT} or {@link Kind#UNSUPPORTED} are skipped; any other failure (a bug, a file error)
         * is thrown.
         */
        public DetectorSuite buildSkippingFailures(List<String> skipped) {
            List<OodDetector> detectors = new ArrayList<>();
            for (Object e : entries) {
                if (e instanceof FitAccumulator<?> a) {
                    try {
                        detectors.add(a.result());
                    } catch (OnnxInspectException ex) {
                        if (ex.kind() != Kind.INVALID_INPUT && ex.kind() != Kind.UNSUPPORTED) {
                            throw ex;
                        }
                        String who = a instanceof NamedFit named
                                ? named.detectorName()
                                : a.getClass()
                                        .getName()
                                        .replaceFirst(".*\\.", "")
                                        .replace('$', '.');
                        skipped.add(who + ": " + ex.getMessage());
                    }
                } else {
                    detectors.add((OodDetector) e);
                }
            }
            return new DetectorSuite(detectors);
        }

        /**
         * The ready detectors only, in order, without fitting (the accumulators are dropped): the suite that scores
         * when there is no fit set.
         */
        public DetectorSuite buildUnfitted() {
            List<OodDetector> detectors = new ArrayList<>();
            for (Object e : entries) {
                if (e instanceof OodDetector d) {
                    detectors.add(d);
                }
            }
            return new DetectorSuite(detectors);
        }

        /** Fits every accumulator and returns the suite. */
        public DetectorSuite build() {
            List<OodDetector> detectors = new ArrayList<>();
            for (Object e : entries) {
                detectors.add(e instanceof FitAccumulator<?> a ? a.result() : (OodDetector) e);
            }
            return new DetectorSuite(detectors);
        }
    }
}
