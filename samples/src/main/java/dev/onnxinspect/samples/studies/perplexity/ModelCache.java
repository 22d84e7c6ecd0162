package dev.onnxinspect.samples.studies.perplexity;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxExporter;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the grid's models, or loads them when an earlier run (perhaps interrupted) already finished them: per model a
 * directory {@code <root>/<id>/} with {@value #UNTRAINED} (the initialisation, epoch 0), {@value #TRAINED} (the last
 * epoch) and {@value #DONE}, the training's outcome. Each file is written atomically and {@value #DONE} last, so a
 * directory without it is an unfinished model and is trained again. A finished model whose recorded configuration
 * differs from the one asked for (other epochs, samples or seed) is trained again too, and overwritten.
 */
final class ModelCache {
    static final String UNTRAINED = "untrained.onnx";
    static final String TRAINED = "trained.onnx";
    static final String DONE = "training.properties";

    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    private final Path root;
    private final TrainingData train;
    private final TrainingData test;
    private final TrainingConfig config;

    /**
     * @param root   the directory holding one directory per model (created when missing)
     * @param train  the training data of every model
     * @param test   the test data of the training history
     * @param config the training configuration of every model
     */
    ModelCache(Path root, TrainingData train, TrainingData test, TrainingConfig config) {
        this.root = root;
        this.train = train;
        this.test = test;
        this.config = config;
    }

    /** A model's two ONNX exports and its training outcome. */
    record Pair(
            GridModel model,
            byte[] untrained,
            byte[] trained,
            double trainAccuracy,
            double testAccuracy,
            double trainSeconds,
            boolean cached) {
        Pair {
            untrained = untrained.clone();
            trained = trained.clone();
        }

        @Override
        public byte[] untrained() {
            return untrained.clone();
        }

        @Override
        public byte[] trained() {
            return trained.clone();
        }
    }

    /** The model's pair: loaded when finished earlier with this configuration, else trained and saved. */
    Pair obtain(GridModel model) throws IOException {
        Path dir = root.resolve(model.id());
        Map<String, String> expected = configuration(model);
        Path done = dir.resolve(DONE);
        if (Files.isRegularFile(done)) {
            Map<String, String> recorded = read(done);
            if (recorded.entrySet().containsAll(expected.entrySet())) {
                LOG.info("{}: finished earlier, loading {}", model.id(), dir);
                return new Pair(
                        model,
                        Files.readAllBytes(dir.resolve(UNTRAINED)),
                        Files.readAllBytes(dir.resolve(TRAINED)),
                        number(recorded, "train_accuracy", done),
                        number(recorded, "test_accuracy", done),
                        number(recorded, "train_seconds", done),
                        true);
            }
            LOG.warn("{}: {} records another configuration than {}; training again", model.id(), done, expected);
        }
        long start = System.nanoTime();
        TrainingRun run = Trainer.train(model.architecture(), train, test, config, EpochListener.NONE);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (run.lastEpoch() != config.epochs()) {
            throw new OnnxInspectException("training " + model.id() + " stopped after epoch " + run.lastEpoch() + " of "
                    + config.epochs() + " (" + run.stopReason() + "); rerun the study to train it again");
        }
        byte[] untrained = OnnxExporter.exportBytes(model.architecture(), run.parameters(0), ExportOptions.DEFAULTS);
        byte[] trained = OnnxExporter.exportBytes(model.architecture(), run.finalParameters(), ExportOptions.DEFAULTS);
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(UNTRAINED), untrained);
        AtomicFiles.write(dir.resolve(TRAINED), trained);
        Map<String, String> outcome = new TreeMap<>(expected);
        outcome.put("train_accuracy", Double.toString(run.finalRecord().trainAccuracy()));
        outcome.put("test_accuracy", Double.toString(run.finalRecord().testAccuracy()));
        outcome.put("train_seconds", String.format(Locale.ROOT, "%.1f", seconds));
        AtomicFiles.write(done, properties(outcome));
        LOG.info(
                "{}: trained in {} s, train accuracy {}, test accuracy {}",
                model.id(),
                String.format(Locale.ROOT, "%.1f", seconds),
                run.finalRecord().trainAccuracy(),
                run.finalRecord().testAccuracy());
        return new Pair(
                model,
                untrained,
                trained,
                run.finalRecord().trainAccuracy(),
                run.finalRecord().testAccuracy(),
                seconds,
                false);
    }

    /** What a cached model must have been trained with to be reused. */
    private Map<String, String> configuration(GridModel model) {
        Map<String, String> c = new TreeMap<>();
        c.put("model", model.id());
        model.architecture().describe().forEach((k, v) -> c.put("architecture." + k, v));
        config.describe().forEach((k, v) -> c.put("training." + k, v));
        c.put("train_samples", Integer.toString(train.size()));
        c.put("test_samples", Integer.toString(test.size()));
        return c;
    }

    private static Map<String, String> read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    private static double number(Map<String, String> recorded, String key, Path file) {
        String value = recorded.get(key);
        try {
            return Double.parseDouble(value == null ? "" : value);
        } catch (NumberFormatException e) {
            throw new OnnxInspectException(file + ": " + key + " is '" + value + "', not a number; delete the model's"
                    + " directory to train it again");
        }
    }

    private static byte[] properties(Map<String, String> values) throws IOException {
        Properties p = new Properties();
        p.putAll(values);
        StringWriter w = new StringWriter();
        p.store(w, "one model of the perplexity-nodes study; delete the directory to train it again");
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }
}
