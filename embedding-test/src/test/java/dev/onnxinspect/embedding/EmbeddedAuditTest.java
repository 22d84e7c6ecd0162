package dev.onnxinspect.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.arrow.AuditTables;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.data.MnistDigits;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application that embeds the audit, with the classpath an application gets from the library modules alone: the
 * README's embedding example runs statement for statement, and the command line's dependencies are absent.
 */
class EmbeddedAuditTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "picocli.CommandLine",
                "org.slf4j.simple.SimpleLogger",
                "ai.djl.Model",
                "ai.djl.pytorch.engine.PtEngine",
                "dev.onnxinspect.samples.cli.Main",
                "dev.onnxinspect.trainers.train.Trainer"
            })
    void theClasspathHoldsNoCommandLineLoggingBackendOrDjl(String className) {
        assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void readmeAuditExampleRuns() throws Exception {
        Path modelFile = model(dir.resolve("model.onnx"));
        Path out = dir.resolve("audit-out");
        InMemoryDataset train = FashionMnist.train();
        // --- README "Embedding the audit" (sample counts reduced for the test) ---
        AuditResult result = Audit.builder(modelFile)
                .fit(train.subset(0, 600).named("fashion-mnist-train:600"))
                .id(FashionMnist.test().subset(0, 300).named("fashion-mnist-test:300"))
                .ood(MnistDigits.load().subset(0, 300).named("mnist-digits:300"))
                .run();
        for (MetricsRow m : result.metrics()) {
            System.out.printf(
                    Locale.ROOT,
                    "%-32s AUROC %.4f%n",
                    m.column(),
                    m.evaluation().auroc());
        }
        Map<String, Path> files = AuditTables.write(result, out);
        // --- end of the README example ---
        assertThat(result.id().summary().samples()).isEqualTo(300);
        assertThat(result.ood())
                .singleElement()
                .satisfies(d -> assertThat(d.summary().samples()).isEqualTo(300));
        assertThat(result.fit())
                .hasValueSatisfying(f -> assertThat(f.summary().samples()).isEqualTo(600));
        // the detectors of SPEC §5 that the model supports, each evaluated on the one OOD set
        assertThat(result.metrics())
                .extracting(MetricsRow::column)
                .contains("msp", "energy", "mahalanobis", "knn", "vim", "nap_hamming[hidden/relu]");
        assertThat(result.metrics())
                .allSatisfy(m -> assertThat(m.evaluation().auroc()).isBetween(0.0, 1.0));
        assertThat(files).containsKeys("scores", "ood_metrics", "activation_frequency", "manifest");
        for (Path f : files.values()) {
            assertThat(Files.size(f)).isPositive();
        }
    }

    /**
     * input [N, 784] -> Gemm (16 units) -> Relu "hidden/relu" -> Gemm -> "logits" [N, 10], deterministic weights: a
     * model the application brings (its numbers do not matter here, the embedding does).
     */
    private static Path model(Path file) throws Exception {
        GraphBuilder g = GraphBuilder.create("app-model");
        String x = g.input("input", TensorShape.of(Dim.symbolic("N"), Dim.of(784)));
        float[] w1 = new float[16 * 784];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) Math.sin(i * 0.37) * 0.05f;
        }
        float[] w2 = new float[10 * 16];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) Math.cos(i * 0.91) * 0.5f;
        }
        String h = g.gemm(
                "hidden/linear",
                x,
                g.addInitializer("w1", w1, 16, 784),
                g.addInitializer("b1", new float[16], 16),
                true);
        String r = g.relu("hidden/relu", h);
        g.gemm("logits", r, g.addInitializer("w2", w2, 10, 16), g.addInitializer("b2", new float[10], 10), true);
        g.output("logits");
        g.build().save(file);
        return file;
    }
}
