package dev.onnxinspect.spark;

import dev.onnxinspect.audit.AuditOptions;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.KlRow;
import dev.onnxinspect.onnx.ModelDescription;
import dev.onnxinspect.stats.NodeClassifierResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a distributed inspection computed, as the single-machine library's records: per inspected Dataset its
 * {@link DatasetResult} (the ID set first, then the OOD sets: per layer the SPEC §1-2 frequencies, histograms and
 * active fractions and the SPEC §7 patterns, per dense layer the SPEC §3 interactions), the fit set's statistics, the
 * SPEC §4 KL entries (within every set, ID vs each OOD set both ways, within the fit set) and the SPEC §8 node
 * classifiers' accuracies on the ID set. Immutable.
 *
 * <p>Choice: no per-sample scores ({@link DatasetResult#scores()} holds 0 samples): a distributed inspection
 * aggregates; per-sample values belong in columns of the input Dataset. A labelled set's (label, prediction) counts
 * are kept instead ({@link DatasetResult#confusion()}): its confusion matrix and accuracy are the audit's. A summary's batch count is the sum over the
 * partitions (batches do not cross partitions) and its elapsed time is the Spark job's.
 *
 * @param options         the options, as an audit of the same model, parameters and datasets would record them
 *                        (each Dataset described by its name, size and labels; its rows cannot be read outside Spark)
 * @param modelSha256     the model file's SHA-256 (hex)
 * @param description     the model as onnx-io describes it
 * @param layers          the inspected layers
 * @param numClasses      K
 * @param datasets        the statistics of the evaluated sets, the ID set first
 * @param fitSet          the fit set's statistics, or null (no fit set, or its statistics off)
 * @param kl              the class-wise KL entries (S1, S2 and interaction profiles)
 * @param nodeClassifiers SPEC §8 per layer, fitted on {@code nodeFitDataset} and evaluated on the ID set (empty when
 *                        not computed)
 * @param nodeFitDataset  the name of the node classifiers' fit set (null when not computed)
 * @param parameters      the run's parameters (device, batch size, partitions, logits output, the memory plan's
 *                        decisions, what was skipped)
 */
public record SparkInspectionResult(
        AuditOptions options,
        String modelSha256,
        ModelDescription description,
        List<String> layers,
        int numClasses,
        List<DatasetResult> datasets,
        DatasetResult fitSet,
        List<KlRow> kl,
        List<NodeClassifierResult> nodeClassifiers,
        String nodeFitDataset,
        Map<String, String> parameters) {
    public SparkInspectionResult {
        Objects.requireNonNull(options, "options");
        datasets = List.copyOf(datasets);
        if (datasets.isEmpty()) {
            throw new SparkInspectionException("a Spark inspection result needs the ID set's statistics");
        }
        layers = List.copyOf(layers);
        kl = List.copyOf(kl);
        nodeClassifiers = List.copyOf(nodeClassifiers);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** The ID set's statistics (the first dataset). */
    public DatasetResult dataset() {
        return datasets.get(0);
    }

    /**
     * The result as an {@link AuditResult} of an audit without detectors, for the writers of arrow-export
     * ({@code AuditTables}) and the reports: its datasets, fit set, KL entries and node classifiers are these, without
     * score columns or metrics.
     */
    public AuditResult toAuditResult() {
        return new AuditResult(
                options,
                modelSha256,
                description,
                layers,
                null,
                numClasses,
                datasets,
                fitSet,
                List.of(),
                kl,
                parameters,
                List.of(),
                nodeClassifiers,
                nodeFitDataset,
                List.of());
    }
}
