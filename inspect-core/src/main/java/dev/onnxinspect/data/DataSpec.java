package dev.onnxinspect.data;

import dev.onnxinspect.io.InputFiles;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.onnx.ValueKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Users' data for a model: which file (and which column or array of it) feeds each model input, and where the
 * labels are. {@link #open()} opens every file once (several inputs of one file are read in one pass) and returns one
 * {@link FileSource} whose batches carry a tensor per input.
 *
 * <pre>{@code
 * DataSpec spec = DataSpec.builder()
 *         .input(InputMapping.column("input_ids", reviews, "tokens").withPadValue(0))
 *         .input(InputMapping.maskOf("attention_mask", "input_ids"))
 *         .labels(reviews, "label")
 *         .build()
 *         .fitTo(model.describe().inputs());       // types and fixed shapes from the model
 * try (FileSource source = spec.open()) { ... }
 * }</pre>
 *
 * <p>The formats (each documented in its reader): Arrow IPC files {@code .arrow}/{@code .feather} and Parquet
 * {@code .parquet} (columns by name), NumPy {@code .npy} (the whole array) and {@code .npz} (arrays by name), and
 * image folders (a class per subfolder, with an {@link ImagePreprocessing}). The file's format is chosen by its
 * name ending ({@link DataFormat#forFile}). All files of one spec must have the same number of rows: row i of every
 * file is sample i.
 *
 * @param name        the source's name in tables and reports
 * @param inputs      one mapping per model input fed (names unique; an unnamed mapping only alone)
 * @param labels      where the labels are, or null (image folders label their images by class folder)
 * @param unlabelled  true to ignore every label (also an image folder's classes)
 */
public record DataSpec(String name, List<InputMapping> inputs, LabelMapping labels, boolean unlabelled) {
    public DataSpec {
        Objects.requireNonNull(name, "name");
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new DatasetException("data " + name + " feeds no input; map at least one file to an input");
        }
        Set<String> names = new HashSet<>();
        for (InputMapping m : inputs) {
            if (m.input() == null && inputs.size() > 1) {
                throw new DatasetException("data " + name + " feeds several inputs, so each mapping must name the"
                        + " model input it feeds; unnamed: " + m.describe());
            }
            if (m.input() != null && !names.add(m.input())) {
                throw new DatasetException("data " + name + " maps input " + m.input() + " twice; map each input to"
                        + " one file and column");
            }
        }
        for (InputMapping m : inputs) {
            if (m.maskOf() != null) {
                InputMapping of = inputs.stream()
                        .filter(o -> m.maskOf().equals(o.input()))
                        .findFirst()
                        .orElseThrow(() -> new DatasetException("input " + m.input() + " is declared the padding mask"
                                + " of input " + m.maskOf() + ", which data " + name + " does not map; map "
                                + m.maskOf() + " to a list column first"));
                if (of.maskOf() != null) {
                    throw new DatasetException("input " + m.input() + " is declared the padding mask of input "
                            + m.maskOf() + ", which is itself a mask; name the input read from the file");
                }
            }
        }
        if (labels != null && unlabelled) {
            throw new DatasetException("data " + name + " has a label mapping and is declared unlabelled; choose one");
        }
    }

    /** A builder; the name defaults to the first input's file name without its ending. */
    public static Builder builder() {
        return new Builder();
    }

    /** The mapping of a model input, or null when none feeds it. */
    public InputMapping mapping(String input) {
        return inputs.stream()
                .filter(m -> Objects.equals(m.input(), input))
                .findFirst()
                .orElse(null);
    }

    /**
     * This spec fitted to a model's inputs: checks that every model input is fed and every mapping feeds a model
     * input, gives each mapping without a declared type the model input's element type (values are converted as
     * {@link ElementWriter} says), and each table or array mapping without a declared sample shape the input's
     * per-sample shape where all its dimensions are fixed (a list of 784 values then feeds a {@code [1, 28, 28]}
     * input; a variable-length list is padded to a fixed length). A single unnamed mapping feeds a single-input model.
     *
     * @param modelInputs the model's graph inputs (initializers excluded), e.g. {@code model.describe().inputs()}
     * @throws DatasetException naming the first input that is left unmapped or mapped to no model input
     */
    public DataSpec fitTo(List<ValueInfo> modelInputs) {
        Map<String, ValueInfo> byName = new LinkedHashMap<>();
        modelInputs.forEach(v -> byName.put(v.name(), v));
        if (inputs.size() == 1 && inputs.get(0).input() == null) {
            if (byName.size() != 1) {
                throw new DatasetException("data " + name + " feeds one unnamed input but the model has inputs "
                        + byName.keySet() + "; name the input each file feeds");
            }
            ValueInfo only = byName.values().iterator().next();
            return new DataSpec(name, List.of(fit(inputs.get(0), only)), labels, unlabelled);
        }
        for (InputMapping m : inputs) {
            if (!byName.containsKey(m.input())) {
                throw new DatasetException("data " + name + " maps " + m.describe() + " to input " + m.input()
                        + ", which the model does not have; its inputs are " + byName.keySet());
            }
        }
        List<InputMapping> fitted = new ArrayList<>();
        for (ValueInfo v : byName.values()) {
            InputMapping m = mapping(v.name());
            if (m == null) {
                throw new DatasetException("model input " + v.name() + " (" + v.elementType() + " " + v.shape()
                        + ") is not fed by data " + name + "; map it to a file and column (a padding mask: to the"
                        + " mask of the input it marks)");
            }
            fitted.add(fit(m, v));
        }
        List<InputMapping> ordered = new ArrayList<>();
        for (InputMapping m : inputs) {
            ordered.add(fitted.stream()
                    .filter(f -> Objects.equals(f.input(), m.input()))
                    .findFirst()
                    .orElseThrow());
        }
        return new DataSpec(name, ordered, labels, unlabelled);
    }

    private static InputMapping fit(InputMapping m, ValueInfo v) {
        if (v.kind() != ValueKind.TENSOR) {
            throw new DatasetException("model input " + v.name() + " is a " + v.kind() + ", which onnx-inspect cannot"
                    + " feed from files (only tensors)");
        }
        InputMapping out = m;
        if (out.type() == null && InputTensor.SUPPORTED.contains(v.elementType())) {
            out = out.withType(v.elementType());
        }
        if (out.sampleShape() == null
                && out.preprocessing() == null
                && out.maskOf() == null
                && v.shape().rankKnown()
                && v.shape().rank() >= 2) {
            List<Dim> dims = v.shape().dims().subList(1, v.shape().rank());
            if (dims.stream().allMatch(d -> d instanceof Dim.Fixed)) {
                out = out.withSampleShape(
                        dims.stream().mapToLong(d -> ((Dim.Fixed) d).size()).toArray());
            }
        }
        return out;
    }

    /**
     * Opens every file (each once) and checks its columns and the row counts.
     *
     * @throws DatasetException when a file is missing or of no known format, a column does not exist or cannot feed
     *                          its input, or the files' row counts differ
     * @throws IOException      when a file cannot be read
     */
    public FileSource open() throws IOException {
        return FileSource.open(this);
    }

    /** The mappings grouped by file (absolute, normalised), in the order first seen; masks after what they mark. */
    Map<Path, List<InputMapping>> byFile() {
        Map<Path, List<InputMapping>> groups = new LinkedHashMap<>();
        for (InputMapping m : inputs) {
            if (m.maskOf() == null) {
                groups.computeIfAbsent(key(m.file()), k -> new ArrayList<>()).add(m);
                for (InputMapping mask : inputs) {
                    if (m.input() != null && m.input().equals(mask.maskOf())) {
                        groups.get(key(m.file())).add(mask.withFile(m.file()));
                    }
                }
            }
        }
        if (labels != null) {
            groups.computeIfAbsent(key(labels.file()), k -> new ArrayList<>());
        }
        return groups;
    }

    static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    /**
     * The input-file rule ({@link InputFiles}): an existing, readable regular file or directory (an image folder), else
     * a {@link DatasetException} of kind IO naming what the file is for, its path and the reason.
     */
    static void requireExists(Path file, String what) {
        InputFiles.require(file, what, InputFiles.Expect.FILE_OR_DIRECTORY, DatasetException::new);
    }

    /** Builds a {@link DataSpec}. */
    public static final class Builder {
        private String name;
        private final List<InputMapping> inputs = new ArrayList<>();
        private LabelMapping labels;
        private boolean unlabelled;

        private Builder() {}

        /** The source's name in tables and reports. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Adds the mapping of one model input. */
        public Builder input(InputMapping mapping) {
            inputs.add(Objects.requireNonNull(mapping, "mapping"));
            return this;
        }

        /** Labels from an integer column of a table or an integer array of an {@code .npz}. */
        public Builder labels(Path file, String column) {
            this.labels = new LabelMapping(file, Objects.requireNonNull(column, "column"));
            return this;
        }

        /** Labels from a whole {@code .npy} of integers. */
        public Builder labels(Path npyFile) {
            this.labels = new LabelMapping(npyFile, null);
            return this;
        }

        /** Ignore every label, an image folder's classes included. */
        public Builder unlabelled() {
            this.unlabelled = true;
            return this;
        }

        public DataSpec build() {
            String n = name;
            if (n == null && !inputs.isEmpty()) {
                InputMapping first = inputs.stream()
                        .filter(m -> m.file() != null)
                        .findFirst()
                        .orElse(inputs.get(0));
                Path fileName = first.file() == null
                        ? null
                        : first.file().toAbsolutePath().normalize().getFileName();
                n = fileName == null ? "data" : fileName.toString().replaceFirst("\\.[A-Za-z0-9]+$", "");
            }
            return new DataSpec(n == null ? "data" : n, inputs, labels, unlabelled);
        }
    }
}
