package dev.onnxinspect.samples.examples;

import dev.onnxinspect.arrow.AuditTables;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.data.MnistDigits;
import dev.onnxinspect.io.OutputPaths;
import dev.onnxinspect.report.ReportAssembler;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Example (2): an offline audit of a model that was not trained by this project. It builds a nearest-class-mean
 * classifier on random ReLU features with the graph API ({@link NearestMeanModel}), saves it as a plain ONNX file
 * whose only output is the logits, and audits it exactly as a user would audit a model from elsewhere: the audit
 * finds the dense head and its penultimate features through onnx-io, exposes the Relu layer, fits every detector
 * and writes the tables and the report.
 * <p>Run: {@code scripts/sample-offline-audit.sh [outDir]} (default {@code onnx-inspect-out/offline-audit}).
 */
public final class OfflineAuditExample {
    private OfflineAuditExample() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "onnx-inspect-out/offline-audit");
        InMemoryDataset train = FashionMnist.train();
        Path model = out.resolve("nearest-mean.onnx");
        OutputPaths.directory(out);
        NearestMeanModel.build(train, 128, 10, 7).save(model);
        AuditResult result = Audit.builder(model)
                .fit(train.subset(0, 10_000).named("fashion-mnist-train:10000"))
                .id(FashionMnist.test())
                .ood(MnistDigits.load())
                .parameter("model_origin", "random ReLU features + nearest class mean, built with GraphBuilder")
                .run();
        AuditTables.write(result, out.resolve("tables"));
        ReportAssembler.write(result, FashionMnist.CLASS_NAMES, null, out.resolve("report.html"));
        System.out.printf(
                Locale.ROOT,
                "nearest-mean model: ID accuracy %.4f; report %s%n",
                result.id().accuracy(),
                out.resolve("report.html").toAbsolutePath());
        result.metrics()
                .forEach(m -> System.out.printf(
                        Locale.ROOT,
                        "  %-32s AUROC %.4f  FPR95-ID %.4f%n",
                        m.column(),
                        m.evaluation().auroc(),
                        m.evaluation().fpr95Id()));
    }
}
