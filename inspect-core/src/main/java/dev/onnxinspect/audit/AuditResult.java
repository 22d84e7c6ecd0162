package dev.onnxinspect.audit;

import dev.onnxinspect.onnx.ModelDescription;
import dev.onnxinspect.stats.NodeClassifierResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an audit computed: per-dataset statistics and scores, the detector metrics on every (ID, OOD) pair,
 * the class-wise KL matrices and the SPEC §8 node classifiers. Immutable (its parts are immutable records, lists
 * and maps).
 *
 * @param options          the options the audit ran with
 * @param modelSha256      the model file's SHA-256 (hex)
 * @param description      the model as onnx-io describes it
 * @param layers           the inspected layers
 * @param featureLayer     the features h the feature detectors read, flattened per sample (the input of the dense
 *                         head, or the tensor named with {@code featureLayer}); null when the model has none
 * @param numClasses       K (2 for a binary classifier with one logit, SPEC §5)
 * @param datasets         the evaluated sets: the ID set first, then the OOD sets
 * @param fitSet           the fit set's statistics (role {@link DatasetRole#FIT}: layer statistics, interactions,
 *                         labels and predictions, no detector scores), or null when there was no fit set or
 *                         {@code fitStatistics} was off
 * @param metrics          detector x layer x (ID, OOD) metrics (SPEC §6)
 * @param kl               the class-wise KL entries (SPEC §4: within each dataset, and ID vs each OOD set in both
 *                         directions)
 * @param parameters       the run's parameters (the options', the device, the batch size, the logits, features and
 *                         dense head the detectors read, what was skipped and why)
 * @param skippedDetectors the detectors left out, each with the reason: those the model cannot feed (no dense head,
 *                         no features) and those that could not be fitted on the fit set
 * @param nodeClassifiers  SPEC §8 per layer, fitted on {@code nodeFitDataset} and evaluated on the ID set (empty
 *                         when not computed)
 * @param nodeFitDataset   the name of the node classifiers' fit set (null when not computed)
 * @param scoreColumns     the detectors' score columns, in order
 */
public record AuditResult(
        AuditOptions options,
        String modelSha256,
        ModelDescription description,
        List<String> layers,
        String featureLayer,
        int numClasses,
        List<DatasetResult> datasets,
        DatasetResult fitSet,
        List<MetricsRow> metrics,
        List<KlRow> kl,
        Map<String, String> parameters,
        List<String> skippedDetectors,
        List<NodeClassifierResult> nodeClassifiers,
        String nodeFitDataset,
        List<ScoreColumn> scoreColumns) {
    public AuditResult {
        Objects.requireNonNull(options, "options");
        scoreColumns = List.copyOf(scoreColumns);
        nodeClassifiers = List.copyOf(nodeClassifiers);
        layers = List.copyOf(layers);
        datasets = List.copyOf(datasets);
        if (datasets.isEmpty() || datasets.get(0).role() != DatasetRole.ID) {
            throw new IllegalArgumentException("an audit result starts with its ID set, got " + datasets);
        }
        if (fitSet != null && fitSet.role() != DatasetRole.FIT) {
            throw new IllegalArgumentException("the fit set's result has role " + fitSet.role());
        }
        metrics = List.copyOf(metrics);
        kl = List.copyOf(kl);
        skippedDetectors = List.copyOf(skippedDetectors);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** The audited model file. */
    public Path model() {
        return options.model();
    }

    /** The ID set's result. */
    public DatasetResult id() {
        return datasets.get(0);
    }

    /** The OOD sets' results. */
    public List<DatasetResult> ood() {
        return datasets.subList(1, datasets.size());
    }

    /** The fit set's statistics, when computed. */
    public Optional<DatasetResult> fit() {
        return Optional.ofNullable(fitSet);
    }

    /** Every inspected dataset: the ID set, the OOD sets, then the fit set where its statistics were computed. */
    public List<DatasetResult> inspected() {
        List<DatasetResult> all = new ArrayList<>(datasets);
        if (fitSet != null) {
            all.add(fitSet);
        }
        return List.copyOf(all);
    }

    /**
     * The confusion matrix of the ID set (its labels against the model's predictions), derived from the ID set's
     * per-sample labels and predictions, or the counts a distributed run kept ({@link DatasetResult#confusion()});
     * empty when the ID set has no labels.
     */
    public Optional<ConfusionMatrix> confusionMatrix() {
        return id().confusionMatrix(numClasses);
    }

    /** The metrics of one score column on one OOD set, if computed. */
    public Optional<MetricsRow> metrics(String column, String oodDataset) {
        return metrics.stream()
                .filter(m -> m.column().equals(column) && m.oodDataset().equals(oodDataset))
                .findFirst();
    }
}
