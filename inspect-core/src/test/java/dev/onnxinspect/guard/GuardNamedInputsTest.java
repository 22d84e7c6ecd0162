package dev.onnxinspect.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guard around a model of two named int64 inputs with a free sequence length: ids [N, T] and mask [N, T]. The
 * model computes s = sum_t ids_t * mask_t and len = sum_t mask_t, h = relu(s, len, s, len, ...) (8 units) and the
 * logits z = (h0, h1) = (s, len): exact in float32 for small integers. So for a sample, MaxLogit = -max(s, len),
 * the prediction is 0 when s > len, and the confidence is 1 / (1 + e^-|s - len|).
 */
class GuardNamedInputsTest {
    @TempDir
    Path dir;

    static Path model(Path dir) throws IOException {
        GraphBuilder g = GraphBuilder.create("sum-and-length");
        TensorShape tokens = TensorShape.of(Dim.symbolic("N"), Dim.symbolic("T"));
        String ids = g.input("ids", ElementType.INT64, tokens);
        String mask = g.input("mask", ElementType.INT64, tokens);
        String idsF = g.cast("ids_f", ids, ElementType.FLOAT);
        String maskF = g.cast("mask_f", mask, ElementType.FLOAT);
        String s = g.reduceSum("s", g.mul("masked", idsF, maskF), true, 1);
        String len = g.reduceSum("len", maskF, true, 1);
        float[] a = new float[8];
        float[] b = new float[8];
        for (int j = 0; j < 8; j++) {
            a[j] = j % 2 == 0 ? 1 : 0; // even units copy s
            b[j] = j % 2 == 1 ? 1 : 0; // odd units copy len
        }
        g.addInitializer("A", a, 1, 8);
        g.addInitializer("B", b, 1, 8);
        g.addInitializer("zero8", new float[8], 8);
        String h = g.relu("h", g.add("pre", g.gemm("from_s", s, "A", "zero8", false), g.matMul("from_len", len, "B")));
        float[] w = new float[8 * 2];
        w[0] = 1; // z0 = h0 = s
        w[3] = 1; // z1 = h1 = len
        g.addInitializer("W", w, 8, 2);
        g.addInitializer("bias", new float[2], 2);
        g.output(g.gemm("logits", h, "W", "bias", false));
        Path file = dir.resolve("sum-and-length.onnx");
        g.build().save(file);
        return file;
    }

    /**
     * 60 sequences of T = 4: sample i has length 1 + i % 4 and ids (i % 3) + 1 + t % 2 at its positions, so s and
     * len differ; its label is 0 when s > len, else 1 (the model's own prediction: a perfect fit set).
     */
    static DataSource sequences(String name, int n) {
        int t = 4;
        long[] ids = new long[n * t];
        long[] mask = new long[n * t];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            long s = 0;
            int length = 1 + i % 4;
            for (int p = 0; p < length; p++) {
                ids[i * t + p] = (i % 3) + 1L + p % 2;
                mask[i * t + p] = 1;
                s += ids[i * t + p];
            }
            labels[i] = s > length ? 0 : 1;
        }
        return new DataSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int[] sampleShape() {
                return new int[] {t};
            }

            @Override
            public List<InputSpec> inputs() {
                return List.of(
                        new InputSpec("ids", ElementType.INT64, new long[] {t}),
                        new InputSpec("mask", ElementType.INT64, new long[] {t}));
            }

            @Override
            public long size() {
                return n;
            }

            @Override
            public boolean labelled() {
                return true;
            }

            @Override
            public Iterator<Batch> batches(int batchSize) {
                List<Batch> out = new ArrayList<>();
                for (int from = 0; from < n; from += batchSize) {
                    int m = Math.min(batchSize, n - from);
                    long[] i2 = Arrays.copyOfRange(ids, from * t, (from + m) * t);
                    long[] m2 = Arrays.copyOfRange(mask, from * t, (from + m) * t);
                    out.add(new Batch(
                            m,
                            List.of(InputTensor.longs("ids", i2, m, t), InputTensor.longs("mask", m2, m, t)),
                            Arrays.copyOfRange(labels, from, from + m)));
                }
                return out.iterator();
            }
        };
    }

    private static OodGuard fit(Path model) throws IOException {
        return OodGuard.fit(
                model,
                sequences("seq-fit", 60),
                GuardOptions.builder()
                        .calibration(sequences("seq-cal", 20))
                        .batchSize(16)
                        .build());
    }

    @Test
    void scoresNamedInputsOfAnyLengthAndSavesTheirLayout() throws IOException {
        Path model = model(dir);
        try (OodGuard guard = fit(model)) {
            assertThat(guard.inputs())
                    .containsExactly(
                            new GuardInput("ids", ElementType.INT64, new long[] {-1}, new long[] {4}),
                            new GuardInput("mask", ElementType.INT64, new long[] {-1}, new long[] {4}));
            // ids (2, 1, 3), mask (1, 1, 0): s = 2 + 1 = 3, len = 2 -> z = (3, 2); T = 3 from the arrays' length
            Verdict v = guard.score(Map.of("ids", new long[] {2, 1, 3}, "mask", new long[] {1, 1, 0}));
            assertThat(v.predictedClass()).isZero();
            assertThat(v.score("max_logit")).isEqualTo(-3.0);
            assertThat(v.confidence()).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-12));
            // int32 values are widened to the int64 inputs; six ids 1 of mask 1: s = 6 = len, a tie: class 0 (the
            // lowest index), MaxLogit = -6
            Verdict six =
                    guard.score(Map.of("ids", new int[] {1, 1, 1, 1, 1, 1}, "mask", new int[] {1, 1, 1, 1, 1, 1}));
            assertThat(six.score("max_logit")).isEqualTo(-6.0);
            assertThat(six.predictedClass()).isZero();

            Path saved = dir.resolve("guard");
            guard.save(saved);
            assertThat(Files.readString(saved.resolve(GuardFiles.PROPERTIES)))
                    .contains(
                            "format=3",
                            "input.0.name=ids",
                            "input.0.type=INT64",
                            "input.0.shape=-1",
                            "input.0.fit_shape=4",
                            "input.1.name=mask");
            try (OodGuard loaded = OodGuard.load(model, saved)) {
                assertThat(loaded.inputs()).isEqualTo(guard.inputs());
                assertThat(loaded.score(Map.of("ids", new long[] {2, 1, 3}, "mask", new long[] {1, 1, 0})))
                        .isEqualTo(v);
            }
        }
    }

    @Test
    void badNamedInputsAreNamed() throws IOException {
        try (OodGuard guard = fit(model(dir))) {
            assertThatThrownBy(() -> guard.score(Map.of("ids", new long[] {1})))
                    .isInstanceOf(GuardException.class)
                    .hasMessageContaining("input mask is missing");
            assertThatThrownBy(() ->
                            guard.score(Map.of("ids", new long[] {1}, "mask", new long[] {1}, "x", new long[] {1})))
                    .isInstanceOf(GuardException.class)
                    .hasMessageContaining("unknown input 'x'")
                    .hasMessageContaining("ids INT64 [-1]");
            assertThatThrownBy(() -> guard.score(Map.of("ids", "1 2", "mask", new long[] {1})))
                    .isInstanceOf(GuardException.class)
                    .hasMessageContaining("input ids is a String");
            // float values cannot become int64 token ids without loss
            assertThatThrownBy(() -> guard.score(Map.of("ids", new float[] {1}, "mask", new long[] {1})))
                    .isInstanceOf(GuardException.class)
                    .hasMessageContaining("ids");
            assertThatThrownBy(() -> guard.sampleShape())
                    .isInstanceOf(GuardException.class)
                    .hasMessageContaining("2 inputs [ids, mask]");
            assertThatThrownBy(() -> guard.score(new float[] {1}))
                    .isInstanceOf(GuardException.class)
                    .hasMessageContaining("score(Map)");
        }
    }
}
