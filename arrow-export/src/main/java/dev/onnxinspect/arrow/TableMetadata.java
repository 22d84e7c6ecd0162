package dev.onnxinspect.arrow;

import dev.onnxinspect.inspect.ClassSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What every table's schema metadata records (SPEC §12): library version, model file name and SHA-256, the layer
 * names, the significance definitions with their parameters (tau, eps, alpha, bins), the score convention and the
 * class source. Immutable; made by {@link #builder(String, String, ClassSource)}.
 *
 * <p>Schema metadata keys (all values are strings): {@code table}, {@code library_version}, {@code model_file},
 * {@code model_sha256}, {@code layers} (a JSON array of strings), {@code significance_s1},
 * {@code significance_s2}, {@code tau}, {@code eps}, {@code alpha}, {@code bins}, {@code score_convention}
 * ({@value #SCORE_CONVENTION}), {@code class_source} ({@code label} or {@code predicted}), and one
 * {@code param.<key>} per extra parameter. Doubles are written with {@link Double#toString(double)}, which reads
 * back to the same double.
 *
 * @param libraryVersion onnx-inspect's version (defaults to the running library's)
 * @param modelFileName  the model's file name (no directory), e.g. {@code mlp.onnx}
 * @param modelSha256    the SHA-256 of the model file, 64 lowercase hex digits
 * @param layerNames     the instrumented layers, in model order
 * @param tau            S1 threshold (SPEC §1, default 0)
 * @param eps            S2 ratio (SPEC §1, default 1000)
 * @param alpha          KL smoothing (SPEC §4, default 1e-6)
 * @param bins           frequency histogram bins B (SPEC §2, default 100)
 * @param classSource    whether classes are true labels or predictions (SPEC §2)
 * @param parameters     further run parameters, written as {@code param.<key>}, sorted by key
 */
public record TableMetadata(
        String libraryVersion,
        String modelFileName,
        String modelSha256,
        List<String> layerNames,
        double tau,
        double eps,
        double alpha,
        int bins,
        ClassSource classSource,
        Map<String, String> parameters) {
    /** SPEC §5: every score follows this sign convention. */
    public static final String SCORE_CONVENTION = "higher = more OOD";

    static final String S1_DEFINITION = "s1(a)_j = 1 if a_j > tau, else 0 (SPEC §1)";
    static final String S2_DEFINITION = "s2(a)_j = 1 for the k largest activations, k the smallest rank with"
            + " a_(k) > 0 and a_(k) / a_(k+1) > eps, ties at the cut included (SPEC §1)";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public TableMetadata {
        requireText(libraryVersion, "libraryVersion");
        requireText(modelFileName, "modelFileName");
        if (modelFileName.contains("/") || modelFileName.contains("\\")) {
            throw new ArrowExportException("modelFileName must be a file name without directories, got '"
                    + modelFileName + "'; pass path.getFileName().toString()");
        }
        if (modelSha256 == null || !SHA256.matcher(modelSha256).matches()) {
            throw new ArrowExportException("modelSha256 must be 64 lowercase hex digits, got '" + modelSha256
                    + "'; compute it with dev.onnxinspect.io.Sha256.of(modelPath)");
        }
        layerNames = List.copyOf(layerNames);
        if (Double.isNaN(tau) || Double.isInfinite(tau)) {
            throw new ArrowExportException("tau must be finite, got " + tau);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new ArrowExportException("eps must be positive and finite, got " + eps);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new ArrowExportException("alpha must be positive and finite, got " + alpha);
        }
        if (bins < 1) {
            throw new ArrowExportException("bins must be at least 1, got " + bins);
        }
        if (classSource == null) {
            throw new ArrowExportException("classSource must be LABEL or PREDICTED, got null");
        }
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            requireText(e.getKey(), "parameter key");
            if (e.getValue() == null) {
                throw new ArrowExportException("parameter '" + e.getKey() + "' has a null value; give a string");
            }
        }
        parameters = Collections.unmodifiableMap(new TreeMap<>(parameters));
    }

    /** Builder with the required values up front and the SPEC defaults for the rest. */
    public static Builder builder(String modelFileName, String modelSha256, ClassSource classSource) {
        return new Builder(modelFileName, modelSha256, classSource);
    }

    /** The value of the {@code class_source} schema metadata key: {@code label} or {@code predicted}. */
    public static String classSourceValue(ClassSource classSource) {
        return switch (classSource) {
            case LABEL -> "label";
            case PREDICTED -> "predicted";
        };
    }

    /** The schema metadata of one table, keys as in the class Javadoc, in a fixed order. */
    public Map<String, String> toSchemaMetadata(String table) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("table", table);
        out.put("library_version", libraryVersion);
        out.put("model_file", modelFileName);
        out.put("model_sha256", modelSha256);
        out.put("layers", Json.stringList(layerNames));
        out.put("significance_s1", S1_DEFINITION);
        out.put("significance_s2", S2_DEFINITION);
        out.put("tau", Double.toString(tau));
        out.put("eps", Double.toString(eps));
        out.put("alpha", Double.toString(alpha));
        out.put("bins", Integer.toString(bins));
        out.put("score_convention", SCORE_CONVENTION);
        out.put("class_source", classSourceValue(classSource));
        parameters.forEach((k, v) -> out.put("param." + k, v));
        return out;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new ArrowExportException(
                    what + " must be a non-empty string, got " + (value == null ? "null" : "'" + value + "'"));
        }
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder {
        private final String modelFileName;
        private final String modelSha256;
        private final ClassSource classSource;
        private String libraryVersion = LibraryVersion.get();
        private List<String> layerNames = List.of();
        private double tau = 0.0;
        private double eps = 1000.0;
        private double alpha = 1e-6;
        private int bins = 100;
        private final Map<String, String> parameters = new LinkedHashMap<>();

        private Builder(String modelFileName, String modelSha256, ClassSource classSource) {
            this.modelFileName = modelFileName;
            this.modelSha256 = modelSha256;
            this.classSource = classSource;
        }

        public Builder libraryVersion(String libraryVersion) {
            this.libraryVersion = libraryVersion;
            return this;
        }

        public Builder layerNames(List<String> layerNames) {
            this.layerNames = List.copyOf(layerNames);
            return this;
        }

        public Builder tau(double tau) {
            this.tau = tau;
            return this;
        }

        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        public Builder bins(int bins) {
            this.bins = bins;
            return this;
        }

        /** Adds a run parameter, written as {@code param.<key>}; a later value for the same key replaces it. */
        public Builder parameter(String key, String value) {
            parameters.put(key, value);
            return this;
        }

        public TableMetadata build() {
            return new TableMetadata(
                    libraryVersion,
                    modelFileName,
                    modelSha256,
                    layerNames,
                    tau,
                    eps,
                    alpha,
                    bins,
                    classSource,
                    parameters);
        }
    }
}
