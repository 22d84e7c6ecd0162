package dev.onnxinspect.spark;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.arrow.AuditTables;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditOptions;
import dev.onnxinspect.audit.ClassKl;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.DatasetRole;
import dev.onnxinspect.audit.DatasetScores;
import dev.onnxinspect.audit.KlRow;
import dev.onnxinspect.audit.MemoryPlan;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.DatasetRules;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.InspectionException;
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
import dev.onnxinspect.stats.InteractionAccumulator;
import dev.onnxinspect.stats.InteractionOptions;
import dev.onnxinspect.stats.KdeMode;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.NodeClassifier;
import dev.onnxinspect.stats.NodeClassifierFitAccumulator;
import dev.onnxinspect.stats.NodeClassifierResult;
import dev.onnxinspect.stats.StatsOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inspection of SPEC §1-4, §7 and §8 on Spark {@code Dataset<Row>}s from any Spark source (Parquet, Delta, a
 * table): the model is instrumented on the driver and broadcast once ({@link SparkModel}); each partition runs the
 * single-machine {@link Inspection} with its executor's cached session and accumulates the layer statistics (S1/S2
 * frequencies, histograms, active fractions, patterns), the SPEC §3 interactions of the dense layers and, on a fit
 * set, the SPEC §8 node classifiers' fit data, or on the ID set their evaluation; the partials are merged with
 * {@code treeAggregate} (a Dataset without partitions gives the empty partial); the driver derives the SPEC §4 KL
 * matrices within every set, between the ID set and each OOD set (both ways) and within the fit set
 * ({@link ClassKl}, the audit's own code). The result holds the same records as the single-machine {@link Audit} of
 * the same datasets (without its detectors, which are {@link SparkAudit}'s): counts equal bit for bit, KL and
 * entropies within floating-point summation order, node-classifier accuracies equal. (A {@link KdeMode#FAST}
 * evaluation buffers each partition apart, and the library's FAST log-posteriors may differ in the last digits with
 * the buffer's content: a count could then differ only where two classes' log-posteriors are within about 1e-12
 * relative without being equal; {@link KdeMode#EXACT} does not depend on the partitioning.)
 *
 * <pre>{@code
 * SparkInspectionResult r = SparkInspection.builder(Path.of("model.onnx"),
 *                 RowInputs.builder().input("pixels").labels("label").build())
 *         .build()
 *         .run(SparkDatasets.of("fashion-test", spark.read().parquet("s3://bucket/test.parquet"))
 *                 .withOod("digits", spark.read().parquet("s3://bucket/digits.parquet"))
 *                 .withFit("fashion-train", spark.read().parquet("s3://bucket/train.parquet")));
 * SparkInspection.writeTables(r, Path.of("out"));
 * SparkInspection.writeReport(r, null, Path.of("out/report.html"));
 * }</pre>
 *
 * <p>Layers, logits and interactions are chosen as the audit chooses them: the layers named, else every graph output
 * but the logits, else every {@code Relu} output; the dense layers reading one inspected vector per sample, while
 * their counters fit the memory budget. The audit's memory rule ({@link MemoryPlan}) is computed on the driver from
 * the layers' declared shapes, K and the fit set's size (one {@code count()} of the fit set): the same model and
 * budget give the same views (a very large map by channel means), node-classifier layers and KL layers as the
 * single-machine audit. Choice: patterns are on every layer unless switched off ({@link Builder#patterns}), as the
 * audit does when a dataset's size is unknown; no "first N samples" limits of the node classifiers (a Dataset has no
 * order): all or nothing ({@link Builder#nodeClassifiers}). A sequence model's attention mask is named as in the audit
 * ({@link Builder#maskInput}, fed from a column like any input): the plan views its layers {@code [T, d]}
 * {@link NeuronView#MASKED_MEAN}, and every task reads each batch's mask for the statistics, the node classifiers' fit
 * and their evaluation, as the audit's hooks do; the samples left out for a mask without a 1 are counted per
 * partition and added up ({@code empty_mask_samples.<dataset>}).
 *
 * <p>SPEC §8 memory: the fit data are gathered, not summed (the KDE is evaluated exactly from every fit value). A
 * partition's partial holds one float per (fit sample, node) where the node is on, at most n_p x nodes x 4 bytes (its
 * arrays grow by doubling: up to twice that); an executor running a merge of the tree holds the partials it merges; the
 * driver holds the merged fit data and the classifiers built from them, at most N_fit x nodes x 24 bytes plus 40 K
 * bytes per node ({@link NodeClassifierFitAccumulator#estimate}, the memory rule's figure: the layers that do not fit
 * the budget get no classifier, recorded as {@code node_classifiers_skipped.<layer>}); e.g. 60,000 fit samples and
 * 2 x 16 nodes: 46 MB. The classifiers are broadcast: every executor holds them once (the sorted on-values as
 * doubles, at most N_fit x nodes x 12 bytes). A FAST evaluation buffers its partition's samples per layer, at most
 * {@code min(128 MiB, heap / 16)} per layer and task, so give executors room for tasks x layers such buffers.
 *
 * <p>Failures: a task that fails is retried by Spark from its partition's first row with new accumulators (a task
 * keeps nothing between attempts), and only a successful attempt's partial is merged, so nothing is counted twice.
 * An error in the data (null, wrong length, label out of range) fails the job; {@link #run} rethrows the library's
 * exception when Spark carried it to the driver. With {@link NonFinitePolicy#SKIP} a partition whose samples are all
 * non-finite gives a partial of 0 samples with its skips counted; only a dataset without any finite sample is refused,
 * as on a single machine.
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
    private final boolean nodeClassifiers;
    private final boolean fitStatistics;
    private final KdeMode kdeMode;
    private final String maskInput;

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
        this.nodeClassifiers = b.nodeClassifiers;
        this.fitStatistics = b.fitStatistics;
        this.kdeMode = b.kdeMode;
        this.maskInput = b.maskInput;
    }

    /** Starts a builder; the model file and the column mapping are required, the rest has the audit's defaults. */
    public static Builder builder(Path model, RowInputs inputs) {
        return new Builder(model, inputs);
    }

    /**
     * Inspects the rows of {@code data} (one Spark job), named as {@link Builder#name} says: the ID set alone.
     *
     * @throws IOException                  when the model file cannot be read
     * @throws dev.onnxinspect.data.DatasetException for a column mapping that does not fit the data or the model, a
     *                                      bad value in a row, or a Dataset without rows
     * @throws SparkInspectionException     when the Spark job fails for another reason (the cause is Spark's)
     */
    public SparkInspectionResult run(Dataset<Row> data) throws IOException {
        return run(SparkDatasets.of(name, data));
    }

    /**
     * Inspects several Datasets as one audit does (one Spark job per set, plus a count of the fit set): the fit set
     * first (its statistics, and the SPEC §8 node classifiers' fit), then the ID set (statistics, and the node
     * classifiers' evaluation when it is labelled), then every OOD set; then the SPEC §4 KL entries within every set,
     * between the ID set and each OOD set both ways, and within the fit set.
     *
     * @throws IOException                  when the model file cannot be read
     * @throws dev.onnxinspect.data.DatasetException for a column mapping that does not fit the data or the model, a
     *                                      bad value in a row, a Dataset without rows, or a fit set without labels
     * @throws SparkInspectionException     when a Spark job fails for another reason (the cause is Spark's)
     */
    public SparkInspectionResult run(SparkDatasets sets) throws IOException {
        long start = System.nanoTime();
        OnnxModel onnx = OnnxModel.load(model);
        MemoryPlan.checkMaskInput(onnx, maskInput);
        String sha = Sha256.of(model);
        ClassifierTensors tensors = onnx.classifierTensors(logitsOutput, null, null);
        String logits = tensors.logits();
        List<String> inspected = inspectedLayers(onnx, tensors);
        SparkSession spark = sets.id().rows().sparkSession();
        SparkModel shipped = SparkModel.broadcast(
                spark, onnx.instrument(selectors(inspected, logits)).model().toBytes(), session);
        Broadcast<Map<String, NodeClassifier>> classifiers = null;
        try {
            InferenceSession driverSession = shipped.session();
            int k = DetectorLayout.classes(logits, driverSession.outputShape(logits));
            List<Prepared> evaluated = new ArrayList<>();
            for (SparkDatasets.Named set : sets.evaluated()) {
                evaluated.add(prepare(set, set.name(), driverSession));
            }
            String fitName = sets.fitName();
            Prepared fit = sets.fit() == null ? null : prepare(sets.fit(), fitName, driverSession);
            if (fit != null && !fit.bound().labelled()) {
                throw new DatasetException("the fit set " + fitName + " has no labels; the node classifiers (SPEC §8)"
                        + " are fitted on a labelled ID set: map its label column (RowInputs.Builder#labels)");
            }
            // Choice: one count of the fit set (Parquet answers from its footers), so that the memory plan and the
            // run parameters are those of the single-machine audit, which knows its fit set's size
            long fitSize = fit == null ? 0 : fit.rows().count();
            Map<String, int[]> unitShapes = MemoryPlan.unitShapes(driverSession, inspected);
            long nodeFitSamples = fit != null && nodeClassifiers ? fitSize : 0;
            // Choice: with node classifiers, one count of the ID set too (their evaluation set), so that the plan
            // counts the SPEC §8 FAST evaluation buffer as the audit does (a task buffers at most its partition's
            // rows, never more than the whole set); without them nothing is evaluated
            long nodeEvalSamples = nodeFitSamples > 0 ? evaluated.get(0).rows().count() : 0;
            MemoryPlan plan = MemoryPlan.of(
                    auditOptions(inspected, sets, null, fitSize),
                    new MemoryPlan.Run(inspected, unitShapes, k, -1, fitSize, false, nodeFitSamples, nodeEvalSamples));
            Map<String, String> params = new LinkedHashMap<>();
            List<String> dense = interactions
                    ? denseLayers(onnx, inspected, unitShapes, interactionOptions(k, ClassBasis.LABEL), params)
                    : List.of();
            List<String> outputs = new ArrayList<>(List.of(logits));
            outputs.addAll(inspected);
            int batch = batchSize > 0 ? batchSize : Inspection.autoBatchSize(driverSession, outputs);
            Pass pass = new Pass(shipped, logits, inspected, batch, k, plan);
            int partitions = evaluated.get(0).rows().rdd().getNumPartitions();
            LOG.info(
                    "inspecting {} ({} partitions, batches of {}) with model {}: layers {}, views {}",
                    sets.evaluated().stream().map(SparkDatasets.Named::name).toList(),
                    partitions,
                    batch,
                    sha,
                    inspected,
                    plan.parameters());

            DatasetResult fitResult = null;
            Map<String, NodeClassifier> fitted = Map.of();
            long fitSkipped = 0;
            long fitSamples = 0;
            if (fit != null) {
                long passStart = System.nanoTime();
                InspectionPartial merged = pass.run(
                        fit,
                        ClassSource.LABEL,
                        fitStatistics ? pass.stats(ClassBasis.LABEL) : Map.of(),
                        fitStatistics ? dense : List.of(),
                        pass.nodeFits(),
                        null);
                requireFinite(fitName, merged);
                fitSkipped = merged.skipped();
                fitSamples = merged.samples();
                fitted = merged.nodeClassifiers(plan.nodeClassifierLayers());
                if (fitStatistics) {
                    fitResult =
                            pass.result(fitName, DatasetRole.FIT, ClassSource.LABEL, merged, dense, since(passStart));
                }
                if (!fitted.isEmpty()) {
                    LOG.info(
                            "SPEC §8 node classifiers fitted on {} samples of {}: layers {}",
                            fitSamples,
                            fitName,
                            fitted.keySet());
                    classifiers = JavaSparkContext.fromSparkContext(spark.sparkContext())
                            .broadcast(Map.copyOf(fitted));
                }
            }
            List<DatasetResult> datasets = new ArrayList<>();
            List<NodeClassifierResult> nodeResults = List.of();
            for (int i = 0; i < evaluated.size(); i++) {
                Prepared set = evaluated.get(i);
                ClassSource classSource = set.bound().labelled() ? ClassSource.LABEL : ClassSource.PREDICTED;
                ClassBasis basis = classSource == ClassSource.LABEL ? ClassBasis.LABEL : ClassBasis.PREDICTED;
                boolean evaluate = i == 0 && classifiers != null && classSource == ClassSource.LABEL;
                long passStart = System.nanoTime();
                InspectionPartial merged =
                        pass.run(set, classSource, pass.stats(basis), dense, Map.of(), evaluate ? classifiers : null);
                requireFinite(set.name(), merged);
                datasets.add(pass.result(
                        set.name(),
                        i == 0 ? DatasetRole.ID : DatasetRole.OOD,
                        classSource,
                        merged,
                        dense,
                        since(passStart)));
                if (evaluate) {
                    nodeResults = merged.nodeResults(plan.nodeClassifierLayers());
                }
            }
            Map<String, String> klDecisions = new LinkedHashMap<>();
            List<KlRow> kl = ClassKl.rows(inspected, datasets, fitResult, alpha, memoryBudgetBytes, klDecisions);
            params.put("device", driverSession.device().name());
            params.put("batch_size", Integer.toString(batch));
            params.put("fit_set", fit == null ? "none" : fitName + " (" + fitSize + " samples)");
            params.put("interaction_share", "absolute");
            params.put("logits_output", logits);
            if (!nodeResults.isEmpty()) {
                NodeClassifierResult n = nodeResults.get(0);
                params.put("node_eval_samples", Long.toString(n.samples() + n.invalidSamples() + n.emptyMaskSamples()));
                params.put("node_fit_samples", Long.toString(fitSamples));
            }
            if (!Double.isNaN(datasets.get(0).accuracy())) {
                // SPEC §6, as the audit records it: the ID set's correct predictions over its labelled samples
                params.put("id_accuracy", Double.toString(datasets.get(0).accuracy()));
            }
            params.put("spark.partitions", Integer.toString(partitions));
            params.put("spark.tree_depth", Integer.toString(treeDepth));
            params.putAll(plan.parameters());
            params.putAll(klDecisions);
            emptyMasks(datasets, fitResult)
                    .forEach((dataset, n) -> params.put("empty_mask_samples." + dataset, Long.toString(n)));
            if (nonFinite == NonFinitePolicy.SKIP) {
                params.put("non_finite", "skip");
                if (fit != null) {
                    params.put("skipped_non_finite." + fitName, Long.toString(fitSkipped));
                }
                datasets.forEach(
                        d -> params.put("skipped_non_finite." + d.name(), Long.toString(d.skippedNonFinite())));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            LOG.info("inspected {} datasets in {} ms", datasets.size() + (fit == null ? 0 : 1), elapsed.toMillis());
            return new SparkInspectionResult(
                    auditOptions(inspected, sets, datasets, fitSize),
                    sha,
                    onnx.describe(),
                    inspected,
                    k,
                    datasets,
                    fitResult,
                    kl,
                    nodeResults,
                    nodeResults.isEmpty() ? null : fitName,
                    params);
        } finally {
            if (classifiers != null) {
                classifiers.destroy();
            }
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
     * <p>The ID set's confusion matrix and the accuracies come from the (label, prediction) counts every partition
     * kept. Choice: the sections that need per-sample values (score distributions, the flagged samples) are empty,
     * as the result keeps no per-sample values ({@link SparkInspectionResult}); the Arrow tables have no
     * {@code scores} table for the same reason (their {@code confusion_matrix} is written from the counts).
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

    private InspectionPartial aggregate(String dataset, Dataset<Row> data, PartitionTask task) {
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
                    "the Spark job inspecting " + dataset + " failed: "
                            + message.lines().findFirst().orElse("") + "; see the executors' logs",
                    e);
        }
    }

    /**
     * Per dataset (the fit set last), the samples left out for an attention mask without a 1, as the audit records
     * them ({@code empty_mask_samples.<dataset>}): from its first MASKED_MEAN layer; none without such a layer.
     */
    private static Map<String, Long> emptyMasks(List<DatasetResult> datasets, DatasetResult fit) {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<DatasetResult> all = new ArrayList<>(datasets);
        if (fit != null) {
            all.add(fit);
        }
        for (DatasetResult d : all) {
            d.layers().values().stream()
                    .filter(s -> s.frequencies().view() == NeuronView.MASKED_MEAN)
                    .findFirst()
                    .ifPresent(s -> counts.put(d.name(), s.frequencies().emptyMaskSamples()));
        }
        return counts;
    }

    /** A Dataset ready for a pass: its name in the results, its mapped columns only, and their binding. */
    private record Prepared(String name, Dataset<Row> rows, RowInputs.Bound bound) {}

    private Prepared prepare(SparkDatasets.Named set, String resultName, InferenceSession driverSession) {
        RowInputs mapping = set.inputs() == null ? inputs : set.inputs();
        Dataset<Row> data = set.rows();
        mapping.bind(data.schema(), driverSession.inputs()); // the library's message for a missing column
        // only the mapped columns are read (a Parquet source reads no other column)
        Dataset<Row> columns = data.select(mapping.columns().stream()
                .map(c -> functions.col("`" + c.replace("`", "``") + "`"))
                .toArray(Column[]::new));
        RowInputs.Bound bound = mapping.bind(columns.schema(), driverSession.inputs());
        driverSession.checkInputs(bound.specs());
        return new Prepared(resultName, columns, bound);
    }

    /**
     * A pass's refusal when no finite sample was read, as the single-machine inspection refuses it: every sample
     * skipped as non-finite, or no row at all.
     */
    private static void requireFinite(String dataset, InspectionPartial merged) {
        if (merged.samples() == 0 && merged.skipped() > 0) {
            throw new InspectionException("all " + merged.skipped() + " samples of " + dataset + " have NaN or"
                    + " infinite activations and were skipped; an inspection needs at least one finite sample: check"
                    + " the data and the model");
        }
        DatasetRules.requireSamplesRead(dataset, merged.samples());
    }

    private StatsOptions stats(int k, ClassBasis basis) {
        return StatsOptions.builder(k, basis)
                .tau(tau)
                .eps(eps)
                .bins(bins)
                .patterns(patterns)
                .build();
    }

    private InteractionOptions interactionOptions(int k, ClassBasis basis) {
        return InteractionOptions.builder(k, basis)
                .bins(bins)
                .memoryLimitBytes(memoryBudgetBytes)
                .build();
    }

    /** Each layer's unit shape as the session reports it (the batch dimension dropped; -1 where it varies). */
    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * What every pass of one run shares: the shipped model, the layers, the batch size, K and the memory plan (each
     * layer's view and patterns, the node classifiers' layers). Not serialised: each pass ships a
     * {@link PartitionTask}.
     */
    private final class Pass {
        private final SparkModel shipped;
        private final String logits;
        private final List<String> layers;
        private final int batch;
        private final int k;
        private final MemoryPlan plan;

        Pass(SparkModel shipped, String logits, List<String> layers, int batch, int k, MemoryPlan plan) {
            this.shipped = shipped;
            this.logits = logits;
            this.layers = layers;
            this.batch = batch;
            this.k = k;
            this.plan = plan;
        }

        /** Per layer, the statistics options of the plan (its view and patterns) on the given basis. */
        Map<String, StatsOptions> stats(ClassBasis basis) {
            StatsOptions base = SparkInspection.this.stats(k, basis);
            Map<String, StatsOptions> out = new LinkedHashMap<>();
            layers.forEach(l -> out.put(l, plan.options(l, base)));
            return out;
        }

        /** Per layer of the SPEC §8 node classifiers, its options (true labels, the layer's view). */
        Map<String, StatsOptions> nodeFits() {
            StatsOptions base = SparkInspection.this.stats(k, ClassBasis.LABEL);
            Map<String, StatsOptions> out = new LinkedHashMap<>();
            plan.nodeClassifierLayers().forEach(l -> out.put(l, plan.options(l, base)));
            return out;
        }

        /** One pass over a Dataset: a partial per partition, merged by {@code treeAggregate}. */
        InspectionPartial run(
                Prepared set,
                ClassSource classSource,
                Map<String, StatsOptions> stats,
                List<String> dense,
                Map<String, StatsOptions> nodeFits,
                Broadcast<Map<String, NodeClassifier>> classifiers) {
            ClassBasis basis = classSource == ClassSource.LABEL ? ClassBasis.LABEL : ClassBasis.PREDICTED;
            PartitionTask task = new PartitionTask(
                    shipped,
                    set.bound(),
                    set.name(),
                    logits,
                    layers,
                    batch,
                    classSource,
                    nonFinite,
                    stats,
                    dense,
                    interactionOptions(k, basis),
                    nodeFits,
                    classifiers,
                    kdeMode,
                    maskInput);
            LOG.info(
                    "inspecting {} ({} partitions)",
                    set.name(),
                    set.rows().rdd().getNumPartitions());
            return aggregate(set.name(), set.rows(), task);
        }

        /**
         * A pass's statistics as the audit's record of a dataset: no per-sample scores, and on a labelled pass the
         * counted confusion matrix (so its accuracy and the ID set's confusion section are the audit's).
         */
        DatasetResult result(
                String dataset,
                DatasetRole role,
                ClassSource classSource,
                InspectionPartial merged,
                List<String> dense,
                Duration elapsed) {
            InspectionSummary summary = new InspectionSummary(
                    dataset,
                    merged.samples(),
                    merged.skipped(),
                    merged.batches(),
                    classSource,
                    merged.classCounts(k),
                    shipped.session().device(),
                    elapsed);
            return new DatasetResult(
                    dataset,
                    role,
                    classSource,
                    summary,
                    merged.layerResults(layers),
                    new DatasetScores(dataset, new int[0], new int[0], Map.of()),
                    merged.interactionResults(dense),
                    merged.confusion(dataset, k, classSource == ClassSource.LABEL));
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
     * The dense layers (Gemm, or MatMul + Add) whose input tensor is inspected, reads one vector per sample (not every
     * position of a sequence layer), and whose SPEC §3 counters fit the memory budget, as the audit chooses them (the
     * others recorded in {@code params} as {@code interactions_skipped.<layer>}).
     */
    private static List<String> denseLayers(
            OnnxModel onnx,
            List<String> layers,
            Map<String, int[]> unitShapes,
            InteractionOptions options,
            Map<String, String> params) {
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
                int[] shape = unitShapes.get(d.inputName());
                long units = 1;
                for (int dim : shape) {
                    units = dim < 0 ? -1 : units * dim;
                }
                if (shape.length > 1 && units != d.inFeatures()) {
                    params.put(
                            "interactions_skipped." + d.outputName(),
                            "its input " + d.inputName() + " has unit shape " + Arrays.toString(shape)
                                    + ", not one vector of n_in = " + d.inFeatures() + " units per sample");
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

    /**
     * The options an audit of the same model, parameters and datasets would have, each Dataset described by its name,
     * size (the rows read, skipped ones included; -1 before its pass: {@code results} null) and labels.
     */
    private AuditOptions auditOptions(
            List<String> inspected, SparkDatasets sets, List<DatasetResult> results, long fitSize) {
        List<SparkDatasets.Named> evaluated = sets.evaluated();
        List<DataSource> described = new ArrayList<>();
        for (int i = 0; i < evaluated.size(); i++) {
            SparkDatasets.Named set = evaluated.get(i);
            long size = results == null
                    ? -1
                    : results.get(i).summary().samples()
                            + results.get(i).summary().skippedNonFinite();
            RowInputs mapping = set.inputs() == null ? inputs : set.inputs();
            described.add(new DescribedDataset(set.name(), size, mapping.labelColumn() != null));
        }
        Audit.Builder audit = Audit.builder(model)
                .id(described.get(0))
                .ood(described.subList(1, described.size()))
                .layers(inspected)
                .logitsOutput(logitsOutput)
                .batchSize(batchSize)
                .session(session)
                .tau(tau)
                .eps(eps)
                .bins(bins)
                .alpha(alpha)
                .interactions(interactions)
                .fitStatistics(fitStatistics)
                .nodeClassifiers(nodeClassifiers ? Integer.MAX_VALUE : 0, Integer.MAX_VALUE)
                .patterns(patterns)
                .nonFinite(nonFinite)
                .memoryBudgetBytes(memoryBudgetBytes);
        if (maskInput != null) {
            audit.mask(maskInput);
        }
        if (sets.fit() != null) {
            audit.fit(new DescribedDataset(sets.fitName(), fitSize, true));
        }
        return audit.options();
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
        private boolean nodeClassifiers = true;
        private boolean fitStatistics = true;
        private KdeMode kdeMode = KdeMode.FAST;
        private String maskInput;

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

        /**
         * Whether a fit set ({@link SparkDatasets#withFit}) fits the SPEC §8 node classifiers, evaluated on the
         * labelled ID set (default true, as the audit: every fit and every ID sample; there is no "first N" in a
         * Dataset without order).
         */
        public Builder nodeClassifiers(boolean value) {
            this.nodeClassifiers = value;
            return this;
        }

        /** Whether the fit set's own statistics (SPEC §1-4, §7) are computed too (default true, as the audit). */
        public Builder fitStatistics(boolean value) {
            this.fitStatistics = value;
            return this;
        }

        /**
         * How the node classifiers' evaluation evaluates the KDEs (default {@link KdeMode#FAST}, the audit's;
         * {@link KdeMode#EXACT} sums every kernel, sample by sample).
         */
        public Builder kdeMode(KdeMode value) {
            this.kdeMode = Objects.requireNonNull(value, "kdeMode");
            return this;
        }

        /**
         * The model input that holds the attention mask {@code [N, T]} (0 padding, 1 token) of a sequence model, fed
         * from a column like any input ({@link RowInputs}); as {@link Audit.Builder#mask}: every inspected layer of
         * unit shape {@code [T, d]} is viewed {@link NeuronView#MASKED_MEAN} (each sample the mean of its positions
         * whose mask is 1; a sample whose mask has no 1 is left out and counted, {@code empty_mask_samples.<dataset>}),
         * the statistics and the SPEC §8 node classifiers alike. Default: none.
         */
        public Builder maskInput(String inputName) {
            this.maskInput = Objects.requireNonNull(inputName, "inputName");
            return this;
        }

        public SparkInspection build() {
            return new SparkInspection(this);
        }
    }
}
