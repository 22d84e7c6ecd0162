package dev.onnxinspect.samples.cli;

import dev.onnxinspect.arrow.ArrowImageSource;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.Datasets;
import dev.onnxinspect.data.InMemoryDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Resolves the dataset arguments of the command line and owns what they open. A spec is a known dataset name
 * ({@code fashion-mnist-train}, {@code fashion-mnist-test}, {@code mnist-digits}) or an Arrow file of images
 * ({@code .arrow}: a FixedSizeList&lt;float&gt; column or one column per pixel, optional {@code label} column),
 * optionally followed by {@code :N} to take the first N samples of a named dataset.
 */
final class DataSpecs implements AutoCloseable {
    static final String HELP = "a dataset name (fashion-mnist-train, fashion-mnist-test, mnist-digits), optionally"
            + " with :N for its first N samples, or an Arrow file of images (.arrow)";
    private final List<AutoCloseable> owned = new ArrayList<>();
    private BufferAllocator allocator;

    /**
     * The data source a spec names (owned by this object).
     *
     * @throws DatasetException of kind INVALID_INPUT for a spec that names neither a known dataset nor an existing
     *                          Arrow file (a missing {@code .arrow} file included: the spec may be mistyped)
     */
    DataSource resolve(String spec) throws IOException {
        if (spec.endsWith(".arrow")) {
            Path file;
            try {
                file = Path.of(spec);
            } catch (InvalidPathException e) {
                throw new DatasetException(
                        "dataset file '" + spec + "' is not a valid path (" + e.getReason() + "); give " + HELP);
            }
            if (!Files.isRegularFile(file)) {
                throw new DatasetException("dataset file " + file.toAbsolutePath() + " does not exist; give " + HELP);
            }
            if (allocator == null) {
                allocator = new RootAllocator();
            }
            ArrowImageSource source = ArrowImageSource.builder(file, allocator).build();
            owned.add(source);
            return source;
        }
        String name = spec;
        int limit = -1;
        int colon = spec.lastIndexOf(':');
        if (colon > 0) {
            name = spec.substring(0, colon);
            try {
                limit = Integer.parseInt(spec.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new DatasetException(
                        "bad dataset spec '" + spec + "': after ':' comes a sample count, e.g." + " " + name + ":1000");
            }
            if (limit <= 0) {
                throw new DatasetException("bad dataset spec '" + spec + "': the sample count must be positive");
            }
        }
        if (!Datasets.NAMES.contains(name)) {
            throw new DatasetException("unknown dataset '" + spec + "'; give " + HELP);
        }
        InMemoryDataset data = Datasets.load(name);
        return limit < 0 || limit >= data.size() ? data : data.subset(0, limit).named(name + ":" + limit);
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
