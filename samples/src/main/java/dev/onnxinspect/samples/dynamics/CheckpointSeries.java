package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxExporter;
import dev.onnxinspect.trainers.model.ModelParameters;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoints t = 0..T of one model, in increasing step order (SPEC §9, §10), loaded one at a time so that a
 * {@link DynamicsAnalysis} holds at most the current checkpoint's model (the accumulators keep checkpoint t-1's
 * activations). Immutable; each {@link #load(int)} reads or exports the model afresh.
 *
 * <p>Two sources: a run directory of ONNX files named {@code checkpoint-<t>.onnx} (as the trainers'
 * {@link dev.onnxinspect.trainers.export.OnnxCheckpointWriter} writes them during training), or in-memory
 * {@link ModelParameters} of one {@link Architecture}, exported with {@link OnnxExporter} when loaded.
 * Choice: {@code epoch-<t>.onnx} is accepted too, and t may have any number of digits.
 */
public final class CheckpointSeries {
    /** The file name pattern of a checkpoint in a run directory; group 1 is the step. */
    public static final Pattern FILE_NAME = Pattern.compile("(?:checkpoint|epoch)-(\\d+)\\.onnx");

    private final String description;
    private final List<Integer> steps;
    private final IntFunction<Checkpoint> loader;
    /** theta_t per layer straight from the parameters, or null to read it from the loaded checkpoint. */
    private final IntFunction<Map<String, float[]>> parameterWeights;

    private CheckpointSeries(
            String description,
            List<Integer> steps,
            IntFunction<Checkpoint> loader,
            IntFunction<Map<String, float[]>> parameterWeights) {
        this.description = description;
        this.steps = List.copyOf(steps);
        this.loader = loader;
        this.parameterWeights = parameterWeights;
    }

    /**
     * The checkpoints {@code checkpoint-<t>.onnx} (or {@code epoch-<t>.onnx}) in {@code directory}, ordered by t;
     * other files are ignored.
     *
     * @throws DynamicsException when the directory cannot be listed, holds no checkpoint, or two files name the
     *                           same step (e.g. {@code checkpoint-1.onnx} and {@code checkpoint-001.onnx})
     */
    public static CheckpointSeries fromDirectory(Path directory) {
        var files = new ArrayList<Path>();
        var steps = new ArrayList<Integer>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                Matcher m = FILE_NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new DynamicsException(
                    Kind.IO,
                    "cannot list checkpoint directory " + directory + ": " + e.getMessage()
                            + "; give the directory the checkpoints checkpoint-<t>.onnx were written to",
                    e);
        }
        files.sort(Comparator.comparingInt(CheckpointSeries::stepOf));
        for (Path p : files) {
            int step = stepOf(p);
            if (!steps.isEmpty() && steps.get(steps.size() - 1) == step) {
                throw new DynamicsException(
                        "two checkpoint files in " + directory + " have step " + step + "; keep one file per step");
            }
            steps.add(step);
        }
        if (files.isEmpty()) {
            throw new DynamicsException("no checkpoint in " + directory + ": expected files named checkpoint-<t>.onnx"
                    + " (e.g. checkpoint-000.onnx for the initial weights, as OnnxCheckpointWriter writes them)");
        }
        List<Path> ordered = List.copyOf(files);
        return new CheckpointSeries(
                directory.toString(), steps, index -> read(ordered.get(index), steps.get(index)), null);
    }

    /**
     * In-memory checkpoints of {@code architecture}: checkpoint t is {@code parameters.get(t)}, exported (instrumented,
     * every hidden activation an output) when loaded, named {@code <kind>-checkpoint-<ttt>.onnx}. Its weights
     * (SPEC §10) are the parameters' raw trainable tensors ({@link CheckpointWeights#perLayer(ModelParameters)}), the
     * same theta as the trainer's training history, also for an IOC network whose export holds exp(w - 5).
     *
     * @throws DynamicsException when the list is empty
     */
    public static CheckpointSeries fromParameters(Architecture architecture, List<ModelParameters> parameters) {
        if (architecture == null || parameters == null || parameters.isEmpty()) {
            throw new DynamicsException("an in-memory checkpoint series needs an architecture and at least one set"
                    + " of parameters (checkpoint 0 = the initial weights)");
        }
        List<ModelParameters> copy = List.copyOf(parameters);
        var steps = new ArrayList<Integer>();
        for (int t = 0; t < copy.size(); t++) {
            steps.add(t);
        }
        return new CheckpointSeries(
                architecture.kind() + " in memory",
                steps,
                t -> new Checkpoint(
                        t,
                        String.format(Locale.ROOT, "%s-checkpoint-%03d.onnx", architecture.kind(), t),
                        OnnxExporter.exportBytes(architecture, copy.get(t), ExportOptions.DEFAULTS)),
                t -> CheckpointWeights.perLayer(copy.get(t)));
    }

    /**
     * Checkpoints held as ready serialised models (e.g. built by hand in a test).
     *
     * @throws DynamicsException when the list is empty or the steps do not increase
     */
    public static CheckpointSeries of(List<Checkpoint> checkpoints) {
        if (checkpoints == null || checkpoints.isEmpty()) {
            throw new DynamicsException("a checkpoint series needs at least one checkpoint");
        }
        List<Checkpoint> copy = List.copyOf(checkpoints);
        var steps = new ArrayList<Integer>();
        for (Checkpoint c : copy) {
            if (!steps.isEmpty() && c.step() <= steps.get(steps.size() - 1)) {
                throw new DynamicsException("checkpoint steps must increase, got " + c.step() + " after "
                        + steps.get(steps.size() - 1) + "; order the checkpoints by step");
            }
            steps.add(c.step());
        }
        return new CheckpointSeries("checkpoints in memory", steps, copy::get, null);
    }

    private static int stepOf(Path file) {
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalStateException("filtered above");
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new DynamicsException("checkpoint file " + file + " has a step too large for an int", e);
        }
    }

    private static Checkpoint read(Path file, int step) {
        try {
            return new Checkpoint(step, file.getFileName().toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DynamicsException(Kind.IO, "cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint steps, increasing. */
    public List<Integer> steps() {
        return steps;
    }

    /** The number of checkpoints. */
    public int size() {
        return steps.size();
    }

    /** Loads the checkpoint at position {@code index} (not step) of {@link #steps()}. */
    public Checkpoint load(int index) {
        if (index < 0 || index >= steps.size()) {
            throw new DynamicsException(
                    "checkpoint index " + index + " is outside 0.." + (steps.size() - 1) + " of " + description);
        }
        return loader.apply(index);
    }

    /**
     * The weights theta_t (SPEC §10) of the checkpoint at position {@code index}, per layer: from the parameters for
     * {@link #fromParameters}, else from the model's initializers ({@link CheckpointWeights#perLayer(Checkpoint)}).
     *
     * @throws DynamicsException as {@link CheckpointWeights#perLayer(Checkpoint)}, e.g. for IOC weights exported as
     *                           exp(w - 5)
     */
    public Map<String, float[]> weights(int index) {
        return weights(index, parameterWeights != null ? null : load(index));
    }

    /** As {@link #weights(int)}, reading the initializers from {@code loaded} (the checkpoint at {@code index}). */
    Map<String, float[]> weights(int index, Checkpoint loaded) {
        if (parameterWeights != null) {
            if (index < 0 || index >= steps.size()) {
                throw new DynamicsException(
                        "checkpoint index " + index + " is outside 0.." + (steps.size() - 1) + " of " + description);
            }
            return parameterWeights.apply(index);
        }
        return CheckpointWeights.perLayer(loaded);
    }

    @Override
    public String toString() {
        return "CheckpointSeries[" + description + ", steps " + steps + "]";
    }
}
