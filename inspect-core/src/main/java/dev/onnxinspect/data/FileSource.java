package dev.onnxinspect.data;

import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ValueInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link DataSource} of a {@link DataSpec}: users' files feeding model inputs by name. Each batch holds one
 * tensor per mapped input (named; a single unnamed mapping gives an unnamed tensor) and, where the spec has labels,
 * the labels. Row i of every file is sample i; the files are read side by side, each by its own
 * {@link TableReader.Pass}, so memory holds one batch per file whatever the number of rows.
 *
 * <p>Owns the readers of its files: {@link #close()} closes every pass still open and every reader (idempotent).
 * A pass closes itself when it is exhausted or fails. Not thread-safe; passes are independent of each other.
 */
public final class FileSource implements DataSource, AutoCloseable {
    private final DataSpec spec;
    private final List<TableReader> readers;
    private final List<InputSpec> inputs;
    private final long size;
    private final int labelReader;
    private final Set<Pass> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private FileSource(DataSpec spec, List<TableReader> readers, int labelReader) {
        this.spec = spec;
        this.readers = List.copyOf(readers);
        this.labelReader = labelReader;
        List<InputSpec> specs = new ArrayList<>();
        for (InputMapping m : spec.inputs()) {
            specs.add(readers.stream()
                    .flatMap(r -> r.inputs().stream())
                    .filter(s -> Objects.equals(s.name(), m.input()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no reader feeds " + m)));
        }
        this.inputs = List.copyOf(specs);
        long rows = readers.get(0).rows();
        for (TableReader r : readers) {
            if (r.rows() != rows) {
                StringBuilder counts = new StringBuilder();
                for (TableReader each : readers) {
                    counts.append(counts.length() == 0 ? "" : ", ")
                            .append(each.file())
                            .append(": ")
                            .append(each.rows())
                            .append(" rows");
                }
                throw new DatasetException("the files of data " + spec.name() + " have different numbers of rows ("
                        + counts + "); row i of every file is sample i, so give files of one length");
            }
        }
        this.size = rows;
    }

    static FileSource open(DataSpec spec) throws IOException {
        List<TableReader> readers = new ArrayList<>();
        int labelReader = -1;
        try {
            Path labelFile =
                    spec.labels() == null ? null : DataSpec.key(spec.labels().file());
            for (Map.Entry<Path, List<InputMapping>> group : spec.byFile().entrySet()) {
                Path file = group.getKey();
                List<InputMapping> mappings = group.getValue();
                String what = mappings.isEmpty()
                        ? "the labels (" + spec.labels().describe() + ")"
                        : "input " + InputTensor.label(mappings.get(0).input()) + " ("
                                + mappings.get(0).describe() + ")";
                DataSpec.requireExists(file, what);
                LabelMapping labels = file.equals(labelFile) ? spec.labels() : null;
                TableReader reader = DataFormat.forFile(file).open(file, mappings, labels);
                readers.add(reader);
                if (labels != null || (labelReader < 0 && spec.labels() == null && reader.labelled())) {
                    labelReader = readers.size() - 1;
                }
            }
            return new FileSource(spec, readers, spec.unlabelled() ? -1 : labelReader);
        } catch (IOException | RuntimeException e) {
            closeAll(readers, e);
            throw e;
        }
    }

    private static void closeAll(List<? extends AutoCloseable> resources, Throwable failure) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** The spec this source was opened from. */
    public DataSpec spec() {
        return spec;
    }

    @Override
    public String name() {
        return spec.name();
    }

    /**
     * The per-sample shape of the first input.
     *
     * @throws DatasetException when that input has a variable dimension (use {@link #inputs()})
     */
    @Override
    public int[] sampleShape() {
        long[] shape = inputs.get(0).sampleShape();
        int[] out = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new DatasetException("input "
                        + InputTensor.label(inputs.get(0).name()) + " of data "
                        + name() + " has a variable dimension " + Arrays.toString(shape) + "; read the shapes of"
                        + " its inputs with inputs()");
            }
            out[d] = Math.toIntExact(shape[d]);
        }
        return out;
    }

    /** One spec per mapped input, in the spec's order; variable dimensions are -1. */
    @Override
    public List<InputSpec> inputs() {
        return inputs;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean labelled() {
        return labelReader >= 0;
    }

    /** The class names where the labels come with names (an image folder's class folders), else empty. */
    public List<String> classNames() {
        return labelReader >= 0 ? readers.get(labelReader).classNames() : List.of();
    }

    /**
     * Checks the opened inputs against a model's inputs: element types equal, and every fixed per-sample dimension of
     * the model equal to the source's (a variable dimension of the source fits only a dynamic one). Call it after
     * {@link DataSpec#fitTo}, which fills in types and fixed shapes.
     *
     * @throws DatasetException naming the input, the file and the fix (for images: the preprocessing to declare)
     */
    public void checkAgainst(List<ValueInfo> modelInputs) {
        for (InputSpec have : inputs) {
            ValueInfo want = have.name() == null && modelInputs.size() == 1
                    ? modelInputs.get(0)
                    : modelInputs.stream()
                            .filter(v -> v.name().equals(have.name()))
                            .findFirst()
                            .orElse(null);
            InputMapping m = spec.mapping(have.name());
            if (want == null) {
                throw new DatasetException("data " + name() + " feeds input " + InputTensor.label(have.name())
                        + " from " + m.describe() + ", which the model does not have; its inputs are "
                        + modelInputs.stream().map(ValueInfo::name).toList());
            }
            if (want.elementType() != have.type()) {
                throw new DatasetException("model input " + want.name() + " takes " + want.elementType() + " but "
                        + m.describe() + " gives " + have.type() + "; declare the input's type (DataSpec.fitTo does"
                        + " it from the model) so that the values are converted");
            }
            if (!want.shape().rankKnown()) {
                continue;
            }
            long[] shape = have.sampleShape();
            List<Dim> dims = want.shape().dims();
            boolean fits = dims.size() == shape.length + 1;
            for (int d = 0; fits && d < shape.length; d++) {
                if (dims.get(d + 1) instanceof Dim.Fixed f && f.size() != shape[d]) {
                    fits = false;
                }
            }
            if (!fits) {
                String fix = m.preprocessing() != null
                        ? "declare a preprocessing whose output is the input's shape (now: "
                                + m.preprocessing().describe() + ")"
                        : "declare the sample shape or give data of the input's shape";
                throw new DatasetException("model input " + want.name() + " takes " + want.shape() + " per batch but "
                        + m.describe() + " gives samples of " + Arrays.toString(shape) + "; " + fix);
            }
        }
    }

    /**
     * A new pass over every file in batches of {@code batchSize} samples (the last may be smaller).
     * {@link Iterator#next()} throws {@link DatasetException} for a value that cannot be fed (naming the row and the
     * file) and {@link UncheckedIOException} when a file cannot be read.
     */
    @Override
    public Iterator<Batch> batches(int batchSize) {
        if (batchSize < 1) {
            throw new DatasetException("batchSize must be at least 1, got " + batchSize);
        }
        if (closed) {
            throw new DatasetException("data " + name() + " is closed; open the spec again");
        }
        Pass pass = new Pass(batchSize);
        open.add(pass);
        return pass;
    }

    /** Closes every open pass and every file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (Pass pass : List.copyOf(open)) {
            try {
                pass.close();
            } catch (RuntimeException e) {
                failure = keep(failure, e);
            }
        }
        for (TableReader r : readers) {
            try {
                r.close();
            } catch (RuntimeException e) {
                failure = keep(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException keep(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        return "FileSource[" + name() + ", " + size + " samples, " + inputs + "]";
    }

    /** One pass: one pass per file, read side by side. */
    private final class Pass implements Iterator<Batch> {
        private final int batchSize;
        private final List<TableReader.Pass> passes = new ArrayList<>();
        private Batch next;
        private long rowsRead;
        private boolean finished;

        Pass(int batchSize) {
            this.batchSize = batchSize;
            try {
                for (TableReader r : readers) {
                    passes.add(r.pass());
                }
            } catch (IOException e) {
                close();
                throw new UncheckedIOException("cannot read data " + name() + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public boolean hasNext() {
            if (next == null && !finished) {
                try {
                    next = read();
                } catch (IOException e) {
                    close();
                    throw new UncheckedIOException("cannot read data " + name() + ": " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    close();
                    throw e;
                }
                if (next == null) {
                    close();
                }
            }
            return next != null;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the pass over data " + name() + " is finished");
            }
            Batch b = next;
            next = null;
            return b;
        }

        private Batch read() throws IOException {
            List<RowBlock> blocks = new ArrayList<>();
            for (TableReader.Pass p : passes) {
                blocks.add(p.next(batchSize));
            }
            int rows = -1;
            for (int i = 0; i < blocks.size(); i++) {
                int n = blocks.get(i) == null ? 0 : blocks.get(i).rows();
                if (rows >= 0 && n != rows) {
                    throw new DatasetException("the files of data " + name() + " end at different rows: after row "
                            + rowsRead + ", " + readers.get(0).file() + " has " + rows + " more and "
                            + readers.get(i).file() + " " + n + "; give files of one length");
                }
                rows = n;
            }
            if (rows == 0) {
                return null;
            }
            List<InputTensor> tensors = new ArrayList<>();
            for (InputSpec s : inputs) {
                tensors.add(find(blocks, s.name()));
            }
            int[] labels = labelReader >= 0 ? blocks.get(labelReader).labels() : null;
            rowsRead += rows;
            return new Batch(rows, tensors, labels);
        }

        private InputTensor find(List<RowBlock> blocks, String input) {
            for (RowBlock b : blocks) {
                for (InputTensor t : b.tensors()) {
                    if (Objects.equals(t.name(), input)) {
                        return t;
                    }
                }
            }
            throw new IllegalStateException("no file fed input " + input);
        }

        void close() {
            if (!finished) {
                finished = true;
                open.remove(this);
                RuntimeException failure = null;
                for (TableReader.Pass p : passes) {
                    try {
                        p.close();
                    } catch (RuntimeException e) {
                        failure = keep(failure, e);
                    }
                }
                if (failure != null) {
                    throw failure;
                }
            }
        }
    }
}
