package dev.onnxinspect.samples.studies;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.dynamics.EarlyToMidRatio;
import dev.onnxinspect.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the path study keeps of one trained model of its population: its final accuracies and the early-to-mid ratios
 * (SPEC §9) of its last hidden layer. Written to {@code <id>.result} when the model is finished (atomically: a
 * temporary name, then a rename) and read back instead of retraining the model when the study is run again.
 *
 * @param id                the model's {@link PathModelSpec#id()}
 * @param settings          the spec and run settings the figures were measured with; a stored result is used only
 *                          when they equal the current run's
 * @param realisedNoise     the fraction of training labels the corruption changed
 * @param epochs            the last finished epoch
 * @param trainAccuracy     final accuracy on the (corrupted) training labels
 * @param testAccuracy      final accuracy on the clean test set
 * @param patternRatio      the early-to-mid ratio of the cross-pattern similarity
 * @param activationRatio   the early-to-mid ratio of the cross-activation similarity
 * @param patternEarly      the early mean of the cross-pattern similarity (numerator of {@code patternRatio})
 * @param patternMiddle     its middle mean
 * @param seconds           wall time of training and path analysis
 */
public record PathModelResult(
        String id,
        String settings,
        double realisedNoise,
        int epochs,
        double trainAccuracy,
        double testAccuracy,
        double patternRatio,
        double activationRatio,
        double patternEarly,
        double patternMiddle,
        double seconds) {
    static final String FORMAT = "onnx-inspect paths-model-result 1";
    static final String SUFFIX = ".result";

    /** The result of a model from its ratios. */
    static PathModelResult of(
            PathModelSpec spec,
            String settings,
            double realisedNoise,
            int epochs,
            double trainAccuracy,
            double testAccuracy,
            EarlyToMidRatio pattern,
            EarlyToMidRatio activation,
            double seconds) {
        return new PathModelResult(
                spec.id(),
                settings,
                realisedNoise,
                epochs,
                trainAccuracy,
                testAccuracy,
                pattern.ratio(),
                activation.ratio(),
                pattern.earlyMean(),
                pattern.middleMean(),
                seconds);
    }

    /** 1 - test accuracy, on the clean test set. */
    public double testError() {
        return 1 - testAccuracy;
    }

    /** Train accuracy (on the labels trained on) minus test accuracy. */
    public double generalisationGap() {
        return trainAccuracy - testAccuracy;
    }

    /** The file of model {@code id} in {@code directory}. */
    static Path file(Path directory, String id) {
        return directory.resolve(id + SUFFIX);
    }

    /** Writes this result to {@link #file} atomically (no partial file is ever left under the final name). */
    void write(Path directory) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("format", FORMAT);
        values.put("id", id);
        values.put("settings", settings);
        values.put("realised_noise", Double.toString(realisedNoise));
        values.put("epochs", Integer.toString(epochs));
        values.put("train_accuracy", Double.toString(trainAccuracy));
        values.put("test_accuracy", Double.toString(testAccuracy));
        values.put("pattern_ratio", Double.toString(patternRatio));
        values.put("activation_ratio", Double.toString(activationRatio));
        values.put("pattern_early", Double.toString(patternEarly));
        values.put("pattern_middle", Double.toString(patternMiddle));
        values.put("seconds", Double.toString(seconds));
        StringBuilder text = new StringBuilder();
        values.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.createDirectories(directory);
        AtomicFiles.write(file(directory, id), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the result of model {@code id} from {@code directory}.
     *
     * @throws OnnxInspectException when the file is not a result of this format, of another model, or of other
     *                              settings (the message says to delete it or choose another output directory)
     * @throws IOException          when it cannot be read
     */
    static PathModelResult read(Path directory, String id, String expectedSettings) throws IOException {
        Path file = file(directory, id);
        Map<String, String> values = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (!FORMAT.equals(values.get("format")) || !id.equals(values.get("id"))) {
            throw new OnnxInspectException(
                    "stored result " + file + " is not a result of model " + id + " (expected the line 'format="
                            + FORMAT + "' and 'id=" + id + "'); delete it to retrain the model");
        }
        if (!expectedSettings.equals(values.get("settings"))) {
            throw new OnnxInspectException("stored result " + file + " was measured with other settings ("
                    + values.get("settings") + ") than this run (" + expectedSettings + "); choose another output"
                    + " directory or delete the stored results to retrain");
        }
        try {
            return new PathModelResult(
                    id,
                    expectedSettings,
                    number(values, "realised_noise"),
                    (int) number(values, "epochs"),
                    number(values, "train_accuracy"),
                    number(values, "test_accuracy"),
                    number(values, "pattern_ratio"),
                    number(values, "activation_ratio"),
                    number(values, "pattern_early"),
                    number(values, "pattern_middle"),
                    number(values, "seconds"));
        } catch (RuntimeException e) {
            throw new OnnxInspectException(
                    Kind.INVALID_INPUT,
                    "stored result " + file + " is damaged (" + e.getMessage() + "); delete it to retrain the model",
                    e);
        }
    }

    private static double number(Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no " + key);
        }
        return Double.parseDouble(v);
    }
}
