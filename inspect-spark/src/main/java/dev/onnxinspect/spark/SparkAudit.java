package dev.onnxinspect.spark;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.audit.ScoreColumn;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.metrics.OodMetrics;
import dev.onnxinspect.onnx.ClassifierTensors;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.ood.DetectorLayout;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.ScoreCollector;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
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
 * SparkAuditResult r = SparkAudit.builder(Path.of("model.onnx"), "pixels", 1, 28, 28)
 *         .label("label")
 *         .fit(train)
 *         .id("fashion-test", test)
 *         .ood("digits", digits)
 *         .run(spark);
 * r.scored().get("digits").select("sample_id", "energy", "knn").show();
 * }</pre>
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
 * hyperparameter tuning and no memory rule for the banks (every bank detector is fitted); the layer statistics of
 * SPEC §1-4, §7-8 are the distributed inspection's, not this class's.
 */
public final class SparkAudit {
    private static final Logger LOG = LoggerFactory.getLogger(SparkAudit.class);
    /** The column of the predicted class added to every scored Dataset. */
    public static final String PREDICTED = "predicted";

    private SparkAudit() {}

    /**
     * Starts an audit of the model file, reading each sample from the {@code array<float>} column {@code inputColumn}
     * (row-major values of one sample of shape {@code sampleShape}, e.g. 1, 28, 28).
     */
    public static Builder builder(Path model, String inputColumn, int... sampleShape) {
        return new Builder(model, inputColumn, sampleShape);
    }

    /**
     * What to audit; made by {@link SparkAudit#builder}. Required: the ID set; the fit set is required too (this class
     * is the distributed fit). Defaults as the single-machine audit: tau 0, alpha 1e-6, automatic batch size, the
     * logits, features and head found from the model, the pattern layers every graph output that is not the logits.
     */
    public static final class Builder {
        private final Path model;
        private final String input;
        private final int[] sampleShape;
        private String label;
        private Dataset<Row> fit;
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

        private Builder(Path model, String input, int[] sampleShape) {
            this.model = Objects.requireNonNull(model, "model");
            this.input = Objects.requireNonNull(input, "inputColumn");
            this.sampleShape = sampleShape.clone();
        }

        /** The int label column (required on the fit set; on the ID set it gives the accuracy). */
        public Builder label(String column) {
            label = Objects.requireNonNull(column, "column");
            return this;
        }

        /** The labelled ID fit set (never the evaluation set). */
        public Builder fit(Dataset<Row> value) {
            fit = Objects.requireNonNull(value, "fit");
            return this;
        }

        /** The ID evaluation set and its name in the metrics. */
        public Builder id(String name, Dataset<Row> value) {
            idName = Objects.requireNonNull(name, "name");
            id = Objects.requireNonNull(value, "id");
            return this;
        }

        /** Adds an OOD set under a name of its own. */
        public Builder ood(String name, Dataset<Row> value) {
            Objects.requireNonNull(name, "name");
            if (name.equals(idName) || ood.containsKey(name)) {
                throw new OnnxInspectException("two evaluated datasets are both named '" + name + "'; every dataset"
                        + " of an audit needs its own name");
            }
            ood.put(name, Objects.requireNonNull(value, "ood"));
            return this;
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
         * @throws OnnxInspectException  when the model, a column or an option does not fit (the message says what to
         *                               change)
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
            if (label == null) {
                throw new DatasetException("the fit set needs labels: name the int label column with label(...)");
            }
            if (sampleShape.length == 0) {
                throw new OnnxInspectException("give the shape of one sample, e.g. builder(model, \"pixels\", 784)");
            }
            for (int d : sampleShape) {
                if (d < 1) {
                    throw new OnnxInspectException(
                            "every dimension of the sample shape must be >= 1, got " + Arrays.toString(sampleShape));
                }
            }
            if (batchSize < 0 || treeDepth < 1) {
                throw new OnnxInspectException("batch size must be >= 0 (0 = automatic) and tree depth >= 1, got "
                        + batchSize + " and " + treeDepth);
            }
        }
    }

    private static SparkAuditResult run(Builder b, SparkSession spark) throws IOException {
        OnnxModel model = OnnxModel.load(b.model);
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
        int k = DetectorLayout.classes(logits, driverSession.outputShape(logits));
        DetectorLayout layout = new DetectorLayout(logits, tensors.features(), layers, k);
        List<String> skipped = new ArrayList<>();
        layout.standardSuite(tensors.head(), tensors.headMissing(), b.tau, b.alpha, skipped);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Partitions plan = new Partitions(
                shipped, layout, tensors.head(), tensors.headMissing(), b.tau, b.alpha, b.batchSize, b.sampleShape);

        AuditRows.checkColumns(b.fit.schema(), "the fit set", b.input, b.label);
        Map<String, Dataset<Row>> evaluated = new LinkedHashMap<>();
        evaluated.put(b.idName, b.id);
        evaluated.putAll(b.ood);
        // Choice: the ID set's accuracy where it has the label column (as the audit, from its labels), else none
        String idLabel = List.of(b.id.schema().fieldNames()).contains(b.label) ? b.label : null;
        AuditRows.checkColumns(b.id.schema(), b.idName, b.input, idLabel);
        evaluated.forEach((name, ds) -> {
            AuditRows.checkColumns(ds.schema(), name, b.input, null);
            if (ds.isEmpty()) { // before the fit: a one-row job
                throw new DatasetException("the Dataset " + name + " has no rows; every evaluated set needs samples");
            }
        });
        FitPart fitted = b.fit.select(b.input, b.label)
                .javaRDD()
                .mapPartitions(new FitPartition(plan))
                .treeReduce(FitPart::merge, b.treeDepth);
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
        scored.put(b.idName, score(b.id, b.idName, b, plan, shippedSuite, columns));
        b.ood.forEach((name, ds) -> scored.put(name, score(ds, name, b, plan, shippedSuite, columns)));
        scored.forEach(
                (name, ds) -> scores.put(name, Scores.collect(ds, columns, name.equals(b.idName) ? idLabel : null)));

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
        return new SparkAuditResult(suite, skipped, fitted.samples(), columns, scored, metrics, accuracy);
    }

    private static Dataset<Row> score(
            Dataset<Row> ds,
            String name,
            Builder b,
            Partitions plan,
            Broadcast<DetectorSuite> suite,
            List<ScoreColumn> columns) {
        StructType schema = ds.schema();
        AuditRows.checkColumns(schema, name, b.input, null);
        StructType out = schema.add(PREDICTED, DataTypes.IntegerType, false);
        for (ScoreColumn c : columns) {
            if (List.of(schema.fieldNames()).contains(c.tableColumn())
                    || c.tableColumn().equals(PREDICTED)) {
                throw new DatasetException("the Dataset " + name + " already has a column " + c.tableColumn() + ";"
                        + " rename it, the audit adds its scores under that name");
            }
            out = out.add(c.tableColumn(), DataTypes.DoubleType, false);
        }
        if (List.of(schema.fieldNames()).contains(PREDICTED)) {
            throw new DatasetException("the Dataset " + name + " already has a column " + PREDICTED + "; rename it,"
                    + " the audit adds the predicted class under that name");
        }
        int inputIndex = schema.fieldIndex(b.input);
        return ds.mapPartitions(new ScorePartition(plan, suite, name, inputIndex), Encoders.row(out))
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
            int batchSize,
            int[] sampleShape)
            implements Serializable {
        Partitions {
            sampleShape = sampleShape.clone();
        }

        InferenceSession session() {
            return model.session();
        }

        Inspection inspection(InferenceSession session, InMemoryDataset source, ClassSource classes) {
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

    /** One partition of the fit set into one {@link FitPart} (an empty partition gives an empty part). */
    private static final class FitPartition implements FlatMapFunction<Iterator<Row>, FitPart> {
        private static final long serialVersionUID = 1L;
        private final Partitions plan;

        FitPartition(Partitions plan) {
            this.plan = plan;
        }

        @Override
        public Iterator<FitPart> call(Iterator<Row> rows) {
            DetectorSuite.Builder builder = plan.layout()
                    .standardSuite(plan.head(), plan.headMissing(), plan.tau(), plan.alpha(), new ArrayList<>());
            List<Row> buffered = new ArrayList<>();
            rows.forEachRemaining(buffered::add);
            if (!buffered.isEmpty()) {
                InMemoryDataset source = AuditRows.source("fit", buffered, 0, 1, plan.sampleShape());
                InferenceSession session = plan.session();
                plan.inspection(session, source, ClassSource.LABEL)
                        .run(plan.layout().fitting(builder));
            }
            return List.of(new FitPart(builder, buffered.size())).iterator();
        }
    }

    /** One partition of an evaluated set: its rows with the predicted class and the scores appended. */
    private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Partitions plan;
        private final Broadcast<DetectorSuite> suite;
        private final String name;
        private final int input;

        ScorePartition(Partitions plan, Broadcast<DetectorSuite> suite, String name, int input) {
            this.plan = plan;
            this.suite = suite;
            this.name = name;
            this.input = input;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            List<Row> buffered = new ArrayList<>();
            rows.forEachRemaining(buffered::add);
            if (buffered.isEmpty()) {
                return buffered.iterator();
            }
            InMemoryDataset source = AuditRows.source(name, buffered, input, -1, plan.sampleShape());
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
                select.add(scored.col(label));
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
                    labels[i] = r.getInt(1 + columns.size());
                }
            }
            return new Scores(values, predicted, labels);
        }
    }
}
