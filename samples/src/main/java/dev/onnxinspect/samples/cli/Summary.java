package dev.onnxinspect.samples.cli;

import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.metrics.OodEvaluation;
import dev.onnxinspect.samples.demo.TrainingStep;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** The short summary a command prints at the end: accuracy, the detector table and where the files are. */
final class Summary {
    private Summary() {}

    static void print(PrintStream out, AuditResult r, TrainingStep.Result trained, Map<String, Path> files) {
        out.println();
        if (trained != null) {
            var last = TrainingStep.last(trained);
            out.printf(
                    Locale.ROOT,
                    "Trained %s for %d epochs: train accuracy %.4f, test accuracy %.4f%n",
                    TrainingStep.DEMO_MLP.kind(),
                    last.epoch(),
                    last.trainAccuracy(),
                    last.testAccuracy());
        }
        DatasetResult id = r.id();
        out.printf(
                Locale.ROOT,
                "ID set %s: %d samples%s, ONNX Runtime accuracy %.4f (device %s)%n",
                id.name(),
                id.summary().samples(),
                skipped(r, id),
                id.accuracy(),
                id.summary().device());
        for (DatasetResult ood : r.ood()) {
            out.printf(
                    Locale.ROOT,
                    "OOD set %s: %d samples%s%n",
                    ood.name(),
                    ood.summary().samples(),
                    skipped(r, ood));
        }
        if (r.fitSet() != null && r.options().nonFinite() == NonFinitePolicy.SKIP) {
            out.printf(
                    Locale.ROOT,
                    "Fit set %s: %d samples%s%n",
                    r.fitSet().name(),
                    r.fitSet().summary().samples(),
                    skipped(r, r.fitSet()));
        }
        if (!r.nodeClassifiers().isEmpty()) {
            out.printf(Locale.ROOT, "Nodes as classifiers (SPEC §8), fitted on %s:%n", r.nodeFitDataset());
            for (var n : r.nodeClassifiers()) {
                if (n.samples() > 0) {
                    double best = Arrays.stream(n.nodeAccuracies()).max().orElse(Double.NaN);
                    out.printf(
                            Locale.ROOT,
                            "  %-24s layer accuracy %.4f on %d ID samples, best single node %.4f%n",
                            n.layer(),
                            n.layerAccuracy(),
                            n.samples(),
                            best);
                }
            }
        }
        detectorTable(out, r);
        out.println();
        out.println("Files:");
        files.forEach((table, file) -> out.printf(Locale.ROOT, "  %-22s %s%n", table, file.toAbsolutePath()));
    }

    /** The skipped count of a set when non-finite samples are skipped, else nothing. */
    private static String skipped(AuditResult r, DatasetResult d) {
        return r.options().nonFinite() == NonFinitePolicy.SKIP ? ScoreCommand.skippedText(d.skippedNonFinite()) : "";
    }

    static void detectorTable(PrintStream out, AuditResult r) {
        for (DatasetResult ood : r.ood()) {
            out.println();
            out.printf(
                    Locale.ROOT,
                    "OOD detection, %s (ID) vs %s (OOD); higher score = more OOD%n",
                    r.id().name(),
                    ood.name());
            out.printf(
                    Locale.ROOT,
                    "  %-34s %7s %8s %9s %8s %9s %9s %10s %8s%n",
                    "detector",
                    "AUROC",
                    "AUPR-In",
                    "AUPR-Out",
                    "AUPRInT",
                    "AUPROutT",
                    "FPR95-ID",
                    "FPR95-OOD",
                    "DetErr");
            for (MetricsRow m : r.metrics()) {
                if (!m.oodDataset().equals(ood.name())) {
                    continue;
                }
                OodEvaluation e = m.evaluation();
                out.printf(
                        Locale.ROOT,
                        "  %-34s %7.4f %8.4f %9.4f %8.4f %9.4f %9.4f %10.4f %8.4f%n",
                        m.column(),
                        e.auroc(),
                        e.auprIn(),
                        e.auprOut(),
                        e.auprInTrapz(),
                        e.auprOutTrapz(),
                        e.fpr95Id(),
                        e.fpr95Ood(),
                        e.detectionError());
            }
        }
    }
}
