package dev.onnxinspect.samples.pipeline;

import dev.onnxinspect.onnx.ModelDescription;
import dev.onnxinspect.stats.NodeClassifierResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything an audit computed: per-dataset statistics and scores, the detector metrics on every (ID, OOD) pair
 * and the class-wise KL matrices. Immutable.
 *
 * @param model        the audited model file
 * @param modelSha256  its SHA-256 (hex)
 * @param description  the model as onnx-io describes it
 * @param layers       the inspected layers
 * @param featureLayer the penultimate features the feature detectors read (null when the model has no dense head)
 * @param numClasses   K
 * @param datasets     the ID set first, then the OOD sets
 * @param metrics      detector x layer x (ID, OOD) metrics
 * @param kl           the class-wise KL entries (within each dataset, and ID vs each OOD set in both directions)
 * @param parameters   the run's parameters
 * @param nodeClassifiers SPEC §8 per layer, fitted on {@code nodeFitDataset} and evaluated on the ID set (empty
 *                     when not computed)
 * @param nodeFitDataset the name of the node classifiers' fit set (null when not computed)
 * @param scoreColumns the detectors' score columns, in order
 */
public record AuditResult(Path model, String modelSha256, ModelDescription description, List<String> layers,
                          String featureLayer, int numClasses, List<DatasetResult> datasets, List<MetricsRow> metrics,
                          List<KlRow> kl, Map<String, String> parameters, List<NodeClassifierResult> nodeClassifiers,
                          String nodeFitDataset, List<ScoreColumn> scoreColumns) {
    public AuditResult {
        scoreColumns = List.copyOf(scoreColumns);
        nodeClassifiers = List.copyOf(nodeClassifiers);
        layers = List.copyOf(layers);
        datasets = List.copyOf(datasets);
        metrics = List.copyOf(metrics);
        kl = List.copyOf(kl);
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    }

    /** The ID set's result. */
    public DatasetResult id() {
        return datasets.get(0);
    }

    /** The OOD sets' results. */
    public List<DatasetResult> ood() {
        return datasets.subList(1, datasets.size());
    }

    /** The metrics of one score column on one OOD set, or null. */
    public MetricsRow metrics(String column, String oodDataset) {
        return metrics.stream().filter(m -> m.column().equals(column) && m.oodDataset().equals(oodDataset))
                .findFirst().orElse(null);
    }
}
