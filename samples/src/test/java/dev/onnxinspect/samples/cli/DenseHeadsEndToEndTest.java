package dev.onnxinspect.samples.cli;

import static dev.onnxinspect.samples.cli.ArrowRows.asDouble;
import static dev.onnxinspect.samples.cli.ArrowRows.asLong;
import static dev.onnxinspect.samples.cli.ArrowRows.where;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.samples.cli.CliTest.Outcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, "Done when": a one-logit binary classifier and a model whose head is MatMul + Add, audited through the
 * command line from NumPy files, with scores and counts derived by hand from the tiny models of
 * {@link CliTestModels}.
 */
class DenseHeadsEndToEndTest {
    @TempDir
    Path dir;

    /**
     * The binary model: z = relu(x0) - relu(x1), logits (0, z) (SPEC §5). ID: (k, 0) and (0, k) for k = 3..6, so
     * z = +-k with label 1 for z > 0; OOD: (0.1, 0), (0, 0.1), (0.2, 0), (0, 0.2), z = +-0.1, +-0.2. MSP =
     * -1 / (1 + e^-|z|) is at most -1 / (1 + e^-3) = -0.953 on ID and at least -1 / (1 + e^-0.2) = -0.550 on OOD: AUROC
     * 1. Energy = -ln(1 + e^z) per sample.
     */
    @Test
    void aOneLogitBinaryClassifierIsAuditedAsTwoClasses() throws Exception {
        Path model = CliTestModels.binary(dir);
        float[] id = new float[16];
        long[] labels = new long[8];
        float[] z = new float[8];
        for (int k = 0; k < 4; k++) {
            id[2 * k] = 3 + k; // (3 + k, 0): z = 3 + k, class 1
            z[k] = 3 + k;
            labels[k] = 1;
            id[2 * (k + 4) + 1] = 3 + k; // (0, 3 + k): z = -(3 + k), class 0
            z[k + 4] = -(3 + k);
        }
        float[] ood = {0.1f, 0, 0, 0.1f, 0.2f, 0, 0, 0.2f};
        Path x = TestFiles.write(dir.resolve("id-x.npy"), TestFiles.npy(id, 8, 2));
        Path y = TestFiles.write(dir.resolve("id-y.npy"), TestFiles.npy(labels, 8));
        Path o = TestFiles.write(dir.resolve("ood-x.npy"), TestFiles.npy(ood, 4, 2));
        String idSet = "x=" + x + ",labels=" + y + ",name=id";
        Path out = dir.resolve("audit");
        Outcome r = CliTest.run(
                "audit",
                model.toString(),
                "--fit",
                idSet,
                "--id",
                idSet,
                "--ood",
                o + ",name=ood",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> msp = where(ArrowRows.read(out.resolve("tables/ood_metrics.arrow")), "detector", "msp")
                .get(0);
        assertThat(asDouble(msp.get("auroc"))).isEqualTo(1.0);
        assertThat(asLong(msp.get("n_id"))).isEqualTo(8);
        assertThat(asLong(msp.get("n_ood"))).isEqualTo(4);
        List<Map<String, Object>> scores = where(ArrowRows.read(out.resolve("tables/scores.arrow")), "dataset", "id");
        assertThat(scores).hasSize(8);
        for (int i = 0; i < 8; i++) {
            Map<String, Object> s = scores.get(i);
            assertThat(asDouble(s.get("energy")))
                    .as("sample %d", i)
                    .isCloseTo(-Math.log1p(Math.exp(z[i])), within(1e-6));
            assertThat(asLong(s.get("predicted"))).isEqualTo(labels[i]);
        }
    }

    /**
     * The MatMul + Add head: hidden = relu(x0, x1, x2, x0 - x1), z = (h0 + h3 + 1, h1 + h2 - 1). ID from an .npz:
     * a = (2, 0, 0), c = (1, 0, 0), e = (3, 1, 0) of class 0 (z = (5, -1), (3, -1), (6, 0)); b = (0, 2, 1),
     * d = (0, 1, 2), f = (0, 3, 3) of class 1 (z = (1, 2), (1, 2), (1, 5)). S1 counts of hidden: class 0 (3, 1, 0, 3),
     * class 1 (0, 3, 3, 0). GradNorm of a (reads h and the head W, b through p): -(|p0 - 1/2| + |p1 - 1/2|) *
     * sum |h| = -2 (p0 - 1/2) * 4 with p0 = 1 / (1 + e^-6).
     */
    @Test
    void aMatMulAddHeadFeedsTheHeadDetectors() throws Exception {
        Path model = CliTestModels.matMulHead(dir);
        float[] x = {2, 0, 0, 0, 2, 1, 1, 0, 0, 0, 1, 2, 3, 1, 0, 0, 3, 3};
        long[] y = {0, 1, 0, 1, 0, 1};
        Path data = TestFiles.npz(dir.resolve("id.npz"), Map.of("x", TestFiles.npy(x, 6, 3), "y", TestFiles.npy(y, 6)));
        Path ood = TestFiles.npz(
                dir.resolve("far.npz"), Map.of("x", TestFiles.npy(new float[] {0, 0, 0, -1, -1, -1}, 2, 3)));
        String idSet = data + ",labels=" + data + ":y";
        Path out = dir.resolve("audit");
        Outcome r = CliTest.run(
                "audit",
                model.toString(),
                "--fit",
                idSet,
                "--id",
                idSet,
                "--ood",
                ood.toString(),
                "--layers",
                "hidden",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out.resolve("tables/manifest.json"))
                .content()
                .contains("\"dense_head\"", "\"feature_layer\"")
                .contains("hidden");
        List<Map<String, Object>> metrics = ArrowRows.read(out.resolve("tables/ood_metrics.arrow"));
        assertThat(metrics)
                .extracting(m -> m.get("detector"))
                .contains("gradnorm", "react_energy", "dice", "vim")
                .doesNotContain("ash_p");
        // ASH keeps n - round(0.9 n) = 4 - 4 = 0 of the 4 features: left out with the reason
        assertThat(out.resolve("tables/manifest.json"))
                .content()
                .contains("ash_b: ASH with p = 0.9 on 4 features keeps no entry");
        List<Map<String, Object>> counts = where(
                ArrowRows.read(out.resolve("tables/activation_frequency.arrow")),
                "layer",
                "hidden",
                "significance",
                "S1",
                "dataset",
                "id");
        long[][] expected = {{3, 1, 0, 3}, {0, 3, 3, 0}};
        for (Map<String, Object> row : counts) {
            int label = (int) asLong(row.get("class"));
            int unit = (int) asLong(row.get("neuron"));
            assertThat(asLong(row.get("count")))
                    .as("class %d unit %d", label, unit)
                    .isEqualTo(expected[label][unit]);
        }
        assertThat(counts).hasSize(8);
        Map<String, Object> a = where(ArrowRows.read(out.resolve("tables/scores.arrow")), "dataset", "id")
                .get(0);
        double p0 = 1 / (1 + Math.exp(-6));
        assertThat(asDouble(a.get("gradnorm"))).isCloseTo(-2 * (p0 - 0.5) * 4, within(1e-6));
        // energy of a: -logsumexp(5, -1) = -(5 + ln(1 + e^-6))
        assertThat(asDouble(a.get("energy"))).isCloseTo(-(5 + Math.log1p(Math.exp(-6))), within(1e-6));
    }
}
