package dev.onnxinspect.samples.cli;

import dev.onnxinspect.arrow.ArrowImageSource;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.DatasetRules;
import dev.onnxinspect.data.Datasets;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.ReshapedSource;
import dev.onnxinspect.io.InputFiles;
import dev.onnxinspect.io.InputFiles.Expect;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.ValueInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Resolves the dataset arguments of the command line for one model and owns what they open. The syntax is
 * {@link #HELP}; {@link DataOptions} adds the sample shapes, pad values and image preprocessing. Every source is
 * checked against the model's inputs when it is resolved, so that a mistake is reported before any work, in one
 * line naming the input, the file and the option that fixes it.
 */
public final class DataSpecs implements AutoCloseable {
    /** The dataset arguments' help: the syntax is in {@link #SYNTAX}, at the end of each command's help. */
    public static final String HELP = "DATA (syntax at the end of --help)";
    /** The dataset syntax, the footer of every command that takes datasets. */
    public static final String SYNTAX = "%n"
            + "DATA, a dataset argument (the same for inspect, audit, fit, score, serve):%n"
            + "  NAME[:N]           a built-in dataset (fashion-mnist-train, fashion-mnist-%n"
            + "                     test, mnist-digits); :N = its first N samples%n"
            + "                     (N at most its size)%n"
            + "  FILE.arrow         an Arrow image table (a FixedSizeList<float> column or%n"
            + "                     a column per pixel, optional label column)%n"
            + "  DIR/               an image folder (PNG, JPEG), a class per subfolder%n"
            + "  FILE.parquet       each model input from the column of its name (also%n"
            + "                     .npz arrays, .feather); FILE.npy: a one-input model%n"
            + "  PART,PART,...      a mapping, each PART one of:%n"
            + "   INPUT=FILE:COLUMN    a column of a table (.parquet, .arrow, .feather): a%n"
            + "                        number, a list (token ids, padded per batch: --pad),%n"
            + "                        a fixed-size list or a tensor; COL1+COL2+... number%n"
            + "                        columns as one vector; no :COLUMN = column INPUT%n"
            + "   INPUT=FILE.npz:ARRAY an array of an .npz (INPUT=FILE.npy: a whole .npy)%n"
            + "   INPUT=DIR/           an image folder (--resize, --crop, --scale, --mean,%n"
            + "                        --std, --layout, --channels)%n"
            + "   INPUT=mask-of:OTHER  the padding mask of OTHER's list column%n"
            + "   labels=FILE[:COLUMN] integer labels (default column: label; .npy: all)%n"
            + "   name=NAME            the name in tables (default: the first file's name)%n"
            + "   FILE                 the file of the inputs no other part maps%n"
            + "  The rows of a dataset's files are its samples, in order; an empty%n"
            + "  dataset is refused. Example:%n"
            + "  input_ids=t.parquet:tokens,attention_mask=mask-of:input_ids,labels=t.parquet";

    private static final String SYNTAX_TEXT = "a built-in dataset (fashion-mnist-train, fashion-mnist-test,"
            + " mnist-digits; NAME:N = its first N samples), an Arrow image table, an image folder, a"
            + " .parquet/.npz/.npy file, or a mapping INPUT=FILE[:COLUMN],... (see onnx-inspect audit --help)";
    private static final String MASK_OF = "mask-of:";

    private final List<ValueInfo> modelInputs;
    private final DataOptions options;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private BufferAllocator allocator;

    /**
     * @param modelInputs the model's graph inputs ({@code OnnxModel.describe().inputs()})
     * @param options     the shared data options of the command
     */
    public DataSpecs(List<ValueInfo> modelInputs, DataOptions options) {
        this.modelInputs = List.copyOf(modelInputs);
        this.options = options;
    }

    /** For the inputs of the model in {@code modelFile}. */
    public static DataSpecs forModel(Path modelFile, DataOptions options) throws IOException {
        return new DataSpecs(OnnxModel.load(modelFile).describe().inputs(), options);
    }

    /**
     * The data source a dataset argument names (owned by this object), checked against the model's inputs.
     *
     * @throws DatasetException of kind INVALID_INPUT for a spec that names nothing readable, a file, column or array
     *                          that does not exist or cannot feed its input, an input left unmapped, or data whose
     *                          shape does not fit the model (each naming the input, the file and the fix)
     * @throws IOException      when a file cannot be read
     */
    public DataSource resolve(String spec) throws IOException {
        // one rule for every command: an empty dataset is refused before any work (DatasetRules)
        return DatasetRules.requireSamples(source(spec));
    }

    private DataSource source(String spec) throws IOException {
        if (spec.isBlank()) {
            throw new DatasetException("an empty dataset argument; give " + SYNTAX_TEXT);
        }
        if (spec.contains("=") && !exists(spec)) {
            return files(spec, parse(spec));
        }
        Path path = exists(spec) ? Path.of(spec) : null;
        if (path != null && Files.isDirectory(path)) {
            return files(spec, List.of(new Part(null, path, null)));
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".arrow")) {
            return single(spec, imageTable(spec));
        }
        if (lower.endsWith(".npy")
                || lower.endsWith(".npz")
                || lower.endsWith(".parquet")
                || lower.endsWith(".feather")) {
            InputFiles.require(path(spec, spec), "dataset file", Expect.FILE, DatasetException::new);
            return files(spec, List.of(new Part(null, path, null)));
        }
        return single(spec, builtIn(spec));
    }

    private static boolean exists(String spec) {
        try {
            return Files.exists(Path.of(spec));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** One part of a mapping: {@code key=FILE[:COLUMN]}, {@code key=mask-of:OTHER}, or a bare FILE (key null). */
    private record Part(String key, Path file, String column) {}

    private static List<Part> parse(String spec) {
        List<Part> parts = new ArrayList<>();
        for (String item : spec.split(",")) {
            String text = item.trim();
            int eq = text.indexOf('=');
            if (eq < 0) {
                parts.add(new Part(null, path(text, spec), null));
                continue;
            }
            String key = text.substring(0, eq).trim();
            String value = text.substring(eq + 1).trim();
            if (key.isEmpty() || value.isEmpty()) {
                throw new DatasetException("dataset '" + spec + "': '" + text + "' needs INPUT=FILE[:COLUMN] (or"
                        + " labels=FILE[:COLUMN], name=NAME, INPUT=mask-of:OTHER)");
            }
            if (key.equals("name")) {
                parts.add(new Part(key, null, value));
            } else if (value.startsWith(MASK_OF)) {
                parts.add(new Part(
                        key, null, MASK_OF + value.substring(MASK_OF.length()).trim()));
            } else if (exists(value)) {
                parts.add(new Part(key, Path.of(value), null));
            } else {
                int colon = value.lastIndexOf(':');
                parts.add(
                        colon > 0
                                ? new Part(key, path(value.substring(0, colon), spec), value.substring(colon + 1))
                                : new Part(key, path(value, spec), null));
            }
        }
        return parts;
    }

    private static Path path(String text, String spec) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new DatasetException(
                    "dataset '" + spec + "': '" + text + "' is not a valid path (" + e.getReason() + ")", e);
        }
    }

    /** Users' files through a {@link DataSpec}, fitted to the model and checked. */
    private DataSource files(String spec, List<Part> parts) throws IOException {
        DataSpec.Builder b = DataSpec.builder();
        Map<String, InputMapping> mapped = new LinkedHashMap<>();
        Path defaultFile = null;
        for (Part p : parts) {
            if (p.key() == null) {
                if (defaultFile != null) {
                    throw new DatasetException("dataset '" + spec + "' names two files without an input (" + defaultFile
                            + ", " + p.file() + "); write INPUT=FILE for all but one");
                }
                defaultFile = p.file();
            } else if (p.key().equals("name")) {
                b.name(p.column());
            } else if (p.key().equals("labels")) {
                requireExists(p.file(), "the labels", spec);
                if (p.column() == null
                        && p.file().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
                    b.labels(p.file());
                } else {
                    b.labels(p.file(), p.column() == null ? "label" : p.column());
                }
            } else {
                if (mapped.containsKey(p.key())) {
                    throw new DatasetException(
                            "dataset '" + spec + "' maps input " + p.key() + " twice; map each" + " input once");
                }
                mapped.put(p.key(), mapping(p.key(), p.file(), p.column(), spec));
            }
        }
        for (String input : mapped.keySet()) {
            if (modelInputs.stream().noneMatch(v -> v.name().equals(input))) {
                throw new DatasetException("dataset '" + spec + "' maps input " + input + ", which the model does not"
                        + " have; its inputs are " + inputNames() + " (a key other than an input: labels=, name=)");
            }
        }
        for (ValueInfo v : modelInputs) {
            if (mapped.containsKey(v.name())) {
                continue;
            }
            if (defaultFile == null) {
                throw new DatasetException("model input " + v.name() + " (" + v.elementType() + " " + v.shape()
                        + ") is not fed by dataset '" + spec + "'; add " + v.name() + "=FILE:COLUMN (or " + v.name()
                        + "=mask-of:INPUT for a padding mask) to it");
            }
            boolean whole = Files.isDirectory(defaultFile)
                    || defaultFile.toString().toLowerCase(Locale.ROOT).endsWith(".npy");
            if (whole && modelInputs.size() - mapped.size() > 1) {
                throw new DatasetException(defaultFile + " feeds one input but the model's inputs "
                        + modelInputs.stream()
                                .map(ValueInfo::name)
                                .filter(n -> !mapped.containsKey(n))
                                .toList()
                        + " are not mapped; write INPUT=FILE for each");
            }
            mapped.put(v.name(), mapping(v.name(), defaultFile, whole ? null : v.name(), spec));
        }
        mapped.values().forEach(b::input);
        DataSpec dataSpec = b.build().fitTo(modelInputs);
        FileSource source = dataSpec.open();
        owned.add(source);
        checkShapes(source);
        source.checkAgainst(modelInputs);
        return source;
    }

    private InputMapping mapping(String input, Path file, String column, String spec) {
        if (column != null && column.startsWith(MASK_OF)) {
            return InputMapping.maskOf(input, column.substring(MASK_OF.length()));
        }
        requireExists(file, "input " + input, spec);
        long[] shape = options.sampleShapes().get(input);
        if (Files.isDirectory(file)) {
            return InputMapping.imageFolder(input, file, options.preprocessing(input, shape, modelSampleShape(input)));
        }
        String lower = file.toString().toLowerCase(Locale.ROOT);
        InputMapping m;
        if (lower.endsWith(".npy")) {
            m = InputMapping.file(input, file);
        } else {
            String c = column == null ? input : column;
            m = c.contains("+")
                    ? InputMapping.columns(input, file, List.of(c.split("\\+")))
                    : InputMapping.column(input, file, c);
        }
        if (shape != null) {
            m = m.withSampleShape(shape);
        }
        Double pad = options.pads().get(input);
        return pad == null ? m : m.withPadValue(pad);
    }

    /** The model input's shape without the batch dimension, -1 where free; null when its rank is unknown. */
    private long[] modelSampleShape(String input) {
        ValueInfo v = modelInputs.stream()
                .filter(m -> m.name().equals(input))
                .findFirst()
                .orElse(null);
        if (v == null || !v.shape().rankKnown() || v.shape().rank() < 1) {
            return null;
        }
        List<Dim> dims = v.shape().dims();
        return dims.subList(1, dims.size()).stream()
                .mapToLong(d -> d instanceof Dim.Fixed f ? f.size() : -1)
                .toArray();
    }

    /** The input-file rule ({@link InputFiles}): a readable file or directory, else one line of kind IO. */
    private static void requireExists(Path file, String what, String spec) {
        InputFiles.require(file, what + " of dataset '" + spec + "'", Expect.FILE_OR_DIRECTORY, DatasetException::new);
    }

    /**
     * The shapes of the opened inputs against the model's, with the command-line fix: an image folder whose
     * preprocessing gives another size, flat rows for an input with free dimensions (--sample-shape), a wrong rank.
     */
    private void checkShapes(FileSource source) {
        for (InputSpec have : source.inputs()) {
            ValueInfo want = have.name() == null
                    ? modelInputs.get(0)
                    : modelInputs.stream()
                            .filter(v -> v.name().equals(have.name()))
                            .findFirst()
                            .orElse(null);
            if (want == null || !want.shape().rankKnown()) {
                continue;
            }
            InputMapping m = source.spec().mapping(have.name());
            List<Dim> dims = want.shape().dims();
            long[] shape = have.sampleShape();
            if (fits(dims, shape)) {
                continue;
            }
            String name = want.name();
            String model = "model input " + name + " takes " + want.shape() + " (a sample: " + sampleText(dims) + ")";
            if (m.preprocessing() != null) {
                throw new DatasetException(model + " but the images of " + m.file() + " become "
                        + Arrays.toString(shape) + " (" + m.preprocessing().describe() + "); give --resize/--crop (and"
                        + " --channels, --layout) so that they become " + sampleText(dims));
            }
            throw new DatasetException(model + " but " + m.describe() + " gives samples of " + Arrays.toString(shape)
                    + "; give --sample-shape " + name + "=" + exampleShape(dims) + " (as many values as a row)"
                    + " or data of that shape");
        }
    }

    private static boolean fits(List<Dim> dims, long[] shape) {
        if (dims.size() != shape.length + 1) {
            return false;
        }
        for (int d = 0; d < shape.length; d++) {
            if (dims.get(d + 1) instanceof Dim.Fixed f && f.size() != shape[d]) {
                return false;
            }
        }
        return true;
    }

    /** E.g. [3, H, W]. */
    private static String sampleText(List<Dim> dims) {
        return dims.subList(1, dims.size()).toString();
    }

    /** The model's sample dims, free ones written by name, e.g. 3,H,W. */
    private static String exampleShape(List<Dim> dims) {
        StringBuilder s = new StringBuilder();
        for (int d = 1; d < dims.size(); d++) {
            s.append(d == 1 ? "" : ",")
                    .append(
                            dims.get(d) instanceof Dim.Fixed f
                                    ? Long.toString(f.size())
                                    : dims.get(d).toString());
        }
        return s.toString();
    }

    /**
     * A source of one unnamed float32 input (a built-in dataset or an Arrow image table): reshaped to
     * {@code --sample-shape} when given; refused for a model of several inputs, and with the {@code --sample-shape}
     * fix when its samples cannot fit an input with free dimensions.
     */
    private DataSource single(String spec, DataSource source) {
        if (modelInputs.size() != 1) {
            throw new DatasetException("dataset " + spec + " feeds one float32 input but the model has inputs "
                    + inputNames() + "; map files to them: INPUT=FILE:COLUMN,...");
        }
        ValueInfo in = modelInputs.get(0);
        long[] declared = options.sampleShapes().get(in.name());
        for (String name : options.sampleShapes().keySet()) {
            if (!name.equals(in.name())) {
                throw new DatasetException(
                        "--sample-shape " + name + "=... names no input of the model; its input is " + in.name());
            }
        }
        DataSource out = source;
        if (declared != null) {
            int[] shape = Arrays.stream(declared).mapToInt(Math::toIntExact).toArray();
            out = ReshapedSource.to(source, shape);
        }
        if (!in.shape().rankKnown()) {
            return out;
        }
        List<Dim> dims = in.shape().dims();
        boolean free = dims.subList(1, dims.size()).stream().anyMatch(d -> !(d instanceof Dim.Fixed));
        long[] have = Arrays.stream(out.sampleShape()).asLongStream().toArray();
        if (free && !fits(dims, have)) {
            throw new DatasetException("model input " + in.name() + " takes " + in.shape() + " but dataset " + spec
                    + " gives samples of " + Arrays.toString(have) + "; give --sample-shape " + in.name() + "="
                    + exampleShape(dims) + " (" + Arrays.stream(have).reduce(1, (a, b) -> a * b) + " values)");
        }
        return out;
    }

    private List<String> inputNames() {
        return modelInputs.stream().map(ValueInfo::name).toList();
    }

    private DataSource imageTable(String spec) throws IOException {
        Path file = path(spec, spec);
        InputFiles.require(file, "the Arrow image table", Expect.FILE, DatasetException::new);
        if (allocator == null) {
            allocator = new RootAllocator();
        }
        ArrowImageSource source = ArrowImageSource.builder(file, allocator).build();
        owned.add(source);
        return source;
    }

    /** NAME or NAME:N (N within the set's size: {@code DatasetRules.firstSamples}). */
    private static DataSource builtIn(String spec) {
        int colon = spec.lastIndexOf(':');
        String name = colon > 0 ? spec.substring(0, colon) : spec;
        if (!Datasets.NAMES.contains(name)) {
            if (looksLikePath(spec)) {
                // not a built-in name but a path: the input-file rule says why it cannot be read
                InputFiles.require(path(spec, spec), "dataset", Expect.FILE_OR_DIRECTORY, DatasetException::new);
            }
            throw new DatasetException("unknown dataset '" + spec + "'; give " + SYNTAX_TEXT);
        }
        return Datasets.loadSpec(spec);
    }

    private static boolean looksLikePath(String spec) {
        return spec.indexOf('/') >= 0 || spec.indexOf('\\') >= 0 || spec.indexOf('.') >= 0;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    // a library exception keeps its kind (an image table that cannot be closed is a file error)
                    first = e instanceof RuntimeException r
                            ? r
                            : new IllegalStateException("closing " + c + " failed", e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        owned.clear();
        if (allocator != null) {
            allocator.close();
            allocator = null;
        }
        if (first != null) {
            throw first;
        }
    }
}
