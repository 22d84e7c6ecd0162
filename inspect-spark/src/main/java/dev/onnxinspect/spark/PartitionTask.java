package dev.onnxinspect.spark;

import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.inspect.InspectionSummary;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.stats.InteractionAccumulator;
import dev.onnxinspect.stats.InteractionOptions;
import dev.onnxinspect.stats.KdeMode;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.NodeClassifier;
import dev.onnxinspect.stats.NodeClassifierEvaluationAccumulator;
import dev.onnxinspect.stats.NodeClassifierFitAccumulator;
import dev.onnxinspect.stats.NodeClassifierResult;
import dev.onnxinspect.stats.SequenceMask;
import dev.onnxinspect.stats.StatsException;
import dev.onnxinspect.stats.StatsOptions;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * What every task of a distributed inspection runs on its partition: the rows as batches ({@link RowSource}),
 * one single-machine {@link Inspection} over them with this JVM's cached session ({@link SparkModel#session()}), and
 * a hook that feeds the layer statistics (each layer with its options: its view and patterns, as the memory plan
 * says), the interaction accumulators and the SPEC §8 node classifiers' fit accumulators (fit set) or evaluations of
 * the broadcast classifiers (ID set), and on a labelled pass the (label, prediction) counts of the confusion matrix;
 * the partition's result is one {@link InspectionPartial}. A partition without
 * a finite sample (no rows, or every sample skipped under {@link NonFinitePolicy#SKIP}) gives a partial of 0 samples
 * with its skips counted ({@link Inspection.Builder#part}): the driver judges the whole dataset. Serialisable (it is the task closure); holds no statistics itself, so that every task
 * starts from zero and a retried task recomputes its partition from scratch (Spark keeps the result of one successful
 * attempt only: nothing is counted twice).
 */
record PartitionTask(
        SparkModel model,
        RowInputs.Bound rows,
        String dataset,
        String logits,
        List<String> layers,
        int batchSize,
        ClassSource classSource,
        NonFinitePolicy nonFinite,
        Map<String, StatsOptions> stats,
        List<String> denseLayers,
        InteractionOptions interactionOptions,
        Map<String, StatsOptions> nodeFits,
        Broadcast<Map<String, NodeClassifier>> nodeClassifiers,
        KdeMode kdeMode,
        String maskInput)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * @param layers          every layer the model exposes for the hooks
     * @param stats           per layer whose SPEC §1-2, §7 statistics are accumulated, its options (none: empty)
     * @param nodeFits        per layer whose SPEC §8 node classifiers are fitted here, its options (none: empty)
     * @param nodeClassifiers the fitted classifiers to evaluate here, per layer, or null for none
     * @param kdeMode         how the evaluations evaluate the KDEs
     * @param maskInput       the model input holding the attention mask, read from each batch for the layers viewed
     *                        {@link NeuronView#MASKED_MEAN} (as the audit's hooks read it), or null for none
     */
    PartitionTask {
        layers = List.copyOf(layers);
        stats = new LinkedHashMap<>(stats);
        denseLayers = List.copyOf(denseLayers);
        nodeFits = new LinkedHashMap<>(nodeFits);
    }

    /**
     * The partial of one partition of Spark SQL's internal rows (each copied as it is read, {@link
     * RowInputs.Bound#copy}): {@link InspectionPartial#empty()} when it has no rows.
     */
    Iterator<InspectionPartial> call(Iterator<InternalRow> internal) {
        if (!internal.hasNext()) {
            return List.of(InspectionPartial.empty()).iterator();
        }
        Hook hook = new Hook(
                stats,
                denseLayers,
                interactionOptions,
                model.model(),
                nodeFits,
                nodeClassifiers == null ? Map.of() : nodeClassifiers.value(),
                kdeMode,
                classSource == ClassSource.LABEL,
                maskInput);
        InspectionSummary summary = Inspection.builder(
                        model.session(), RowSource.internal(dataset, rows, internal, TaskContext.get()))
                .logitsOutput(logits)
                .layers(layers)
                .batchSize(batchSize)
                .classSource(classSource)
                .nonFinite(nonFinite)
                .part(true)
                .build()
                .run(hook);
        Map<String, NodeClassifierResult> evaluated = new LinkedHashMap<>();
        hook.evaluations.forEach((layer, e) -> evaluated.put(layer, e.result()));
        return List.of(new InspectionPartial(
                        hook.layers,
                        hook.interactions,
                        hook.fits,
                        evaluated,
                        summary.samples(),
                        summary.skippedNonFinite(),
                        summary.batches(),
                        summary.samples() == 0 ? null : summary.classCounts(),
                        hook.confusion))
                .iterator();
    }

    /**
     * Feeds each batch into one accumulator per layer (created from the first batch's unit shape, as the audit's
     * statistics hook does), one per dense layer, one node-classifier fit per fitted layer and one evaluation per
     * evaluated layer; single-threaded (a Spark task has one core; a FAST evaluation parallelises its buffer's
     * evaluation on the common fork-join pool, as on a single machine).
     */
    private static final class Hook implements InspectionHook {
        private final Map<String, StatsOptions> stats;
        private final Map<String, LayerStatisticsAccumulator> layers = new LinkedHashMap<>();
        private final Map<String, InteractionAccumulator> interactions = new LinkedHashMap<>();
        private final Map<String, String> interactionInputs = new LinkedHashMap<>();
        private final Map<String, StatsOptions> fitOptions;
        private final Map<String, NodeClassifierFitAccumulator> fits = new LinkedHashMap<>();
        private final Map<String, NodeClassifierEvaluationAccumulator> evaluations = new LinkedHashMap<>();
        private final Map<String, NeuronView> evaluationViews = new LinkedHashMap<>();
        private final boolean labelled;
        private final String maskInput;
        /** Whether a layer of the statistics, fits or evaluations is viewed MASKED_MEAN (the batch's mask is read). */
        private final boolean masked;
        /** [label][predicted] sample counts on a labelled pass (K x K from the first batch), else null. */
        private long[][] confusion;

        Hook(
                Map<String, StatsOptions> stats,
                List<String> dense,
                InteractionOptions options,
                OnnxModel model,
                Map<String, StatsOptions> fitOptions,
                Map<String, NodeClassifier> classifiers,
                KdeMode kdeMode,
                boolean labelled,
                String maskInput) {
            this.stats = stats;
            this.maskInput = maskInput;
            this.labelled = labelled;
            this.fitOptions = fitOptions;
            for (String layer : dense) {
                DenseLayer d = model.denseLayer(layer);
                interactions.put(layer, new InteractionAccumulator(d, options));
                interactionInputs.put(layer, d.inputName());
            }
            classifiers.forEach((layer, c) -> {
                evaluations.put(layer, c.evaluation(kdeMode));
                evaluationViews.put(layer, c.options().view());
            });
            this.masked = stats.values().stream().anyMatch(o -> o.view() == NeuronView.MASKED_MEAN)
                    || fitOptions.values().stream().anyMatch(o -> o.view() == NeuronView.MASKED_MEAN)
                    || evaluationViews.containsValue(NeuronView.MASKED_MEAN);
        }

        @Override
        public void onBatch(BatchView view) {
            int[] classes = view.classes();
            if (labelled) {
                if (confusion == null) {
                    confusion = new long[view.numClasses()][view.numClasses()];
                }
                // the audit's confusion matrix: the label (the class of a LABEL pass) against the argmax
                for (int i = 0; i < classes.length; i++) {
                    confusion[classes[i]][view.predictedClass(i)]++;
                }
            }
            // the audit's statistics and node-classifier hooks: one mask per batch, read before any layer is counted
            SequenceMask mask = masked ? batchMask(view) : null;
            stats.forEach((layer, options) -> {
                LayerActivations acts = view.layer(layer);
                layers.computeIfAbsent(layer, name -> new LayerStatisticsAccumulator(options, name, acts.unitShape()))
                        .accept(classes, acts, options.view() == NeuronView.MASKED_MEAN ? mask : null);
            });
            interactions.forEach((layer, acc) -> acc.accept(classes, view.layer(interactionInputs.get(layer))));
            fitOptions.forEach((layer, options) -> {
                LayerActivations acts = view.layer(layer);
                fits.computeIfAbsent(layer, name -> new NodeClassifierFitAccumulator(options, name, acts.unitShape()))
                        .accept(classes, acts, options.view() == NeuronView.MASKED_MEAN ? mask : null);
            });
            evaluations.forEach((layer, e) -> e.accept(
                    classes, view.layer(layer), evaluationViews.get(layer) == NeuronView.MASKED_MEAN ? mask : null));
        }

        /** The batch's attention mask, as the audit's statistics hook reads it. */
        private SequenceMask batchMask(BatchView view) {
            if (maskInput == null) {
                throw new StatsException("a layer is viewed MASKED_MEAN but no attention mask input is named; name it"
                        + " (SparkInspection.Builder#maskInput, --mask-input)");
            }
            return SequenceMask.of(view.batch().input(maskInput));
        }
    }
}
