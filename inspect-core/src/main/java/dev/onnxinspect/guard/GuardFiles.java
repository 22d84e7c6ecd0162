package dev.onnxinspect.guard;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.io.InputFiles;
import dev.onnxinspect.io.OutputPaths;
import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.ood.DetectorSuite;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A saved guard: a directory with {@value #DETECTORS} (the fitted detectors, {@link DetectorSuite#save}, tied to the
 * model's SHA-256) and {@value #PROPERTIES} (format version, the model's and the detector file's SHA-256, the layout
 * (without {@code feature_layer} when the model has no features), the model's inputs ({@code input.i.name},
 * {@code .type}, {@code .shape} with -1 for free dimensions, {@code .fit_shape}), the primary detector and the
 * thresholds, doubles written so that they read back bit for bit) and, from format 3, {@value #CALIBRATION} (every
 * detector's sorted calibration scores for the SPEC §6b p-values, see {@link #writeCalibration}) with its SHA-256,
 * whether it was held out and the target false-alarm rate in the properties. Each file is written to a temporary
 * name and renamed; the properties file is written last and names the other files' hashes, so a crash between them
 * is detected on load instead of pairing new detectors with old thresholds.
 */
final class GuardFiles {
    private static final Logger LOG = LoggerFactory.getLogger(GuardFiles.class);
    static final String PROPERTIES = "guard.properties";
    static final String DETECTORS = "detectors.bin";
    static final String CALIBRATION = "calibration.bin";
    /**
     * Choice: version 2 adds the inputs (names, element types, shapes) of models with several or non-float inputs;
     * version 3 the calibration scores (p-values) and the target false-alarm rate. Versions 1 and 2 are still read
     * (version 1: one float32 input, {@code sample_shape}, the model's only input); such a guard decides by its
     * thresholds and gives no p-values (a warning says to fit it again).
     */
    static final int FORMAT_VERSION = 3;

    private static final int CALIBRATION_MAGIC = 0x4F494341; // "OICA"
    private static final int CALIBRATION_VERSION = 1;

    private GuardFiles() {}

    /** Everything a guard needs besides the model. */
    record Saved(
            String modelSha256,
            GuardLayout layout,
            String primary,
            Thresholds thresholds,
            CalibrationScores calibration,
            double falseAlarmRate,
            DetectorSuite suite) {}

    static void save(Path dir, Saved s) throws IOException {
        OutputPaths.directory(dir);
        Path detectors = dir.resolve(DETECTORS);
        s.suite().save(detectors, s.modelSha256());
        Properties p = new Properties();
        p.setProperty("format", Integer.toString(FORMAT_VERSION));
        p.setProperty("model_sha256", s.modelSha256());
        p.setProperty("detectors_sha256", Sha256.of(detectors));
        if (s.calibration() != null) {
            Path calibration = dir.resolve(CALIBRATION);
            writeCalibration(calibration, s.calibration());
            p.setProperty("calibration_sha256", Sha256.of(calibration));
            p.setProperty(
                    "calibration_held_out", Boolean.toString(s.calibration().heldOut()));
        }
        p.setProperty("false_alarm_rate", Double.toString(s.falseAlarmRate()));
        GuardLayout l = s.layout();
        p.setProperty("logits_output", l.logitsOutput());
        if (l.featureLayer() != null) {
            p.setProperty("feature_layer", l.featureLayer());
        }
        putList(p, "pattern_layer", l.patternLayers());
        p.setProperty("input.count", Integer.toString(l.inputs().size()));
        for (int i = 0; i < l.inputs().size(); i++) {
            GuardInput in = l.inputs().get(i);
            p.setProperty("input." + i + ".name", in.name());
            p.setProperty("input." + i + ".type", in.type().name());
            p.setProperty("input." + i + ".shape", join(in.sampleShape()));
            p.setProperty("input." + i + ".fit_shape", join(in.fitShape()));
        }
        p.setProperty("classes", Integer.toString(l.classes()));
        p.setProperty("primary_detector", s.primary());
        Thresholds t = s.thresholds();
        p.setProperty("target_tpr", Double.toString(t.targetTpr()));
        p.setProperty("calibration_set", t.calibrationSet());
        p.setProperty("calibration_samples", Long.toString(t.calibrationSamples()));
        putList(p, "detector", new ArrayList<>(t.values().keySet()));
        List<String> names = new ArrayList<>(t.values().keySet());
        for (int i = 0; i < names.size(); i++) {
            p.setProperty("threshold." + i, Double.toString(t.values().get(names.get(i))));
        }
        Path target = dir.resolve(PROPERTIES).toAbsolutePath();
        AtomicFiles.write(target, out -> {
            try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                p.store(w, "onnx-inspect OOD guard (SPEC §5 detectors, §6 fpr95_id thresholds, §6b p-values)");
            }
        });
    }

    /**
     * Reads a saved guard.
     *
     * @param modelInputs the model's graph inputs (for a version 1 file, whose one input has no saved name)
     */
    static Saved load(Path dir, String modelSha256, List<ValueInfo> modelInputs) throws IOException {
        if (Files.exists(dir)) {
            // a file, a FIFO or an unreadable directory: the reason in words (a missing one: "no saved guard" below)
            InputFiles.require(dir, "the guard directory", InputFiles.Expect.DIRECTORY, GuardException::new);
        }
        Path file = dir.resolve(PROPERTIES);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new GuardException(
                    Kind.IO,
                    "no saved guard in " + dir + ": " + PROPERTIES + " is missing; save one" + " with OodGuard#save",
                    e);
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new GuardException(
                    file + " is not a properties file (" + e + "); it is damaged or not"
                            + " a guard file: save the guard again",
                    e);
        }
        int format;
        try {
            format = Integer.parseInt(require(p, file, "format"));
        } catch (NumberFormatException e) {
            throw new GuardException(
                    file + " holds the format version '" + p.getProperty("format") + "', not a"
                            + " number; it is damaged or not a guard file: save the guard again",
                    e);
        }
        if (format < 1 || format > FORMAT_VERSION) {
            throw new GuardException(
                    Kind.UNSUPPORTED,
                    file + " has guard format version " + format + "; this library" + " reads versions 1 to "
                            + FORMAT_VERSION + ". Fit and save the guard again with this version");
        }
        String savedSha = require(p, file, "model_sha256");
        if (!savedSha.equalsIgnoreCase(modelSha256)) {
            throw new GuardException("the guard in " + dir + " was fitted for the model with SHA-256 " + savedSha
                    + ", but the model given has SHA-256 " + modelSha256 + "; load it with the model it was fitted"
                    + " for, or fit a new guard on this model");
        }
        Path detectors = dir.resolve(DETECTORS);
        if (!Files.isRegularFile(detectors)) {
            throw new GuardException(
                    "the guard in " + dir + " lacks its detector file " + DETECTORS + "; save the" + " guard again");
        }
        String detectorsSha = Sha256.of(detectors);
        if (!detectorsSha.equalsIgnoreCase(require(p, file, "detectors_sha256"))) {
            throw new GuardException(detectors + " does not match " + file + " (SHA-256 " + detectorsSha + ", the"
                    + " properties name " + p.getProperty("detectors_sha256") + "): the directory holds parts of two"
                    + " different saves; save the guard again");
        }
        DetectorSuite suite = DetectorSuite.load(detectors, modelSha256);
        try {
            GuardLayout layout = new GuardLayout(
                    require(p, file, "logits_output"),
                    p.getProperty("feature_layer"),
                    getList(p, file, "pattern_layer"),
                    format == 1 ? version1Input(p, file, modelInputs) : inputs(p, file),
                    Integer.parseInt(require(p, file, "classes")));
            List<String> names = getList(p, file, "detector");
            Map<String, Double> values = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                values.put(names.get(i), Double.parseDouble(require(p, file, "threshold." + i)));
            }
            if (!names.equals(suite.names())) {
                throw new GuardException(file + " has thresholds for " + names + " but " + DETECTORS + " holds "
                        + suite.names() + "; save the guard again");
            }
            Thresholds thresholds = new Thresholds(
                    Double.parseDouble(require(p, file, "target_tpr")),
                    require(p, file, "calibration_set"),
                    Long.parseLong(require(p, file, "calibration_samples")),
                    values);
            CalibrationScores calibration = null;
            double falseAlarmRate = 0;
            if (format >= 3) {
                calibration = readCalibration(dir, p, file, thresholds.calibrationSet());
                if (!calibration.sorted().keySet().equals(values.keySet())
                        || calibration.samples() != thresholds.calibrationSamples()) {
                    throw new GuardException(dir.resolve(CALIBRATION) + " holds " + calibration.samples()
                            + " scores of " + calibration.sorted().keySet() + " but " + file + " names "
                            + thresholds.calibrationSamples() + " of " + names + "; save the guard again");
                }
                falseAlarmRate = Double.parseDouble(require(p, file, "false_alarm_rate"));
            } else {
                LOG.warn(
                        "{} is a guard of format {}, saved without calibration scores: its verdicts carry no"
                                + " p-values (SPEC §6b); fit and save it again to get them",
                        dir,
                        format);
            }
            return new Saved(
                    savedSha,
                    layout,
                    require(p, file, "primary_detector"),
                    thresholds,
                    calibration,
                    falseAlarmRate,
                    suite);
        } catch (NumberFormatException e) {
            throw new GuardException(
                    file + " holds a malformed number (" + e.getMessage() + "); save the guard again", e);
        }
    }

    /**
     * Writes the calibration scores: int magic "OICA", int version 1, int detectors, int n, then per detector its
     * name (modified UTF-8) and its n sorted scores as float64 bits, big-endian; written atomically.
     */
    static void writeCalibration(Path target, CalibrationScores c) throws IOException {
        AtomicFiles.write(target.toAbsolutePath(), out -> {
            DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
            data.writeInt(CALIBRATION_MAGIC);
            data.writeInt(CALIBRATION_VERSION);
            Map<String, double[]> sorted = c.sorted();
            data.writeInt(sorted.size());
            data.writeInt(c.samples());
            for (Map.Entry<String, double[]> e : sorted.entrySet()) {
                data.writeUTF(e.getKey());
                for (double v : e.getValue()) {
                    data.writeDouble(v);
                }
            }
            data.flush();
        });
    }

    private static CalibrationScores readCalibration(Path dir, Properties p, Path file, String calibrationSet)
            throws IOException {
        Path path = dir.resolve(CALIBRATION);
        if (!Files.isRegularFile(path)) {
            throw new GuardException(
                    "the guard in " + dir + " lacks its calibration file " + CALIBRATION + "; save the guard again");
        }
        String sha = Sha256.of(path);
        if (!sha.equalsIgnoreCase(require(p, file, "calibration_sha256"))) {
            throw new GuardException(path + " does not match " + file + " (SHA-256 " + sha + ", the properties name "
                    + p.getProperty("calibration_sha256") + "): the directory holds parts of two different saves;"
                    + " save the guard again");
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path)))) {
            if (in.readInt() != CALIBRATION_MAGIC || in.readInt() != CALIBRATION_VERSION) {
                throw new GuardException(path + " is not a calibration file of version " + CALIBRATION_VERSION
                        + "; save the guard again");
            }
            int detectors = in.readInt();
            int n = in.readInt();
            if (detectors < 1 || n < 1 || (long) detectors * n * Double.BYTES > Files.size(path)) {
                throw new GuardException(path + " claims " + detectors + " detectors of " + n + " scores, more than"
                        + " it holds; it is damaged: save the guard again");
            }
            Map<String, double[]> sorted = new LinkedHashMap<>();
            for (int d = 0; d < detectors; d++) {
                String name = in.readUTF();
                double[] c = new double[n];
                for (int i = 0; i < n; i++) {
                    c[i] = in.readDouble();
                }
                sorted.put(name, c);
            }
            return new CalibrationScores(
                    calibrationSet, Boolean.parseBoolean(require(p, file, "calibration_held_out")), sorted);
        } catch (EOFException e) {
            throw new GuardException(path + " ends early; it is damaged: save the guard again", e);
        }
    }

    private static List<GuardInput> inputs(Properties p, Path file) {
        int n = Integer.parseInt(require(p, file, "input.count"));
        List<GuardInput> inputs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String type = require(p, file, "input." + i + ".type");
            ElementType element;
            try {
                element = ElementType.valueOf(type);
            } catch (IllegalArgumentException e) {
                throw new GuardException(
                        file + " names the element type '" + type + "' for input " + i + "; it is"
                                + " damaged: save the guard again",
                        e);
            }
            inputs.add(new GuardInput(
                    require(p, file, "input." + i + ".name"),
                    element,
                    split(require(p, file, "input." + i + ".shape")),
                    split(require(p, file, "input." + i + ".fit_shape"))));
        }
        return inputs;
    }

    /** A version 1 file: one float32 input of {@code sample_shape}, the model's only input. */
    private static List<GuardInput> version1Input(Properties p, Path file, List<ValueInfo> modelInputs) {
        long[] fitShape = split(require(p, file, "sample_shape"));
        if (modelInputs.size() != 1) {
            throw new GuardException(file + " is a version 1 guard (one input) but the model has inputs "
                    + modelInputs.stream().map(ValueInfo::name).toList() + "; fit and save the guard again");
        }
        ValueInfo in = modelInputs.get(0);
        long[] shape = fitShape.clone();
        if (in.shape().rankKnown() && in.shape().rank() == fitShape.length + 1) {
            for (int d = 0; d < fitShape.length; d++) {
                shape[d] = in.shape().dims().get(d + 1) instanceof Dim.Fixed f ? f.size() : -1;
            }
        }
        return List.of(new GuardInput(in.name(), ElementType.FLOAT, shape, fitShape));
    }

    private static String require(Properties p, Path file, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new GuardException(file + " lacks the entry '" + key + "'; it is damaged or not a guard file:"
                    + " save the guard again");
        }
        return value;
    }

    private static void putList(Properties p, String key, List<String> values) {
        p.setProperty(key + ".count", Integer.toString(values.size()));
        for (int i = 0; i < values.size(); i++) {
            p.setProperty(key + "." + i + ".name", values.get(i));
        }
    }

    private static List<String> getList(Properties p, Path file, String key) {
        int n = Integer.parseInt(require(p, file, key + ".count"));
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(require(p, file, key + "." + i + ".name"));
        }
        return values;
    }

    private static String join(long[] values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            out.append(i == 0 ? "" : ",").append(values[i]);
        }
        return out.toString();
    }

    private static long[] split(String text) {
        if (text.isBlank()) {
            return new long[0];
        }
        String[] parts = text.split(",");
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Long.parseLong(parts[i].trim());
        }
        return values;
    }
}
