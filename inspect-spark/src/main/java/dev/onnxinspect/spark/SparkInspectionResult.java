package dev.onnxinspect.spark;

import dev.onnxinspect.audit.AuditOptions;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.KlRow;
import dev.onnxinspect.onnx.ModelDescription;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a distributed inspection computed, as the single-machine library's records: the dataset's
 * {@link DatasetResult} (role ID: per layer the SPEC §1-2 frequencies, histograms and active fractions and the SPEC
 * §7 patterns, per dense layer the SPEC §3 interactions) and the SPEC §4 KL entries within the dataset. Immutable.
 *
 * <p>Choice: no per-sample scores ({@link DatasetResult#scores()} holds 0 samples): a distributed inspection
 * aggregates; per-sample values belong in columns of the input Dataset. The summary's batch count is the sum over the
 * partitions (batches do not cross partitions) and its elapsed time is the Spark job's.
 *
 * @param options     the options, as an audit of the same model and parameters would record them (its ID set a
 *                    description of the Dataset, which cannot be read outside Spark)
 * @param modelSha256 the model file's SHA-256 (hex)
 * @param description the model as onnx-io describes it
 * @param layers      the inspected layers
 * @param numClasses  K
 * @param dataset     the statistics
 * @param kl          the class-wise KL entries within the dataset (S1, S2 and interaction profiles)
 * @param parameters  the run's parameters (device, batch size, partitions, logits output, what was skipped)
 */
public record SparkInspectionResult(
        AuditOptions options,
        String modelSha256,
        ModelDescription description,
        List<String> layers,
        int numClasses,
        DatasetResult dataset,
        List<KlRow> kl,
        Map<String, String> parameters) {
    public SparkInspectionResult {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(dataset, "dataset");
        layers = List.copyOf(layers);
        kl = List.copyOf(kl);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * The result as an {@link AuditResult} of an audit without fit set or OOD sets, for the writers of arrow-export
     * ({@code AuditTables}) and the reports: its ID set is this dataset, without score columns or metrics.
     */
    public AuditResult toAuditResult() {
        return new AuditResult(
                options,
                modelSha256,
                description,
                layers,
                null,
                numClasses,
                List.of(dataset),
                null,
                List.of(),
                kl,
                parameters,
                List.of(),
                List.of(),
                null,
                List.of());
    }
}
