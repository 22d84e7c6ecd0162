package dev.onnxinspect.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.runtime.LayerActivations;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SPEC §5b logit and feature detectors as parts of the library: merge equals one pass, save/load round trips,
 * the file format version rule, the standard suite, and K = 2 from a one-logit model through {@link DetectorLayout}.
 */
class Detectors5bSuiteTest {
    private static final String SHA = "ab".repeat(32);
    private final SyntheticModel model = new SyntheticModel(57);
    private final List<DetectorInput> first = model.batches(61, 2, 40, 0);
    private final List<DetectorInput> second = model.batches(62, 2, 40, 0);
    private final DetectorInput probe = model.batches(63, 1, 30, 0.4).get(0);

    @Test
    void mergeEqualsOnePassForEveryNewAccumulator() {
        int k = SyntheticModel.CLASSES;
        check(() -> FdbdDetector.accumulator(model.dense));
        check(() -> RmdsDetector.accumulator(k));
        check(() -> ScaleDetector.accumulator(model.dense));
        check(() -> MspTemperatureDetector.accumulator(k));
        check(() -> EntropyDetector.temperatureAccumulator(k));
    }

    private <D extends OodDetector> void check(Supplier<? extends FitAccumulator<D>> factory) {
        FitAccumulator<D> onePass = factory.get();
        first.forEach(onePass::accept);
        second.forEach(onePass::accept);
        FitAccumulator<D> left = factory.get();
        first.forEach(left::accept);
        FitAccumulator<D> right = factory.get();
        second.forEach(right::accept);
        left.merge(right);
        D expected = onePass.result();
        // sums are added in another order after a merge (fDBD's mean, RMDS's co-moments): rounding only
        assertThat(left.result().score(probe)).as(expected.name()).containsExactly(expected.score(probe), within(1e-9));
        double[] before = expected.score(probe);
        onePass.accept(model.batches(64, 1, 25, 1.5).get(0));
        assertThat(expected.score(probe)).as(expected.name()).containsExactly(before);
        // and the later batch does change a refit (the accumulator really keeps what it fits from)
        if (!(expected instanceof ScaleDetector)) {
            assertThat(onePass.result().score(probe)).as(expected.name()).isNotEqualTo(before);
        }
    }

    @Test
    void savedDetectorsScoreBitForBitTheSame(@TempDir Path dir) throws IOException {
        List<OodDetector> detectors = new ArrayList<>();
        List<FitAccumulator<?>> accumulators = List.of(
                FdbdDetector.accumulator(model.dense),
                RmdsDetector.accumulator(SyntheticModel.CLASSES),
                ScaleDetector.accumulator(model.dense),
                MspTemperatureDetector.accumulator(SyntheticModel.CLASSES),
                EntropyDetector.temperatureAccumulator(SyntheticModel.CLASSES));
        for (FitAccumulator<?> a : accumulators) {
            first.forEach(a::accept);
            detectors.add(a.result());
        }
        detectors.add(FdbdDetector.originNormalised(model.dense));
        detectors.add(GenDetector.create(0.3, 2));
        detectors.add(EntropyDetector.create());
        detectors.add(ScaleDetector.create(model.dense, 60, 2));
        Path file = dir.resolve("d.bin");
        DetectorFiles.save(file, SHA, detectors);
        List<OodDetector> loaded = DetectorFiles.load(file, SHA);
        assertThat(loaded)
                .extracting(OodDetector::name)
                .containsExactly(
                        "fdbd",
                        "rmds",
                        "scale",
                        "msp_temperature",
                        "entropy_temperature",
                        "fdbd_origin",
                        "gen",
                        "entropy",
                        "scale");
        for (int i = 0; i < detectors.size(); i++) {
            assertThat(loaded.get(i).score(probe))
                    .as(detectors.get(i).name())
                    .containsExactly(detectors.get(i).score(probe));
        }
        assertThat(((MspTemperatureDetector) loaded.get(3)).fittedTemperature())
                .isEqualTo(((MspTemperatureDetector) detectors.get(3)).fittedTemperature());
        assertThat(((GenDetector) loaded.get(6)).m()).isEqualTo(2);
        assertThat(((ScaleDetector) loaded.get(8)).percentile()).isEqualTo(60.0);
    }

    @Test
    void aNewTypeInAnOlderFormatVersionIsADamagedFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("gen-v2.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(DetectorFiles.MAGIC);
            out.writeInt(2);
            out.writeUTF(SHA);
            out.writeInt(1);
            out.writeUTF(GenDetector.TYPE);
            GenDetector.create().writeState(out);
        }
        assertThatThrownBy(() -> DetectorFiles.load(file, SHA))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("type 'gen', which format version 2 does not have")
                .hasMessageContaining("fit and save the detectors again")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
        assertThat(DetectorFiles.FORMAT_VERSION).isEqualTo(3);
    }

    @Test
    void standardSuiteHasTheNewDetectorsInOneBlockAfterShe() {
        DetectorSuite suite = model.fitStandardSuite(first);
        List<String> names = suite.names();
        int she = names.indexOf("she");
        assertThat(names.subList(she + 1, she + 8))
                .containsExactly("fdbd", "rmds", "gen", "scale", "msp_temperature", "entropy", "entropy_temperature");
        assertThat(suite.score(probe).column("gen")).hasSize(30);
    }

    @Test
    void withoutAHeadTheLogitDetectorsStayAndTheHeadOnesAreSkippedWithTheReason() {
        List<String> skipped = new ArrayList<>();
        DetectorLayout layout = new DetectorLayout("z", "h", List.of(), 3);
        DetectorSuite.Builder b = layout.standardSuite(null, "no MatMul head", 0, 1e-6, skipped);
        first.forEach(b::accept);
        DetectorSuite suite = b.build();
        assertThat(suite.names())
                .contains("rmds", "gen", "msp_temperature", "entropy", "entropy_temperature")
                .doesNotContain("fdbd", "scale");
        assertThat(skipped.get(0)).contains("fdbd, scale: need the dense head").contains("no MatMul head");
        DetectorLayout noFeatures = new DetectorLayout("z", null, List.of(), 3);
        List<String> skipped2 = new ArrayList<>();
        assertThat(noFeatures
                        .standardSuite(null, null, 0, 1e-6, skipped2)
                        .buildUnfitted()
                        .names())
                .contains("gen", "entropy")
                .doesNotContain("rmds");
        assertThat(skipped2.get(1)).startsWith("mahalanobis, knn, she, rmds: need features h");
    }

    @Test
    void aOneLogitModelIsTwoClassesWithLogitsZeroAndZ() {
        // one logit z per sample, head w = (3, 4), b = 0: K = 2 with logits (0, z) and head rows (0, 0), (3, 4).
        DenseLayer oneRow = new DenseLayer("z", "h", 1, 2, new float[] {3, 4}, new float[] {0});
        DetectorLayout layout = new DetectorLayout("z", "h", List.of(), 2);
        DenseLayer head = DetectorLayout.twoClassHead(oneRow);
        // fit: h = (0, 0) and (2, 0) -> mu = (1, 0); labels 1, 0; z = w.h = 0 and 6.
        DetectorInput fit = layout.input(
                Map.of(
                        "z", new LayerActivations("z", new float[] {0, 6}, 2, new int[] {1}),
                        "h", new LayerActivations("h", new float[] {0, 0, 2, 0}, 2, new int[] {2})),
                2,
                new int[] {1, 0});
        FdbdDetector.Accumulator acc = FdbdDetector.accumulator(head);
        acc.accept(fit);
        // h = (1, 1): z = 7 -> logits (0, 7), yhat = 1: |7 - 0| / |(3, 4) - (0, 0)| = 7/5; |h - mu| = 1 -> -7/5.
        DetectorInput in = layout.input(
                Map.of(
                        "z", new LayerActivations("z", new float[] {7}, 1, new int[] {1}),
                        "h", new LayerActivations("h", new float[] {1, 1}, 1, new int[] {2})),
                1,
                null);
        assertThat(acc.result().score(in)[0]).isCloseTo(-7.0 / 5, within(1e-12));
        // GEN of (0, ln 3): p = (1/4, 3/4) -> 2 (3/16)^0.1; entropy -(1/4 ln 1/4 + 3/4 ln 3/4).
        DetectorInput ln3 = layout.input(
                Map.of(
                        "z", new LayerActivations("z", new float[] {(float) Math.log(3)}, 1, new int[] {1}),
                        "h", new LayerActivations("h", new float[] {1, 1}, 1, new int[] {2})),
                1,
                null);
        assertThat(GenDetector.create().score(ln3)[0]).isCloseTo(2 * Math.pow(3.0 / 16, 0.1), within(1e-7));
        assertThat(EntropyDetector.create().score(ln3)[0])
                .isCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), within(1e-7));
        // temperature from one-logit fit data: z = 2 for four samples labelled 1, 1, 1, 0 -> T* = 2 / ln 3.
        DetectorInput four = layout.input(
                Map.of(
                        "z", new LayerActivations("z", new float[] {2, 2, 2, 2}, 4, new int[] {1}),
                        "h", new LayerActivations("h", new float[8], 4, new int[] {2})),
                4,
                new int[] {1, 1, 1, 0});
        MspTemperatureDetector.Accumulator t = MspTemperatureDetector.accumulator(2);
        t.accept(four);
        assertThat(t.result().fittedTemperature().temperature()).isCloseTo(2 / Math.log(3), within(1e-11));
    }
}
