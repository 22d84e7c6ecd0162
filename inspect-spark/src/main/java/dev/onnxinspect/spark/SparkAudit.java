package dev.onnxinspect.spark;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.arrow.AuditTables;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditOptions;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.DatasetRole;
import dev.onnxinspect.audit.DatasetScores;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.audit.ScoreColumn;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.InspectionSummary;
import dev.onnxinspect.io.OutputPaths;
import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.metrics.OodMetrics;
import dev.onnxinspect.onnx.ClassifierTensors;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.ood.DetectorLayout;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.ScoreCollector;
import dev.onnxinspect.report.ReportAssembler;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.ModelInput;
import dev.onnxinspect.runtime.SessionConfig;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit's OOD detectors (SPEC §5, §5b) fitted, and their scores and SPEC §6 metrics computed, on Spark
 * {@code Dataset<Row>}s: the same detectors, scores and {@link MetricsRow}s as the single-machine
 * {@link dev.onnxinspect.audit.Audit} on the same data.
 *
 * <pre>{@code
 * SparkAuditResult r = SparkAudit.builder(Path.of("model.onnx"),
 *                 RowInputs.builder().input("pixels").labels("label").build())
 *         .fit(train)
 *         .id("fashion-test", test)
 *         .ood("digits", digits)
 *         .run(spark);
 * r.scored().get("digits").select("sample_id", "energy", "knn").show();
 * }</pre>
 *
 * <p>Rows are read as the distributed inspection reads them ({@link RowInputs}: numeric arrays, number and binary
 * columns converted to the model input's type by the CLI's rules, flat rows reshaped to the model's sample shape,
 * several inputs each from its own column); the label column is read on the fit set (required) and on every evaluated
 * set that has it (the ID set's accuracy and confusion matrix; the scores table's labels, as the audit writes a
 * labelled source's). A bad column is refused on the driver before any
 * task runs, a bad row fails the job; both errors name the set ("the fit set: ...", "the Dataset digits: ...").
 *
 * <p>Flow: the driver instruments the model (logits, features, pattern layers) and broadcasts its bytes once
 * ({@link SparkModel}); each executor JVM opens one ONNX Runtime session per model and reuses it across tasks.
 * <b>Fit</b>: every partition of the fit Dataset runs its samples through the model into a fresh
 * {@link DetectorSuite.Builder} (one fit accumulator per detector, {@link DetectorLayout#standardSuite}); the partial
 * builders cross the wire (Java serialization, exact) and are merged by a tree aggregation ({@code treeReduce},
 * {@link DetectorSuite.Builder#merge}); the driver fits the merged accumulators. A retried task (a lost executor, a
 * failure mid-partition) recomputes its partition from the start into a new builder and Spark keeps only one attempt's
 * result, so nothing is counted twice. <b>Score</b>: the fitted suite is broadcast; every partition of an evaluated
 * Dataset is scored and its rows come back with the columns {@code predicted} (argmax of the logits, ties to the lowest
 * index) and one float64 column per detector, named as in the SPEC §12 scores table ({@link ScoreColumn#tableColumn()}:
 * {@code energy}, {@code nap_hamming@relu1}), so that a user can join them with anything. <b>Metrics</b>: SPEC §6 for
 * the ID set against each OOD set, from the score columns.
 *
 * <p>How each fit merges (the library's accumulators): mergeable sums and moments — class means and the shared
 * covariance (Mahalanobis, RMDS; Chan's update: equal to one pass up to float64 rounding), class templates
 * (KL-Matching), class feature sums (SHE), the mean h (fDBD, DICE's means), the S1 class counts (activation-profile
 * KL, pattern distance: integers, exact), NAC-UE's interval counts (integers); gathered — every sample kept and
 * concatenated — where the fit needs the samples themselves: the KNN bank (d float64 per sample), NNGuide's and
 * Relation's banks (d, and d + K, float64 per sample), NAP's distinct patterns per class (ceil(n / 64) longs per
 * distinct pattern), ViM's features (d float32 per sample, for the principal subspace and the residual scale), ReAct's
 * percentile (exact, SPEC's type 7 over every fit entry: d float32 per sample), the temperature fits (K float32 and
 * one int per sample). So the driver holds, for N fit samples and d features, about N x (8 d + 8 d + 8 (d + K) + 4 d
 * + 4 d + 2 x (4 K + 4)) = N x (32 d + 16 K + 8) bytes at the merge, e.g. 10,000 samples of d = 128, K = 10: 43 MB.
 * A partition's partial holds the same for its own samples.
 *
 * <p>Memory on the driver besides: every evaluated sample's scores (8 bytes per detector and sample) and prediction,
 * collected for the metrics (SPEC §6 ranks all scores, as the single-machine audit does). On an executor: one
 * partition's rows and samples (the plumbing buffers a partition) and its scores.
 *
 * <p>Choice: the scored Datasets are persisted ({@link StorageLevel#MEMORY_AND_DISK()}) so that the metrics and the
 * caller read the same scores without a second inference; {@link SparkAuditResult#unpersist()} releases them.
 * Choice: layers are read flattened (the single-machine audit's memory rule may view a convolutional map by channel
 * means; here every pattern layer is flattened, so compare with such an audit only on flattened layers), there is no
 * hyperparameter tuning (SPEC §6b: the library's {@code Tuning} is internal to the single-machine audit and its
 * candidates' fit accumulators are not mergeable across partitions yet) and no memory rule for the banks (every bank
 * detector is fitted); the layer statistics of
 * SPEC §1-4, §7-8 are the distributed inspection's, not this class's.
 */
public final class SparkAudit {
    private static final Logger LOG = LoggerFactory.getLogger(SparkAudit.class);
    /** The column of the predicted class added to every scored Dataset. */
    public static final String PREDICTED = "predicted";

    private SparkAudit() {}

    /**
     * Starts an audit of the model file, its inputs read from the columns {@code inputs} maps; its label column
     * (required: the fit set is labelled) is read on the fit set and on every evaluated set that has it.
     */
    public static Builder builder(Path model, RowInputs inputs) {
        return new Builder(model, inputs);
    }

    /**
     * What to audit; made by {@link SparkAudit#builder}. Required: the ID set; the fit set is required too (this class
     * is the distributed fit). Defaults as the single-machine audit: tau 0, alpha 1e-6, automatic batch size, the
     * logits, features and head found from the model, the pattern layers every graph output that is not the logits.
     */
    public static final class Builder {
        private final Path model;
        private final RowInputs inputs;
        private Dataset<Row> fit;
        private String fitName = "fit";
        private String idName;
        private Dataset<Row> id;
        private final Map<String, Dataset<Row>> ood = new LinkedHashMap<>();
        private List<String> layers;
        private String logitsOutput;
        private String featureLayer;
        private String head;
        private int batchSize;
        private double tau;
        private double alpha = 1e-6;
        private int treeDepth = 2;

        private Builder(Path model, RowInputs inputs) {
            this.model = Objects.requireNonNull(model, "model");
            this.inputs = Objects.requireNonNull(inputs, "inputs");
        }

        /** The labelled ID fit set (never the evaluation set). */
        public Builder fit(Dataset<Row> value) {
            fit = Objects.requireNonNull(value, "fit");
            return this;
        }

        /** The labelled ID fit set and its name in the result's parameters (default "fit"). */
        public Builder fit(String name, Dataset<Row> value) {
            fitName = Objects.requireNonNull(name, "name");
            return fit(value);
        }

        /** The ID evaluation set and its name in the metrics. */
        public Builder id(String name, Dataset<Row> value) {
            Objects.requireNonNull(name, "name");
            if (ood.containsKey(name)) {
                throw duplicate(name);
            }
            idName = name;
            id = Objects.requireNonNull(value, "id");
            return this;
        }

        /** Adds an OOD set under a name of its own. */
        public Builder ood(String name, Dataset<Row> value) {
            Objects.requireNonNull(name, "name");
            if (name.equals(idName) || ood.containsKey(name)) {
                throw duplicate(name);
            }
            ood.put(name, Objects.requireNonNull(value, "ood"));
            return this;
        }

        private static OnnxInspectException duplicate(String name) {
            return new OnnxInspectException("two evaluated datasets are both named '" + name + "'; every dataset of"
                    + " an audit needs its own name");
        }

        /** The layers of the per-layer detectors (NAP, activation-profile KL, pattern distance); default: see class. */
        public Builder layers(List<String> value) {
            layers = List.copyOf(value);
            return this;
        }

        /** The logits tensor, the features and the dense head, as {@code OnnxModel#classifierTensors} takes them. */
        public Builder tensors(String logits, String features, String headTensorOrNode) {
            logitsOutput = logits;
            featureLayer = features;
            head = headTensorOrNode;
            return this;
        }

        /** Samples per ONNX Runtime call; 0 (default) = automatic. */
        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        /** S1 threshold tau of the per-layer detectors (SPEC §1), default 0. */
        public Builder tau(double value) {
            tau = value;
            return this;
        }

        /** Profile smoothing alpha of activation-profile KL (SPEC §4), default 1e-6. */
        public Builder alpha(double value) {
            alpha = value;
            return this;
        }

        /** The depth of the tree aggregation of the fit partials (Spark's {@code treeReduce}), default 2. */
        public Builder treeDepth(int value) {
            treeDepth = value;
            return this;
        }

        /**
         * Fits, scores and evaluates.
         *
         * @throws IOException           when the model file cannot be read
         * @throws OnnxInspectException  when the model, a column, a row or an option does not fit (the message says
         *                               what to change)
         */
        public SparkAuditResult run(SparkSession spark) throws IOException {
            check();
            return SparkAudit.run(this, Objects.requireNonNull(spark, "spark"));
        }

        private void check() {
            if (id == null || fit == null) {
                throw new OnnxInspectException("a distributed audit needs a fit set and an ID set: call fit(...) and"
                        + " id(name, ...) on the builder");
            }
            if (inputs.labelColumn() == null) {
                throw new DatasetException("the fit set needs labels: map the integer label column with"
                        + " RowInputs.Builder#labels(column) (--labels COLUMN)");
            }
            if (batchSize < 0 || treeDepth < 1) {
                throw new OnnxInspectException("batch size must be >= 0 (0 = automatic) and tree depth >= 1, got "
                        + batchSize + " and " + treeDepth);
            }
        }
    }

    /**
     * Writes the audit's SPEC §12 tables into {@code dir} (on the driver), as the single-machine {@code audit} writes
     * them: {@code scores} (every evaluated sample's label, prediction and scores, by the Dataset's row order),
     * {@code ood_metrics} and {@code roc_curve} (SPEC §6), {@code confusion_matrix} (when the ID set has labels) and
     * the manifest. The layer tables are written without rows: the layer statistics are the distributed inspection's
     * ({@link SparkInspection#writeTables}). Returns the files by table name.
     */
    public static Map<String, Path> writeTables(SparkAuditResult result, Path dir) throws IOException {
        return AuditTables.write(result.tables(), dir, ArrowWriteOptions.defaults(), out -> {});
    }

    /**
     * Writes the audit's self-contained HTML report (inspect-report's {@link ReportAssembler} on
     * {@link SparkAuditResult#tables()}, as {@code onnx-inspect audit} writes it): the detector sections (metrics
     * table, ROC small multiples, score distributions, the most and least anomalous samples), the ID set's confusion
     * matrix and accuracy are those of the single-machine report of the same data; the layer sections (SPEC §1-4,
     * §7-8) are empty, as the statistics are the distributed inspection's ({@link SparkInspection#writeReport}). The
     * file is written atomically.
     *
     * <p>Choice: the flagged samples are listed by their scores without their input images (the report would read
     * the samples again from their data source; a Spark Dataset is read by its partitions only).
     *
     * @param classNames the class names (index = class id) or null for the ids, as {@code audit --class-names}
     * @return {@code file}
     */
    public static Path writeReport(SparkAuditResult result, List<String> classNames, Path file) throws IOException {
        return ReportAssembler.write(result.tables(), classNames, null, OutputPaths.file(file));
    }

    private static SparkAuditResult run(Builder b, SparkSession spark) throws IOException {
        long start = System.nanoTime();
        OnnxModel model = OnnxModel.load(b.model);
        String sha = Sha256.of(b.model);
        ClassifierTensors tensors = model.classifierTensors(b.logitsOutput, b.featureLayer, b.head);
        String logits = tensors.logits();
        List<String> layers = b.layers != null
                ? b.layers
                : model.describe().outputs().stream()
                        .map(ValueInfo::name)
                        .filter(n -> !tensors.logitsOutputs().contains(n))
                        .toList();
        List<TensorSelector> selectors = new ArrayList<>();
        layers.forEach(l -> selectors.add(TensorSelector.name(l)));
        if (tensors.features() != null) {
            selectors.add(TensorSelector.name(tensors.features()));
        }
        selectors.add(TensorSelector.name(logits));
        byte[] bytes = model.instrument(selectors).model().toBytes();
        // Choice: ONNX Runtime's default thread counts, as the audit has always run (not SparkModel's one thread)
        SparkModel shipped = SparkModel.broadcast(spark, bytes, SessionConfig.defaults());
        InferenceSession driverSession = shipped.session();
        List<ModelInput> modelInputs = driverSession.inputs();
        int k = DetectorLayout.classes(logits, driverSession.outputShape(logits));
        DetectorLayout layout = new DetectorLayout(logits, tensors.features(), layers, k);
        List<String> skipped = new ArrayList<>();
        layout.standardSuite(tensors.head(), tensors.headMissing(), b.tau, b.alpha, skipped);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Partitions plan =
                new Partitions(shipped, layout, tensors.head(), tensors.headMissing(), b.tau, b.alpha, b.batchSize);

        // every mapping is checked on the driver before any model run: the fit set with its labels
        String fitWhat = "the fit set";
        bind(b.inputs, b.fit.schema(), fitWhat, modelInputs); // the library's message for a missing column
        Dataset<Row> fitColumns = b.fit.select(b.inputs.columns().stream()
                .map(c -> functions.col("`" + c.replace("`", "``") + "`"))
                .toArray(Column[]::new));
        RowInputs.Bound fitRows = bind(b.inputs, fitColumns.schema(), fitWhat, modelInputs);
        driverSession.checkInputs(fitRows.specs());
        Map<String, Dataset<Row>> evaluated = new LinkedHashMap<>();
        evaluated.put(b.idName, b.id);
        evaluated.putAll(b.ood);
        // Choice: an evaluated set's labels are read where it has the label column (as the audit reads a labelled
        // source's: the ID set's accuracy and confusion matrix, the scores table's label column), else none
        String label = b.inputs.labelColumn();
        Map<String, Boolean> labelled = new LinkedHashMap<>();
        evaluated.forEach((name, ds) ->
                labelled.put(name, Arrays.asList(ds.schema().fieldNames()).contains(label)));
        Map<String, RowInputs.Bound> bound = new LinkedHashMap<>();
        evaluated.forEach((name, ds) -> {
            RowInputs mapping = labelled.get(name) ? b.inputs : b.inputs.withoutLabels();
            bound.put(name, bind(mapping, ds.schema(), "the Dataset " + name, modelInputs));
            checkNewColumns(ds.schema(), name);
        });
        evaluated.forEach((name, ds) -> {
            if (job("the Dataset " + name, ds::isEmpty)) { // before the fit: a one-row job
                throw new DatasetException("the Dataset " + name + " has no rows; every evaluated set needs samples");
            }
        });
        FitPart fitted = job(
                fitWhat,
                () -> fitColumns
                        .queryExecution()
                        .toRdd()
                        .toJavaRDD()
                        .mapPartitions(new FitPartition(plan, fitRows))
                        .treeReduce(FitPart::merge, b.treeDepth));
        if (fitted.samples() == 0) {
            throw new DatasetException("the fit Dataset has no rows; detectors are fitted on a labelled ID set");
        }
        DetectorSuite suite = fitted.builder().buildSkippingFailures(skipped);
        LOG.info(
                "fitted {} detectors on {} samples; left out: {}",
                suite.detectors().size(),
                fitted.samples(),
                skipped);
        Broadcast<DetectorSuite> shippedSuite = jsc.broadcast(suite);
        List<ScoreColumn> columns =
                suite.detectors().stream().map(ScoreColumn::of).toList();

        Map<String, Dataset<Row>> scored = new LinkedHashMap<>();
        Map<String, Scores> scores = new LinkedHashMap<>();
        evaluated.forEach(
                (name, ds) -> scored.put(name, score(ds, name, bound.get(name), plan, shippedSuite, columns)));
        scored.forEach((name, ds) -> scores.put(
                name,
                job("the Dataset " + name, () -> Scores.collect(ds, columns, labelled.get(name) ? label : null))));

        Scores idScores = scores.get(b.idName);
        List<MetricsRow> metrics = new ArrayList<>();
        for (String oodName : b.ood.keySet()) {
            Scores oodScores = scores.get(oodName);
            for (int c = 0; c < columns.size(); c++) {
                ScoreColumn col = columns.get(c);
                metrics.add(new MetricsRow(
                        col.name(),
                        col.detector(),
                        col.layer(),
                        b.idName,
                        oodName,
                        OodMetrics.evaluate(idScores.columns()[c], oodScores.columns()[c])));
            }
        }
        OptionalDouble accuracy = idScores.labels() == null
                ? OptionalDouble.empty()
                : OptionalDouble.of(OodMetrics.accuracy(idScores.predicted(), idScores.labels()));
        shipped.unpersist();

        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        List<DatasetResult> datasets = new ArrayList<>();
        scores.forEach((name, s) -> datasets.add(s.result(
                name, name.equals(b.idName) ? DatasetRole.ID : DatasetRole.OOD, columns, k, driverSession, elapsed)));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("device", driverSession.device().name());
        params.put("batch_size", Integer.toString(b.batchSize));
        params.put("fit_set", b.fitName + " (" + fitted.samples() + " samples)");
        params.put("logits_output", logits);
        params.put("feature_layer", tensors.features() == null ? "none" : tensors.features());
        params.put("spark.fit_partitions", Integer.toString(b.fit.rdd().getNumPartitions()));
        params.put("spark.tree_depth", Integer.toString(b.treeDepth));
        params.put("skipped_detectors", String.join("; ", skipped));
        if (!Double.isNaN(datasets.get(0).accuracy())) {
            // SPEC §6, as the audit records it (its own quotient: the ID set's correct predictions over its samples)
            params.put("id_accuracy", Double.toString(datasets.get(0).accuracy()));
        }
        AuditResult tables = new AuditResult(
                auditOptions(b, layers, fitted.samples(), scores),
                sha,
                model.describe(),
                layers,
                tensors.features(),
                k,
                datasets,
                null,
                metrics,
                List.of(),
                params,
                skipped,
                List.of(),
                null,
                columns);
        return new SparkAuditResult(suite, skipped, fitted.samples(), columns, scored, metrics, accuracy, tables);
    }

    /** The mapping bound to a schema; its refusal names the set ("the fit set: column 'x' ..."). */
    private static RowInputs.Bound bind(
            RowInputs inputs, StructType schema, String what, List<ModelInput> modelInputs) {
        try {
            return inputs.bind(schema, modelInputs);
        } catch (DatasetException e) {
            throw new DatasetException(e.kind(), what + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a set that already has the prediction's column (the score columns are checked after the fit). */
    private static void checkNewColumns(StructType schema, String name) {
        List<String> present = Arrays.asList(schema.fieldNames());
        if (present.contains(PREDICTED)) {
            throw new DatasetException("the Dataset " + name + " already has a column " + PREDICTED + "; rename it,"
                    + " the audit adds the predicted class under that name");
        }
    }

    /**
     * Runs a Spark job; a library refusal carried back from a task (a bad row) is rethrown naming the set, any other
     * failure as one line that points to the executors' logs.
     */
    private static <T> T job(String what, Supplier<T> job) {
        try {
            return job.get();
        } catch (OnnxInspectException e) {
            throw e;
        } catch (Exception e) { // Spark's SparkException is checked but thrown from Scala undeclared
            // the data's refusal of a row (under the inspection's own wrapper), else the first library exception
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof DatasetException data) {
                    throw new DatasetException(data.kind(), what + ": " + data.getMessage(), data);
                }
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof OnnxInspectException library) {
                    throw library;
                }
            }
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new SparkInspectionException(
                    OnnxInspectException.Kind.INTERNAL,
                    "the Spark job auditing " + what + " failed: "
                            + message.lines().findFirst().orElse("") + "; see the executors' logs",
                    e);
        }
    }

    /** The options a single-machine audit of the same model and parameters would have (for the tables' metadata). */
    private static AuditOptions auditOptions(
            Builder b, List<String> layers, long fitSamples, Map<String, Scores> scores) {
        Audit.Builder audit = Audit.builder(b.model)
                .fit(new DescribedDataset(b.fitName, fitSamples, true))
                .layers(layers)
                .logitsOutput(b.logitsOutput)
                .batchSize(b.batchSize)
                .tau(b.tau)
                .alpha(b.alpha);
        scores.forEach((name, s) -> {
            DescribedDataset d = new DescribedDataset(name, s.predicted().length, s.labels() != null);
            if (name.equals(b.idName)) {
                audit.id(d);
            } else {
                audit.ood(d);
            }
        });
        return audit.options();
    }

    private static Dataset<Row> score(
            Dataset<Row> ds,
            String name,
            RowInputs.Bound rows,
            Partitions plan,
            Broadcast<DetectorSuite> suite,
            List<ScoreColumn> columns) {
        StructType schema = ds.schema();
        StructType out = schema.add(PREDICTED, DataTypes.IntegerType, false);
        for (ScoreColumn c : columns) {
            if (List.of(schema.fieldNames()).contains(c.tableColumn())
                    || c.tableColumn().equals(PREDICTED)) {
                throw new DatasetException("the Dataset " + name + " already has a column " + c.tableColumn() + ";"
                        + " rename it, the audit adds its scores under that name");
            }
            out = out.add(c.tableColumn(), DataTypes.DoubleType, false);
        }
        return ds.mapPartitions(new ScorePartition(plan, suite, name, rows), Encoders.row(out))
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    /** What every task needs: the model (broadcast), the detector wiring and the fit parameters. */
    private record Partitions(
            SparkModel model,
            DetectorLayout layout,
            DenseLayer head,
            String headMissing,
            double tau,
            double alpha,
            int batchSize)
            implements Serializable {
        InferenceSession session() {
            return model.session();
        }

        Inspection inspection(InferenceSession session, DataSource source, ClassSource classes) {
            return Inspection.builder(session, source)
                    .logitsOutput(layout.logitsOutput())
                    .layers(layout.layers())
                    .batchSize(batchSize)
                    .classSource(classes)
                    .build();
        }
    }

    /** A partition's fit: the suite builder that saw its samples, and how many. */
    private record FitPart(DetectorSuite.Builder builder, long samples) implements Serializable {
        FitPart merge(FitPart other) {
            return new FitPart(builder.merge(other.builder), samples + other.samples);
        }
    }

    /**
     * One partition of the fit set (Spark SQL's internal rows of the mapped columns, each copied as it is read,
     * {@link RowInputs.Bound#copy}) into one {@link FitPart}; an empty partition gives an empty part.
     */
    private static final class FitPartition implements FlatMapFunction<Iterator<InternalRow>, FitPart> {
        private static final long serialVersionUID = 1L;
        private final Partitions plan;
        private final RowInputs.Bound rows;

        FitPartition(Partitions plan, RowInputs.Bound rows) {
            this.plan = plan;
            this.rows = rows;
        }

        @Override
        public Iterator<FitPart> call(Iterator<InternalRow> internal) {
            DetectorSuite.Builder builder = plan.layout()
                    .standardSuite(plan.head(), plan.headMissing(), plan.tau(), plan.alpha(), new ArrayList<>());
            if (!internal.hasNext()) {
                return List.of(new FitPart(builder, 0)).iterator();
            }
            RowSource source = RowSource.internal("fit", rows, internal, TaskContext.get());
            InspectionSummary summary = plan.inspection(plan.session(), source, ClassSource.LABEL)
                    .run(plan.layout().fitting(builder));
            return List.of(new FitPart(builder, summary.samples())).iterator();
        }
    }

    /** One partition of an evaluated set: its rows with the predicted class and the scores appended. */
    private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Partitions plan;
        private final Broadcast<DetectorSuite> suite;
        private final String name;
        private final RowInputs.Bound rows;

        ScorePartition(Partitions plan, Broadcast<DetectorSuite> suite, String name, RowInputs.Bound rows) {
            this.plan = plan;
            this.suite = suite;
            this.name = name;
            this.rows = rows;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            List<Row> buffered = new ArrayList<>();
            input.forEachRemaining(buffered::add);
            if (buffered.isEmpty()) {
                return buffered.iterator();
            }
            RowSource source = new RowSource(name, rows, buffered.iterator(), TaskContext.get());
            ScoreCollector collector = plan.layout().scoring(suite.value());
            plan.inspection(plan.session(), source, ClassSource.PREDICTED).run(collector);
            int[] predicted = collector.predicted();
            List<double[]> scores = new ArrayList<>(collector.columns().values());
            List<Row> out = new ArrayList<>(buffered.size());
            for (int i = 0; i < buffered.size(); i++) {
                Row row = buffered.get(i);
                Object[] values = new Object[row.size() + 1 + scores.size()];
                for (int j = 0; j < row.size(); j++) {
                    values[j] = row.get(j);
                }
                values[row.size()] = predicted[i];
                for (int d = 0; d < scores.size(); d++) {
                    values[row.size() + 1 + d] = scores.get(d)[i];
                }
                out.add(RowFactory.create(values));
            }
            return out.iterator();
        }
    }

    /** An evaluated set's scores on the driver, in the Dataset's row order. */
    private record Scores(double[][] columns, int[] predicted, int[] labels) {
        static Scores collect(Dataset<Row> scored, List<ScoreColumn> columns, String label) {
            List<Column> select = new ArrayList<>();
            select.add(scored.col(PREDICTED));
            columns.forEach(c -> select.add(scored.col("`" + c.tableColumn() + "`")));
            if (label != null) {
                select.add(scored.col("`" + label.replace("`", "``") + "`"));
            }
            List<Row> rows = scored.select(select.toArray(new Column[0])).collectAsList();
            int n = rows.size();
            double[][] values = new double[columns.size()][n];
            int[] predicted = new int[n];
            int[] labels = label == null ? null : new int[n];
            for (int i = 0; i < n; i++) {
                Row r = rows.get(i);
                predicted[i] = r.getInt(0);
                for (int c = 0; c < columns.size(); c++) {
                    values[c][i] = r.getDouble(1 + c);
                }
                if (labels != null) {
                    labels[i] = ((Number) r.get(1 + columns.size())).intValue();
                }
            }
            return new Scores(values, predicted, labels);
        }

        /** As the single-machine audit's record of the set: its per-sample scores, no layer statistics. */
        DatasetResult result(
                String name,
                DatasetRole role,
                List<ScoreColumn> scoreColumns,
                int k,
                InferenceSession session,
                Duration elapsed) {
            Map<String, double[]> byDetector = new LinkedHashMap<>();
            for (int c = 0; c < scoreColumns.size(); c++) {
                byDetector.put(scoreColumns.get(c).name(), columns[c]);
            }
            int[] labelValues = labels;
            if (labelValues == null) {
                labelValues = new int[predicted.length];
                Arrays.fill(labelValues, -1);
            }
            ClassSource source = labels == null ? ClassSource.PREDICTED : ClassSource.LABEL;
            long[] counts = new long[k];
            for (int i = 0; i < predicted.length; i++) {
                int c = labels == null ? predicted[i] : labels[i];
                if (c >= 0 && c < k) {
                    counts[c]++;
                }
            }
            InspectionSummary summary =
                    new InspectionSummary(name, predicted.length, 0, 0, source, counts, session.device(), elapsed);
            return new DatasetResult(
                    name,
                    role,
                    source,
                    summary,
                    Map.of(),
                    new DatasetScores(name, labelValues, predicted, byDetector),
                    Map.of());
        }
    }
}
