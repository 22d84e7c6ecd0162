package dev.onnxinspect.ood;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One batch of what the SPEC §5 detectors read, as plain arrays so that detectors do not depend on the runtime:
 * the logits z ({@code [samples][K]}, float32 as the model gave them), the features h of the chosen layer
 * ({@code [samples][d]}), the activations of named layers (for the S1-pattern detectors) and, for fitting, the true
 * labels. Every part is optional; a detector checks that the parts it needs are there.
 *
 * <p>Ownership: the row-major arrays and {@link LayerActivations} are not copied (for speed); once built, nobody
 * may change them. Labels are copied. {@link Builder#build} rejects NaN or infinite logits and features, naming the
 * sample,
 * so that no detector ever turns one into a silent NaN score (Choice: infinities are rejected too, as softmax and
 * energy of an infinite logit are NaN). Layer activations are rejected when NaN; infinite activations are allowed
 * (S1 only compares them with tau).
 */
public final class DetectorInput {
    private final int samples;
    private final float[] logits;
    private final int classes;
    private final float[] features;
    private final int featureDim;
    private final Map<String, LayerActivations> layers;
    private final int[] labels;

    private DetectorInput(Builder b) {
        this.samples = b.samples;
        this.logits = b.logits;
        this.classes = b.classes;
        this.features = b.features;
        this.featureDim = b.featureDim;
        this.layers = Collections.unmodifiableMap(new LinkedHashMap<>(b.layers));
        this.labels = b.labels;
    }

    /** Starts an input of the given number of samples (at least 1). */
    public static Builder builder(int samples) {
        return new Builder(samples);
    }

    public int samples() {
        return samples;
    }

    public boolean hasLogits() {
        return logits != null;
    }

    public boolean hasFeatures() {
        return features != null;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    public boolean hasLayer(String layer) {
        return layers.containsKey(layer);
    }

    /** K, the width of the logits. */
    public int classes() {
        require(DetectorInputKind.LOGITS, "the input");
        return classes;
    }

    /** d, the width of the features. */
    public int featureDim() {
        require(DetectorInputKind.FEATURES, "the input");
        return featureDim;
    }

    public float logit(int sample, int c) {
        require(DetectorInputKind.LOGITS, "the input");
        return logits[sample * classes + Objects.checkIndex(c, classes)];
    }

    public float feature(int sample, int j) {
        require(DetectorInputKind.FEATURES, "the input");
        return features[sample * featureDim + Objects.checkIndex(j, featureDim)];
    }

    public int label(int sample) {
        require(DetectorInputKind.LABELS, "the input");
        return labels[sample];
    }

    /** yhat = argmax of the logits, ties to the lowest index (SPEC §5). */
    public int predictedClass(int sample) {
        require(DetectorInputKind.LOGITS, "the input");
        return LogitMath.argmax(logits, sample * classes, classes);
    }

    /** yhat of every sample (a new array): argmax of the logits, ties to the lowest index. */
    public int[] predictedClasses() {
        int[] out = new int[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = predictedClass(i);
        }
        return out;
    }

    /** The true labels (a copy). */
    public int[] labels() {
        require(DetectorInputKind.LABELS, "the input");
        return labels.clone();
    }

    /** The activations of the named layer. */
    public LayerActivations layer(String layer) {
        LayerActivations a = layers.get(layer);
        if (a == null) {
            throw new OodException("the input has no activations of layer '" + layer + "'; it has "
                    + new TreeSet<>(layers.keySet()) + ". Add it with DetectorInput.Builder#layer");
        }
        return a;
    }

    /** The names of the layers this input holds activations of. */
    public Set<String> layerNames() {
        return layers.keySet();
    }

    float[] logitArray() {
        return logits;
    }

    float[] featureArray() {
        return features;
    }

    /** Throws a clear error if this input lacks one of the kinds; {@code who} names the detector that needs it. */
    void require(DetectorInputKind kind, String who) {
        boolean present = switch (kind) {
            case LOGITS -> logits != null;
            case FEATURES -> features != null;
            case LABELS -> labels != null;
            case LAYER_ACTIVATIONS -> !layers.isEmpty();
        };
        if (!present) {
            String method = switch (kind) {
                case LOGITS -> "logits";
                case FEATURES -> "features";
                case LABELS -> "labels";
                case LAYER_ACTIVATIONS -> "layer";
            };
            throw new OodException(who + " needs " + kind + " but the input has none; add them with "
                    + "DetectorInput.Builder#" + method);
        }
    }

    /** Builds a {@link DetectorInput}; not thread-safe. */
    public static final class Builder {
        private final int samples;
        private float[] logits;
        private int classes;
        private float[] features;
        private int featureDim;
        private final Map<String, LayerActivations> layers = new LinkedHashMap<>();
        private int[] labels;

        private Builder(int samples) {
            if (samples <= 0) {
                throw new OodException("a detector input needs at least one sample, got " + samples);
            }
            this.samples = samples;
        }

        /** Logits, row-major {@code [samples][classes]}; not copied. */
        public Builder logits(float[] rowMajor, int classes) {
            this.logits = checkMatrix("logits", rowMajor, classes);
            this.classes = classes;
            return this;
        }

        /** Logits as one row per sample (copied into one row-major array). */
        public Builder logits(float[][] rows) {
            return logits(flatten("logits", rows), rows.length == 0 ? 0 : rows[0].length);
        }

        /** Features h, row-major {@code [samples][dim]}; not copied. */
        public Builder features(float[] rowMajor, int dim) {
            this.features = checkMatrix("features", rowMajor, dim);
            this.featureDim = dim;
            return this;
        }

        /** Features h as one row per sample (copied into one row-major array). */
        public Builder features(float[][] rows) {
            return features(flatten("features", rows), rows.length == 0 ? 0 : rows[0].length);
        }

        /** Features h taken from a layer's activations (flattened per sample); not copied. */
        public Builder features(LayerActivations activations) {
            checkSamples(activations);
            return features(activations.values(), activations.units());
        }

        /** The activations of one layer, for the S1-pattern detectors, keyed by {@link LayerActivations#layer()}. */
        public Builder layer(LayerActivations activations) {
            checkSamples(activations);
            float[] v = activations.values();
            for (int k = 0; k < v.length; k++) {
                if (Float.isNaN(v[k])) {
                    throw new OodException("activation " + k % activations.units() + " of sample "
                            + k / activations.units() + " in layer " + activations.layer() + " is NaN; S1 patterns "
                            + "need numbers: check the model's output for that sample");
                }
            }
            layers.put(activations.layer(), activations);
            return this;
        }

        /** Whether activations of the named layer were added. */
        public boolean hasLayer(String layer) {
            return layers.containsKey(layer);
        }

        /** True labels (copied); required to fit the class-conditional detectors. */
        public Builder labels(int[] labels) {
            if (labels.length != samples) {
                throw new OodException("expected " + samples + " labels (one per sample), got " + labels.length);
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0) {
                    throw new OodException(
                            "label of sample " + i + " is " + labels[i] + "; labels are class indices" + " >= 0");
                }
            }
            this.labels = labels.clone();
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws OodException if a logit or feature is NaN or infinite (naming the sample), or a label is not below
         *                      the logits' width
         */
        public DetectorInput build() {
            checkFinite("logit", logits, classes);
            checkFinite("feature", features, featureDim);
            if (labels != null && logits != null) {
                for (int i = 0; i < samples; i++) {
                    if (labels[i] >= classes) {
                        throw new OodException("label of sample " + i + " is " + labels[i] + " but the logits have"
                                + " only " + classes + " classes; labels must lie in [0, " + classes + ")");
                    }
                }
            }
            return new DetectorInput(this);
        }

        private float[] checkMatrix(String what, float[] rowMajor, int width) {
            if (width <= 0) {
                throw new OodException(what + " need a positive width, got " + width);
            }
            if (rowMajor.length != (long) samples * width) {
                throw new OodException("expected " + samples + " x " + width + " = " + (long) samples * width + " "
                        + what + ", got " + rowMajor.length + " values");
            }
            return rowMajor;
        }

        private float[] flatten(String what, float[][] rows) {
            if (rows.length != samples) {
                throw new OodException("expected " + samples + " rows of " + what + ", got " + rows.length);
            }
            int width = rows[0].length;
            float[] flat = new float[samples * width];
            for (int i = 0; i < samples; i++) {
                if (rows[i].length != width) {
                    throw new OodException(what + " row " + i + " has " + rows[i].length + " values, row 0 has " + width
                            + "; every row must have the same width");
                }
                System.arraycopy(rows[i], 0, flat, i * width, width);
            }
            return flat;
        }

        private void checkSamples(LayerActivations a) {
            if (a.samples() != samples) {
                throw new OodException(
                        "layer " + a.layer() + " holds " + a.samples() + " samples, the input has " + samples);
            }
        }

        private void checkFinite(String what, float[] values, int width) {
            if (values == null) {
                return;
            }
            for (int k = 0; k < values.length; k++) {
                if (!Float.isFinite(values[k])) {
                    throw new OodException(what + " " + k % width + " of sample " + k / width + " is " + values[k]
                            + ": detectors need finite " + what
                            + "s; check the model's output for that sample, or leave"
                            + " such samples out (--non-finite skip, NonFinitePolicy.SKIP)");
                }
            }
        }
    }
}
