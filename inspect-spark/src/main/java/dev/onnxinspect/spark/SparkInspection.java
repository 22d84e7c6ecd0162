package dev.onnxinspect.spark;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.arrow.AuditTables;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditOptions;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.DatasetRole;
import dev.onnxinspect.audit.DatasetScores;
import dev.onnxinspect.audit.KlRow;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DatasetRules;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.InspectionSummary;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.io.OutputPaths;
import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.onnx.ClassifierTensors;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.NodeInfo;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.ood.DetectorLayout;
import dev.onnxinspect.report.ReportAssembler;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.ClassProfiles;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.InteractionAccumulator;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.InteractionOptions;
import dev.onnxinspect.stats.KlDivergence;
import dev.onnxinspect.stats.KlMatrix;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.StatsOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inspection of SPEC §1-4 and §7 on a Spark {@code Dataset<Row>} from any Spark source (Parquet, Delta, a
 * table): the model is instrumented on the driver and broadcast once ({@link SparkModel}); each partition runs the
 * single-machine {@link Inspection} with its executor's cached session and accumulates the layer statistics (S1/S2
 * frequencies, histograms, active fractions, patterns) and the SPEC §3 interactions of the dense layers; the
 * partials are merged with {@code treeAggregate} (a Dataset without partitions gives the empty partial); the driver derives the SPEC §4 KL matrices. The result holds the same
 * records as the single-machine {@code inspect} (an {@link Audit} without fit set): counts equal bit for bit, KL and
 * entropies within floating-point summation order.
 *
 * <pre>{@code
 * Dataset<Row> rows = spark.read().parquet("s3://bucket/images.parquet");
 * SparkInspectionResult r = SparkInspection.builder(Path.of("model.onnx"),
 *                 RowInputs.builder().input("pixels").labels("label").build())
 *         .build()
 *         .run(rows);
 * SparkInspection.writeTables(r, Path.of("out"));
 * SparkInspection.writeReport(r, null, Path.of("out/report.html"));
 * }</pre>
 *
 * <p>Layers, logits and interactions are chosen as the audit chooses them: the layers named, else every graph output
 * but the logits, else every {@code Relu} output; the dense layers whose input is inspected, while their counters fit
 * the memory budget. Choice: every layer is viewed {@code FLATTENED} (SPEC's default) with patterns on; the audit's
 * memory rule (channel views for very large maps) is not applied here, so a model whose flattened counters would
 * not fit an executor's heap should be inspected with named, smaller layers.
 *
 * <p>Failures: a task that fails is retried by Spark from its partition's first row with new accumulators (a task
 * keeps nothing between attempts), and only a successful attempt's partial is merged, so nothing is counted twice.
 * An error in the data (null, wrong length, label out of range) fails the job; {@link #run} rethrows the library's
 * exception when Spark carried it to the driver.
 *
 * <p>Made by {@link #builder}; immutable; {@link #run} may be called on several Datasets.
 */
public final class SparkInspection {
    /** The default depth of the tree aggregation (Spark's default for treeReduce). */
    public static final int DEFAULT_TREE_DEPTH = 2;

    private static final Logger LOG = LoggerFactory.getLogger(SparkInspection.class);

    private final Path model;
    private final RowInputs inputs;
    private final String name;
    private final List<String> layers;
    private final String logitsOutput;
    private final int batchSize;
    private final double tau;
    private final double eps;
    private final int bins;
    private final double alpha;
    private final boolean interactions;
    private final boolean patterns;
    private final NonFinitePolicy nonFinite;
    private final SessionConfig session;
    private final int treeDepth;
    private final long memoryBudgetBytes;

    private SparkInspection(Builder b) {
        this.model = b.model;
        this.inputs = b.inputs;
        this.name = b.name;
        this.layers = List.copyOf(b.layers);
        this.logitsOutput = b.logitsOutput;
        this.batchSize = b.batchSize;
        this.tau = b.tau;
        this.eps = b.eps;
        this.bins = b.bins;
        this.alpha = b.alpha;
        this.interactions = b.interactions;
        this.patterns = b.patterns;
        this.nonFinite = b.nonFinite;
        this.session = b.session;
        this.treeDepth = b.treeDepth;
        this.memoryBudgetBytes = b.memoryBudgetBytes;
    }

    /** Starts a builder; the model file and the column mapping are required, the rest has the audit's defaults. */
    public static Builder builder(Path model, RowInputs inputs) {
        return new Builder(model, inputs);
    }

    /**
     * Inspects the rows of {@code data} (one Spark job).
     *
     * @throws IOException                  when the model file cannot be read
     * @throws dev.onnxinspect.data.DatasetException for a column mapping that does not fit the data or the model, a
     *                                      bad value in a row, or a Dataset without rows
     * @throws SparkInspectionException     when the Spark job fails for another reason (the cause is Spark's)
     */
    public SparkInspectionResult run(Dataset<Row> data) throws IOException {
        long start = System.nanoTime();
        OnnxModel onnx = OnnxModel.load(model);
        String sha = Sha256.of(model);
        ClassifierTensors tensors = onnx.classifierTensors(logitsOutput, null, null);
        String logits = tensors.logits();
        List<String> inspected = inspectedLayers(onnx, tensors);
        SparkModel shipped = SparkModel.broadcast(
                data.sparkSession(),
                onnx.instrument(selectors(inspected, logits)).model().toBytes(),
                session);
        try {
            InferenceSession driverSession = shipped.session();
            int k = DetectorLayout.classes(logits, driverSession.outputShape(logits));
            inputs.bind(data.schema(), driverSession.inputs()); // the library's message for a missing column
            // only the mapped columns are read (a Parquet source reads no other column)
            Dataset<Row> columns = data.select(inputs.columns().stream()
                    .map(c -> functions.col("`" + c.replace("`", "``") + "`"))
                    .toArray(Column[]::new));
            RowInputs.Bound bound = inputs.bind(columns.schema(), driverSession.inputs());
            driverSession.checkInputs(bound.specs());
            ClassSource classSource = bound.labelled() ? ClassSource.LABEL : ClassSource.PREDICTED;
            ClassBasis basis = classSource == ClassSource.LABEL ? ClassBasis.LABEL : ClassBasis.PREDICTED;
            StatsOptions stats = StatsOptions.builder(k, basis)
                    .tau(tau)
                    .eps(eps)
                    .bins(bins)
                    .patterns(patterns)
                    .build();
            InteractionOptions interactionOptions = InteractionOptions.builder(k, basis)
                    .bins(bins)
                    .memoryLimitBytes(memoryBudgetBytes)
                    .build();
            Map<String, String> params = new LinkedHashMap<>();
            List<String> dense = interactions ? denseLayers(onnx, inspected, interactionOptions, params) : List.of();
            List<String> outputs = new ArrayList<>(List.of(logits));
            outputs.addAll(inspected);
            int batch = batchSize > 0 ? batchSize : Inspection.autoBatchSize(driverSession, outputs);
            PartitionTask task = new PartitionTask(
                    shipped,
                    bound,
                    name,
                    logits,
                    inspected,
                    batch,
                    classSource,
                    nonFinite,
                    stats,
                    dense,
                    interactionOptions);
            int partitions = data.rdd().getNumPartitions();
            LOG.info(
                    "inspecting {} ({} partitions, batches of {}) with model {}: layers {}",
                    name,
                    partitions,
                    batch,
                    sha,
                    inspected);
            InspectionPartial merged = aggregate(columns, task);
            DatasetRules.requireSamplesRead(name, merged.samples());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            InspectionSummary summary = new InspectionSummary(
                    name,
                    merged.samples(),
                    merged.skipped(),
                    merged.batches(),
                    classSource,
                    merged.classCounts(k),
                    driverSession.device(),
                    elapsed);
            DatasetResult result = new DatasetResult(
                    name,
                    DatasetRole.ID,
                    classSource,
                    summary,
                    merged.layerResults(inspected),
                    new DatasetScores(name, new int[0], new int[0], Map.of()),
                    merged.interactionResults(dense));
            params.put("device", driverSession.device().name());
            params.put("batch_size", Integer.toString(batch));
            params.put("fit_set", "none");
            params.put("interaction_share", "absolute");
            params.put("logits_output", logits);
            params.put("spark.partitions", Integer.toString(partitions));
            params.put("spark.tree_depth", Integer.toString(treeDepth));
            if (nonFinite == NonFinitePolicy.SKIP) {
                params.put("non_finite", "skip");
                params.put("skipped_non_finite." + name, Long.toString(merged.skipped()));
            }
            LOG.info("inspected {} samples of {} in {} ms", merged.samples(), name, elapsed.toMillis());
            return new SparkInspectionResult(
                    auditOptions(inspected, merged.samples(), bound.labelled()),
                    sha,
                    onnx.describe(),
                    inspected,
                    k,
                    result,
                    klWithin(inspected, result, alpha),
                    params);
        } finally {
            shipped.destroy();
        }
    }

    /** Writes the result as the SPEC §12 tables of {@code dir} (as {@code onnx-inspect inspect} does, via arrow-export). */
    public static Map<String, Path> writeTables(SparkInspectionResult result, Path dir) throws IOException {
        return AuditTables.write(result.toAuditResult(), dir, ArrowWriteOptions.defaults(), out -> {});
    }

    /**
     * Writes the result as the self-contained HTML report that {@code onnx-inspect audit} writes (inspect-report's
     * {@link ReportAssembler} on {@link SparkInspectionResult#toAuditResult()}): the same sections, charts and numbers
     * as the single-machine report of the same data, layers and options; only the run parameters differ (the Spark
     * run's {@code spark.*} entries, the device). The file is written atomically (a temporary file renamed over it), so
     * a failure never leaves a truncated report.
     *
     * <p>Choice: the sections that need per-sample values (the ID set's confusion matrix, score distributions, the
     * flagged samples) are empty, as the result keeps no per-sample values ({@link SparkInspectionResult}); the
     * Arrow tables have no {@code scores} table for the same reason.
     *
     * @param classNames the class names (index = class id) or null for the ids, as {@code audit --class-names}
     * @return {@code file}
     * @throws dev.onnxinspect.OnnxInspectException ({@code IO}) when the file cannot be written (e.g. its directory is
     *                                              missing), ({@code INVALID_INPUT}) when it names a directory or
     *                                              another non-regular file
     */
    public static Path writeReport(SparkInspectionResult result, List<String> classNames, Path file)
            throws IOException {
        return ReportAssembler.write(result.toAuditResult(), classNames, null, OutputPaths.file(file));
    }

    private InspectionPartial aggregate(Dataset<Row> data, PartitionTask task) {
        try {
            // Spark SQL's internal rows: array columns are copied as primitive arrays, without the boxing of Row
            return data.queryExecution()
                    .toRdd()
                    .toJavaRDD()
                    .mapPartitions(task::call)
                    .treeAggregate(
                            InspectionPartial.empty(), InspectionPartial::merge, InspectionPartial::merge, treeDepth);
        } catch (OnnxInspectException e) {
            throw e;
        } catch (Exception e) { // Spark's SparkException is checked but thrown from Scala undeclared
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof OnnxInspectException library) {
                    throw library;
                }
            }
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new SparkInspectionException(
                    OnnxInspectException.Kind.INTERNAL,
                    "the Spark job inspecting " + name + " failed: "
                            + message.lines().findFirst().orElse("") + "; see the executors' logs",
                    e);
        }
    }

    /** The audit's layer rule: the layers named, else every graph output but the logits, else every Relu output. */
    private List<String> inspectedLayers(OnnxModel onnx, ClassifierTensors tensors) {
        if (!layers.isEmpty()) {
            return layers;
        }
        List<String> outputs = onnx.describe().outputs().stream()
                .map(ValueInfo::name)
                .filter(n -> !tensors.logitsOutputs().contains(n))
                .toList();
        if (!outputs.isEmpty()) {
            return outputs;
        }
        LOG.info("the model exposes no hidden layer; inspecting every Relu output");
        InstrumentedModel relus = onnx.instrument(TensorSelector.opType("Relu"));
        return relus.selected();
    }

    private static List<TensorSelector> selectors(List<String> layers, String logits) {
        List<TensorSelector> selectors = new ArrayList<>();
        new LinkedHashSet<>(layers).forEach(l -> selectors.add(TensorSelector.name(l)));
        selectors.add(TensorSelector.name(logits));
        return selectors;
    }

    /**
     * The dense layers (Gemm, or MatMul + Add) whose input tensor is inspected and whose SPEC §3 counters fit the
     * memory budget (the others recorded in {@code params} as {@code interactions_skipped.<layer>}).
     */
    private static List<String> denseLayers(
            OnnxModel onnx, List<String> layers, InteractionOptions options, Map<String, String> params) {
        List<String> dense = new ArrayList<>();
        for (NodeInfo node : onnx.describe().nodes()) {
            if (!node.opType().equals("Gemm") && !node.opType().equals("Add")) {
                continue;
            }
            for (String out : node.outputs()) {
                DenseLayer d;
                try {
                    d = onnx.denseLayer(out);
                } catch (OnnxInspectException e) {
                    if (e.kind() == OnnxInspectException.Kind.IO || e.kind() == OnnxInspectException.Kind.INTERNAL) {
                        throw e;
                    }
                    LOG.debug("{} is not a dense layer: {}", out, e.getMessage());
                    continue;
                }
                if (!layers.contains(d.inputName())) {
                    continue;
                }
                var estimate = InteractionAccumulator.estimate(d, options);
                if (estimate.bytes() <= options.memoryLimitBytes()) {
                    dense.add(d.outputName());
                } else {
                    LOG.warn("skipping the interactions of {}: {}", d.outputName(), estimate.description());
                    params.put("interactions_skipped." + d.outputName(), estimate.description());
                }
            }
        }
        return dense;
    }

    /** SPEC §4 within the dataset: per layer S1 and S2, then per dense layer the interaction profiles. */
    static List<KlRow> klWithin(List<String> layers, DatasetResult d, double alpha) {
        List<KlRow> rows = new ArrayList<>();
        for (String layer : layers) {
            LayerStatistics s = d.layers().get(layer);
            if (s == null || s.frequencies().isEmpty()) {
                continue;
            }
            add(rows, layer, "S1", s.frequencies().s1Table(), d.name(), alpha);
            add(rows, layer, "S2", s.frequencies().s2Table(), d.name(), alpha);
        }
        for (Map.Entry<String, InteractionFrequencies> e : d.interactions().entrySet()) {
            add(rows, e.getKey(), "interaction", e.getValue().table(), d.name(), alpha);
        }
        return rows;
    }

    private static void add(
            List<KlRow> rows, String layer, String quantity, FrequencyTable table, String dataset, double alpha) {
        if (table.isEmpty()) {
            return;
        }
        KlMatrix m = KlDivergence.within(ClassProfiles.of(table, alpha), dataset);
        int[] p = m.pClasses();
        int[] q = m.qClasses();
        double[][] v = m.values();
        for (int r = 0; r < p.length; r++) {
            for (int c = 0; c < q.length; c++) {
                rows.add(new KlRow(layer, quantity, m.pLabel(), p[r], m.qLabel(), q[c], v[r][c]));
            }
        }
    }

    /** The options an audit of the same model and parameters would have, its ID set a description of the Dataset. */
    private AuditOptions auditOptions(List<String> inspected, long samples, boolean labelled) {
        return Audit.builder(model)
                .id(new DatasetDescription(name, samples, labelled))
                .layers(inspected)
                .logitsOutput(logitsOutput)
                .batchSize(batchSize)
                .session(session)
                .tau(tau)
                .eps(eps)
                .bins(bins)
                .alpha(alpha)
                .interactions(interactions)
                .patterns(patterns)
                .nonFinite(nonFinite)
                .memoryBudgetBytes(memoryBudgetBytes)
                .options();
    }

    /** The Dataset as an audit's options name it: its name, size and labels; its rows are read by Spark only. */
    private record DatasetDescription(String name, long size, boolean labelled) implements DataSource {
        @Override
        public int[] sampleShape() {
            return new int[] {1};
        }

        @Override
        public Iterator<Batch> batches(int batchSize) {
            throw new SparkInspectionException("the rows of the Spark Dataset " + name + " are read by its"
                    + " partitions; run a SparkInspection on it instead");
        }
    }

    /** Builds a {@link SparkInspection}; the defaults are the audit's (SPEC's). */
    public static final class Builder {
        private final Path model;
        private final RowInputs inputs;
        private String name = "dataset";
        private List<String> layers = List.of();
        private String logitsOutput;
        private int batchSize;
        private double tau;
        private double eps = 1000;
        private int bins = 100;
        private double alpha = ClassProfiles.DEFAULT_ALPHA;
        private boolean interactions = true;
        private boolean patterns = true;
        private NonFinitePolicy nonFinite = NonFinitePolicy.FAIL;
        private SessionConfig session = SparkModel.defaultSessionConfig();
        private int treeDepth = DEFAULT_TREE_DEPTH;
        private long memoryBudgetBytes = AuditOptions.DEFAULT_MEMORY_BUDGET_BYTES;

        private Builder(Path model, RowInputs inputs) {
            if (model == null || inputs == null) {
                throw new SparkInspectionException("a Spark inspection needs a model file and a column mapping, got"
                        + " model " + model + ", inputs " + inputs);
            }
            this.model = model;
            this.inputs = inputs;
        }

        /** The dataset's name in the result and the tables (default {@code dataset}). */
        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        /** The layers (tensor names) to inspect; default: every graph output but the logits, else every Relu. */
        public Builder layers(List<String> value) {
            this.layers = List.copyOf(value);
            return this;
        }

        /** The tensor holding the logits; default: found as the audit finds it. */
        public Builder logitsOutput(String value) {
            this.logitsOutput = value;
            return this;
        }

        /** Samples per ONNX Runtime call within a partition; 0 (default) = {@link Inspection#autoBatchSize}. */
        public Builder batchSize(int value) {
            if (value < 0) {
                throw new SparkInspectionException("batch size must be positive (or 0 for automatic), got " + value);
            }
            this.batchSize = value;
            return this;
        }

        /** S1 threshold (SPEC §1, default 0). */
        public Builder tau(double value) {
            this.tau = value;
            return this;
        }

        /** S2 ratio (SPEC §1, default 1000). */
        public Builder eps(double value) {
            this.eps = value;
            return this;
        }

        /** Histogram bins (SPEC §2, default 100). */
        public Builder bins(int value) {
            this.bins = value;
            return this;
        }

        /** KL smoothing (SPEC §4, default 1e-6). */
        public Builder alpha(double value) {
            this.alpha = value;
            return this;
        }

        /** Whether to count the SPEC §3 interactions of the inspected dense layers (default true). */
        public Builder interactions(boolean value) {
            this.interactions = value;
            return this;
        }

        /** Whether to collect the SPEC §7 patterns (default true; their memory grows with the distinct patterns). */
        public Builder patterns(boolean value) {
            this.patterns = value;
            return this;
        }

        /** What to do with a sample whose outputs hold NaN or an infinity (default FAIL). */
        public Builder nonFinite(NonFinitePolicy value) {
            this.nonFinite = Objects.requireNonNull(value, "nonFinite");
            return this;
        }

        /** How each executor's session runs the model; default {@link SparkModel#defaultSessionConfig()}. */
        public Builder session(SessionConfig value) {
            this.session = Objects.requireNonNull(value, "session");
            return this;
        }

        /** The depth of the tree aggregation of the partials (default 2; at least 1). */
        public Builder treeDepth(int value) {
            if (value < 1) {
                throw new SparkInspectionException("the tree depth must be at least 1, got " + value);
            }
            this.treeDepth = value;
            return this;
        }

        /** The most the interaction counters of one dense layer may take (default 512 MiB, the audit's budget). */
        public Builder memoryBudgetBytes(long value) {
            if (value <= 0) {
                throw new SparkInspectionException("the memory budget must be positive, got " + value);
            }
            this.memoryBudgetBytes = value;
            return this;
        }

        public SparkInspection build() {
            return new SparkInspection(this);
        }
    }
}
