package dev.onnxinspect.arrow;

import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.io.DirectoryLock;
import dev.onnxinspect.io.FileErrors;
import dev.onnxinspect.io.OutputPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of SPEC §12 tables from one inspection run, one {@code <table>.arrow} file per table, plus a
 * {@code manifest.json} that lists them. Hands out one typed writer per table (each table at most once), all
 * sharing the run's {@link TableMetadata} and {@link ArrowWriteOptions}.
 *
 * <p>{@link #commit()} commits every writer still open, then writes {@value #MANIFEST} atomically: the files, their
 * row counts and compression, the table names, the run's parameters (string key/values), the schema metadata and
 * the library version. Choice: as with the writers, {@link #close()} without {@code commit()} aborts the writers
 * still open and writes no manifest, so a manifest exists only for a complete run. Choice: an existing manifest is
 * deleted when the directory is opened, because the tables it describes are about to be replaced one by one; a
 * directory without a manifest is an incomplete run.
 *
 * <p>The directory is held for the run from {@code create} to {@code commit}/{@code close} ({@link DirectoryLock}:
 * the hidden lock file {@value DirectoryLock#FILE} inside it, deleted at the end): a second run on the same
 * directory, in this process or another, is refused at once, before it deletes or writes anything. The path is
 * checked first ({@link OutputPaths#directory}): an empty path and an existing target that is not a directory (a
 * regular file, a FIFO, a device) are refused. The tables' writers delete temporary files left in the directory by
 * a crashed earlier run ({@link dev.onnxinspect.io.AtomicFiles}).
 *
 * <p>Owns the writers it hands out (closing the directory closes them) and the directory's lock, but not the caller's
 * allocator. Not thread-safe.
 */
public final class ArrowResultDirectory implements AutoCloseable {
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";
    /** The manifest's format tag. */
    public static final String FORMAT = "onnx-inspect-results/1";

    private static final Logger LOG = LoggerFactory.getLogger(ArrowResultDirectory.class);

    private final Path directory;
    private final TableMetadata metadata;
    private final ArrowWriteOptions options;
    private final BufferAllocator allocator;
    private final Map<String, String> parameters;
    private final Map<String, ArrowTableWriter> writers = new LinkedHashMap<>();
    private final DirectoryLock lock;
    private boolean finished;

    private ArrowResultDirectory(
            Path directory,
            DirectoryLock lock,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator,
            Map<String, String> parameters) {
        this.directory = directory;
        this.lock = lock;
        this.metadata = metadata;
        this.options = options;
        this.allocator = allocator;
        this.parameters = new TreeMap<>(parameters);
    }

    /**
     * Opens (creating it if needed) a result directory, takes its lock and deletes a stale {@value #MANIFEST}.
     *
     * @param parameters the run's parameters for the manifest, e.g. {@code batch_size -> 256}
     * @throws dev.onnxinspect.OnnxInspectException ({@code INVALID_INPUT}) for an empty path, a path that is not a
     *                                              directory, or a directory another run is writing; ({@code IO})
     *                                              when the directory cannot be created or locked
     */
    public static ArrowResultDirectory create(
            Path directory,
            TableMetadata metadata,
            ArrowWriteOptions options,
            BufferAllocator allocator,
            Map<String, String> parameters)
            throws IOException {
        parameters.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new ArrowExportException("run parameters must not contain null keys or values: " + parameters);
            }
        });
        Path absolute = OutputPaths.directory(directory);
        DirectoryLock lock = DirectoryLock.acquire(absolute);
        try {
            Path manifest = absolute.resolve(MANIFEST);
            try {
                Files.deleteIfExists(manifest);
            } catch (IOException e) {
                throw FileErrors.cannot("delete the previous run's manifest", manifest, e);
            }
            return new ArrowResultDirectory(absolute, lock, metadata, options, allocator, parameters);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    /** The file a table is written to: {@code <directory>/<table>.arrow}. */
    public Path fileOf(String table) {
        return directory.resolve(table + ".arrow");
    }

    public ScoresWriter scores(List<String> datasets, List<String> scoreColumns) throws IOException {
        claim(ScoresWriter.TABLE);
        return register(
                new ScoresWriter(fileOf(ScoresWriter.TABLE), metadata, options, allocator, datasets, scoreColumns));
    }

    public OodMetricsWriter oodMetrics(List<String> detectors, List<String> layers, List<String> datasets)
            throws IOException {
        claim(OodMetricsWriter.TABLE);
        return register(new OodMetricsWriter(
                fileOf(OodMetricsWriter.TABLE), metadata, options, allocator, detectors, layers, datasets));
    }

    public RocCurveWriter rocCurve(List<String> detectors, List<String> layers, List<String> datasets)
            throws IOException {
        claim(RocCurveWriter.TABLE);
        return register(new RocCurveWriter(
                fileOf(RocCurveWriter.TABLE), metadata, options, allocator, detectors, layers, datasets));
    }

    public ActivationFrequencyWriter activationFrequency(List<String> layers, List<String> datasets)
            throws IOException {
        claim(ActivationFrequencyWriter.TABLE);
        return register(new ActivationFrequencyWriter(
                fileOf(ActivationFrequencyWriter.TABLE), metadata, options, allocator, layers, datasets));
    }

    public FrequencyHistogramWriter frequencyHistogram(List<String> layers, List<String> datasets) throws IOException {
        claim(FrequencyHistogramWriter.TABLE);
        return register(new FrequencyHistogramWriter(
                fileOf(FrequencyHistogramWriter.TABLE), metadata, options, allocator, layers, datasets));
    }

    public InteractionFrequencyWriter interactionFrequency(List<String> layers, List<String> datasets)
            throws IOException {
        claim(InteractionFrequencyWriter.TABLE);
        return register(new InteractionFrequencyWriter(
                fileOf(InteractionFrequencyWriter.TABLE), metadata, options, allocator, layers, datasets));
    }

    public ClassKlWriter classKl(List<String> layers, List<String> quantities, List<String> datasets)
            throws IOException {
        claim(ClassKlWriter.TABLE);
        return register(new ClassKlWriter(
                fileOf(ClassKlWriter.TABLE), metadata, options, allocator, layers, quantities, datasets));
    }

    public LayerSummaryWriter layerSummary(List<String> layers, List<String> datasets) throws IOException {
        claim(LayerSummaryWriter.TABLE);
        return register(new LayerSummaryWriter(
                fileOf(LayerSummaryWriter.TABLE), metadata, options, allocator, layers, datasets));
    }

    public NodeClassifierWriter nodeClassifier(List<String> layers, List<String> datasets) throws IOException {
        claim(NodeClassifierWriter.TABLE);
        return register(new NodeClassifierWriter(
                fileOf(NodeClassifierWriter.TABLE), metadata, options, allocator, layers, datasets));
    }

    public ConfusionMatrixWriter confusionMatrix(List<String> datasets) throws IOException {
        claim(ConfusionMatrixWriter.TABLE);
        return register(
                new ConfusionMatrixWriter(fileOf(ConfusionMatrixWriter.TABLE), metadata, options, allocator, datasets));
    }

    public PathSimilarityWriter pathSimilarity(List<String> layers) throws IOException {
        claim(PathSimilarityWriter.TABLE);
        return register(
                new PathSimilarityWriter(fileOf(PathSimilarityWriter.TABLE), metadata, options, allocator, layers));
    }

    public TrainingHistoryWriter trainingHistory(Map<String, Map<String, String>> runConfigurations)
            throws IOException {
        claim(TrainingHistoryWriter.TABLE);
        return register(new TrainingHistoryWriter(
                fileOf(TrainingHistoryWriter.TABLE), metadata, options, allocator, runConfigurations));
    }

    private void claim(String table) {
        if (finished) {
            throw new ArrowExportException(
                    "the result directory " + directory + " is already committed or closed;" + " open a new one");
        }
        if (writers.containsKey(table)) {
            throw new ArrowExportException("table " + table + " was already opened in " + directory + "; each table"
                    + " is written once per directory: keep the first writer");
        }
    }

    private <W extends ArrowTableWriter> W register(W writer) {
        writers.put(writer.table(), writer);
        return writer;
    }

    /**
     * Commits every writer still open and writes {@value #MANIFEST} atomically.
     *
     * @throws ArrowExportException if a table handed out was aborted (the run is incomplete); nothing more is
     *                              written and the open writers are aborted
     * @throws IOException          if a table or the manifest cannot be written
     */
    public void commit() throws IOException {
        if (finished) {
            throw new ArrowExportException("the result directory " + directory + " is already committed or closed");
        }
        for (ArrowTableWriter writer : writers.values()) {
            if (!writer.committed() && !writer.sink.open()) {
                close();
                throw new ArrowExportException("table " + writer.table() + " was aborted, so the run in " + directory
                        + " is incomplete and no manifest was written; write the run again");
            }
        }
        try {
            for (ArrowTableWriter writer : writers.values()) {
                if (!writer.committed()) {
                    writer.commit();
                }
            }
            writeManifest();
        } finally {
            close();
        }
    }

    private void writeManifest() throws IOException {
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"format\": ").append(Json.string(FORMAT)).append(",\n");
        json.append("  \"library_version\": ")
                .append(Json.string(metadata.libraryVersion()))
                .append(",\n");
        json.append("  \"tables\": [");
        List<ArrowTableWriter> tables = new ArrayList<>(writers.values());
        for (int i = 0; i < tables.size(); i++) {
            ArrowTableWriter w = tables.get(i);
            json.append(i == 0 ? "\n" : ",\n")
                    .append("    {\"table\": ")
                    .append(Json.string(w.table()))
                    .append(", \"file\": ")
                    .append(Json.string(w.file().getFileName().toString()))
                    .append(", \"rows\": ")
                    .append(w.rowsWritten())
                    .append(", \"compression\": ")
                    .append(Json.string(options.compression().name()))
                    .append('}');
        }
        json.append(tables.isEmpty() ? "],\n" : "\n  ],\n");
        json.append("  \"parameters\": ")
                .append(Json.stringMap(parameters, "  "))
                .append(",\n");
        Map<String, String> schemaMetadata = new LinkedHashMap<>(metadata.toSchemaMetadata(""));
        schemaMetadata.remove("table");
        json.append("  \"metadata\": ")
                .append(Json.stringMap(schemaMetadata, "  "))
                .append('\n');
        json.append("}\n");
        AtomicFiles.write(directory.resolve(MANIFEST), json.toString().getBytes(StandardCharsets.UTF_8));
        LOG.info("wrote {} tables and {} to {}", tables.size(), MANIFEST, directory);
    }

    /**
     * Aborts every writer not yet committed (their temporary files are deleted), writes no manifest, and releases the
     * directory (its lock file is deleted). Idempotent.
     */
    @Override
    public void close() {
        finished = true;
        RuntimeException first = null;
        for (ArrowTableWriter writer : writers.values()) {
            try {
                writer.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        lock.close();
        if (first != null) {
            throw first;
        }
    }
}
