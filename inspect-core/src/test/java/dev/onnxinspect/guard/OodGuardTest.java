package dev.onnxinspect.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.onnx.ElementType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard on the identity model of {@link GuardModels}: for x >= 0 the logits are z = x exactly, so
 * MSP = -1 / (1 + e^-|z0 - z1|), Energy = -(max z + ln(1 + e^-|z0 - z1|)), MaxLogit = -max z.
 * Calibration on the ramp x_i = (i, 0), i = 1..20: every score decreases with i, so the k-th smallest score is
 * that of i = 21 - k; at 95%, k = ceil(0.95 * 20) = 19, the threshold is the score of x = (2, 0).
 */
class OodGuardTest {
    @TempDir
    Path dir;

    private Path model;
    private OodGuard guard;

    @BeforeEach
    void fit() throws IOException {
        model = GuardModels.identity(dir, "identity.onnx", 1f);
        guard = OodGuard.fit(
                model,
                GuardModels.fitSet(),
                GuardOptions.builder()
                        .calibration(GuardModels.rampCalibration())
                        .batchSize(64)
                        .build());
    }

    @AfterEach
    void close() {
        guard.close();
    }

    private static double energy(double t) {
        return -(t + Math.log1p(Math.exp(-t)));
    }

    @Test
    void thresholdsAreTheCeil95OrderStatisticOfTheCalibrationScores() {
        Thresholds t = guard.thresholds();
        assertThat(t.calibrationSet()).isEqualTo("ramp-calibration");
        assertThat(t.calibrationSamples()).isEqualTo(20);
        assertThat(t.targetTpr()).isEqualTo(0.95);
        // MaxLogit scores -20, -19, ..., -1 ascending; the 19th smallest is -2
        assertThat(t.threshold("max_logit")).isEqualTo(-2.0);
        // Energy of (2, 0): -(2 + ln(1 + e^-2))
        assertThat(t.threshold("energy")).isCloseTo(energy(2), within(1e-12));
        // MSP of (2, 0): -1 / (1 + e^-2)
        assertThat(t.threshold("msp")).isCloseTo(-1 / (1 + Math.exp(-2)), within(1e-12));
        assertThat(t.values().keySet()).containsExactlyElementsOf(guard.detectorNames());
        assertThat(guard.detectorNames()).contains("energy", "knn", "mahalanobis", "vim", "nap_hamming[h]");
        assertThat(guard.detectors().names()).isEqualTo(guard.detectorNames());
        // logits, penultimate features, and the default pattern layer (the penultimate features again)
        assertThat(guard.outputs()).containsExactly("logits", "h");
        // isOod: score > t, so the threshold itself is accepted
        assertThat(t.isOod("max_logit", -2.0)).isFalse();
        assertThat(t.isOod("max_logit", Math.nextUp(-2.0))).isTrue();
        assertThatThrownBy(() -> t.isOod("max_logit", Double.NaN)).isInstanceOf(GuardException.class);
        assertThatThrownBy(() -> t.threshold("nope"))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("unknown detector 'nope'")
                .hasMessageContaining("max_logit");
    }

    @Test
    void verdictByHand() {
        Verdict atThreshold = guard.score(new float[] {2, 0});
        assertThat(atThreshold.predictedClass()).isZero();
        assertThat(atThreshold.confidence()).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-12));
        assertThat(atThreshold.primaryDetector()).isEqualTo("energy");
        assertThat(atThreshold.score()).isCloseTo(energy(2), within(1e-12));
        // same float logits as the calibration sample, so the same score bit for bit: score > t is false
        assertThat(atThreshold.score()).isEqualTo(atThreshold.threshold());
        assertThat(atThreshold.ood()).isFalse();
        assertThat(atThreshold.score("msp")).isEqualTo(-atThreshold.confidence(), within(1e-15));
        assertThat(atThreshold.score("max_logit")).isEqualTo(-2.0);

        // (1, 0): energy -(1 + ln(1 + e^-1)) = -1.313 > -2.127 -> OOD
        Verdict low = guard.score(new float[] {1, 0});
        assertThat(low.score()).isCloseTo(energy(1), within(1e-12));
        assertThat(low.ood()).isTrue();
        // (0, 3): class 1, energy -(3 + ln(1 + e^-3)) < threshold -> ID
        Verdict high = guard.score(new float[] {0, 3});
        assertThat(high.predictedClass()).isEqualTo(1);
        assertThat(high.ood()).isFalse();
        // a tie (1, 1): lowest index, confidence 1/2, energy -(1 + ln 2) = -1.693 > -2.127 -> OOD
        Verdict tie = guard.score(new float[] {1, 1});
        assertThat(tie.predictedClass()).isZero();
        assertThat(tie.confidence()).isEqualTo(0.5);
        assertThat(tie.score()).isCloseTo(-(1 + Math.log(2)), within(1e-12));
        assertThat(tie.ood()).isTrue();
        assertThatThrownBy(() -> tie.score("nope"))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("unknown detector 'nope'")
                .hasMessageContaining("energy");
        assertThat(tie.scores().keySet()).containsExactlyElementsOf(guard.detectorNames());
    }

    @Test
    void anotherPrimaryAndTargetRate() throws IOException {
        // 50%: k = ceil(0.5 * 20) = 10, the 10th smallest of -20..-1 is -11
        try (OodGuard g = OodGuard.fit(
                model,
                GuardModels.fitSet(),
                GuardOptions.builder()
                        .primaryDetector("max_logit")
                        .targetTpr(0.5)
                        .detectors(List.of("max_logit", "energy"))
                        .calibration(GuardModels.rampCalibration())
                        .build())) {
            assertThat(g.detectorNames()).containsExactly("max_logit", "energy");
            assertThat(g.thresholds().threshold("max_logit")).isEqualTo(-11.0);
            assertThat(g.primaryDetector()).isEqualTo("max_logit");
            assertThat(g.score(new float[] {11, 0}).ood()).isFalse(); // -11 > -11 is false
            assertThat(g.score(new float[] {10.5f, 0}).ood()).isTrue(); // -10.5 > -11
            assertThat(g.score(new float[] {10.5f, 0}).threshold()).isEqualTo(-11.0);
        }
        // 100%: the largest score, -1
        try (OodGuard g = OodGuard.fit(
                model,
                GuardModels.fitSet(),
                GuardOptions.builder()
                        .targetTpr(1.0)
                        .detectors(List.of("energy", "max_logit"))
                        .calibration(GuardModels.rampCalibration())
                        .build())) {
            assertThat(g.thresholds().threshold("max_logit")).isEqualTo(-1.0);
        }
    }

    @Test
    void logitsAreTheDenseOutputEvenBehindASoftmax() throws IOException {
        Path probs = GuardModels.identity(dir, "probs.onnx", 1f, true);
        try (OodGuard g = OodGuard.fit(
                probs,
                GuardModels.fitSet(),
                GuardOptions.builder()
                        .calibration(GuardModels.rampCalibration())
                        .patternLayers(List.of("fc1", "h"))
                        .build())) {
            // "fc1" (pre-activation) is not a graph output: the guard instruments it
            assertThat(g.outputs()).containsExactly("logits", "h", "fc1");
            assertThat(g.detectorNames()).contains("nap_hamming[fc1]", "profile_kl[h]", "pattern_distance[fc1]");
            // energy of the logits (3, 0), not of the probabilities: -(3 + ln(1 + e^-3))
            Verdict v = g.score(new float[] {3, 0});
            assertThat(v.score()).isCloseTo(energy(3), within(1e-12));
            assertThat(g.thresholds().threshold("max_logit")).isEqualTo(-2.0);
        }
    }

    @Test
    void fitSetCalibrationUsesTheFitSamples() throws IOException {
        InMemoryDataset fit = GuardModels.fitSet();
        try (OodGuard g = OodGuard.fit(
                model,
                fit,
                GuardOptions.builder().detectors(List.of("energy", "max_logit")).build())) {
            assertThat(g.thresholds().calibrationSet()).isEqualTo("grid-fit");
            assertThat(g.thresholds().calibrationSamples()).isEqualTo(200);
            // MaxLogit = -max(x0, x1) (z = x exactly); the threshold is the ceil(0.95 * 200) = 190th smallest
            double[] scores = new double[200];
            for (int i = 0; i < 200; i++) {
                float[] x = fit.sample(i);
                scores[i] = -Math.max(x[0], x[1]);
            }
            Arrays.sort(scores);
            assertThat(g.thresholds().threshold("max_logit")).isEqualTo(scores[189]);
        }
    }

    @Test
    void acceptedCountIsCeilOfTheDecimalRate() {
        for (int n = 1; n <= 5000; n++) {
            // SPEC §6: "95%" is ceil(0.95 n) in integers
            assertThat(Thresholds.acceptedCount(n, 0.95)).isEqualTo((95 * n + 99) / 100);
        }
        // 0.1 * 30 is 3.0000000000000004 in binary floating point; the decimal rate gives exactly 3
        assertThat(Thresholds.acceptedCount(30, 0.1)).isEqualTo(3);
        assertThat(Thresholds.acceptedCount(1, 0.01)).isEqualTo(1);
        assertThat(Thresholds.acceptedCount(7, 1.0)).isEqualTo(7);
    }

    @Test
    void calibrateRejectsNanAndUnevenColumns() {
        assertThatThrownBy(() -> Thresholds.calibrate("x", java.util.Map.of("a", new double[] {1, Double.NaN}), 0.95))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("sample 1 as NaN");
        java.util.Map<String, double[]> uneven = new java.util.LinkedHashMap<>();
        uneven.put("a", new double[] {1, 2});
        uneven.put("b", new double[] {1});
        assertThatThrownBy(() -> Thresholds.calibrate("x", uneven, 0.95))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("b has 1 calibration scores, the others 2");
        // +inf scores are kept: the threshold may be +inf (such a detector flags nothing)
        Thresholds t =
                Thresholds.calibrate("x", java.util.Map.of("a", new double[] {Double.POSITIVE_INFINITY, 1}), 1.0);
        assertThat(t.threshold("a")).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void scoreBatchEqualsSingleScores() {
        List<float[]> inputs =
                List.of(new float[] {2, 0}, new float[] {0, 3}, new float[] {1, 1}, new float[] {-1, 4.5f});
        List<Verdict> batch = guard.scoreBatch(inputs);
        assertThat(batch).hasSize(4);
        for (int i = 0; i < inputs.size(); i++) {
            // the identity model computes exactly, whatever the batch size
            assertThat(batch.get(i)).isEqualTo(guard.score(inputs.get(i)));
        }
    }

    @Test
    void badInputsAreNamed() {
        assertThatThrownBy(() -> guard.score(new float[] {1, 2, 3}))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("has 3 values, expected 2")
                .hasMessageContaining("[2]");
        assertThatThrownBy(() -> guard.score(new float[] {1, Float.NaN}))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("value 1 of the input is NaN");
        assertThatThrownBy(() -> guard.score(new float[] {Float.NEGATIVE_INFINITY, 0}))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("-Infinity");
        assertThatThrownBy(() -> guard.score((float[]) null))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("the input is null");
        assertThatThrownBy(() -> guard.scoreBatch(java.util.Arrays.asList(new float[] {1, 2}, null)))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("input 1 is null");
        assertThatThrownBy(() -> guard.scoreBatch(List.of()))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("no input to score");
        assertThatThrownBy(() -> guard.scoreBatch(List.of(new float[] {1, 2}, new float[] {1})))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("input 1 has 1 values");
        // the guard still works afterwards
        assertThat(guard.score(new float[] {2, 0}).predictedClass()).isZero();
    }

    @Test
    void badOptionsAndModels() throws IOException {
        assertThatThrownBy(() -> OodGuard.fit(
                        model,
                        GuardModels.fitSet(),
                        GuardOptions.builder()
                                .primaryDetector("nope")
                                .calibration(GuardModels.rampCalibration())
                                .build()))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("unknown detector 'nope'")
                .hasMessageContaining("energy");
        assertThatThrownBy(() -> OodGuard.fit(
                        model,
                        GuardModels.fitSet(),
                        GuardOptions.builder()
                                .detectors(List.of("energy", "knn2"))
                                .build()))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("unknown detector 'knn2'");
        assertThatThrownBy(
                        () -> GuardOptions.builder().detectors(List.of("msp")).build())
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("'energy' is not among the kept detectors");
        assertThatThrownBy(() -> GuardOptions.builder().targetTpr(0).build())
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> GuardOptions.builder().targetTpr(Double.NaN).build())
                .isInstanceOf(GuardException.class);
        InMemoryDataset unlabelled = GuardModels.rampCalibration();
        assertThatThrownBy(() -> OodGuard.fit(model, unlabelled, GuardOptions.defaults()))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("unlabelled");
        // no hidden features: a primary detector that needs them (or the head) cannot run, with the reason
        Path linear = GuardModels.noHiddenLayer(dir);
        assertThatThrownBy(() -> OodGuard.fit(
                        linear,
                        GuardModels.fitSet(),
                        GuardOptions.builder().primaryDetector("vim").build()))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("detector 'vim' cannot run on this model")
                .hasMessageContaining("reads the model input 'x' directly");
        InMemoryDataset wide = InMemoryDataset.of("wide", new float[9], null, 3);
        assertThatThrownBy(() -> OodGuard.fit(
                        model,
                        GuardModels.fitSet(),
                        GuardOptions.builder().calibration(wide).build()))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("shape [3]");
    }

    @Test
    void saveAndLoadGiveIdenticalVerdicts() throws IOException {
        Path saved = dir.resolve("guard");
        guard.save(saved);
        try (Stream<Path> files = Files.list(saved)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(GuardFiles.PROPERTIES, GuardFiles.DETECTORS, GuardFiles.CALIBRATION);
        }
        List<float[]> inputs = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 100; i++) {
            inputs.add(new float[] {(float) (4 * random.nextGaussian()), (float) (4 * random.nextGaussian())});
        }
        try (OodGuard loaded = OodGuard.load(model, saved)) {
            assertThat(loaded.detectorNames()).isEqualTo(guard.detectorNames());
            assertThat(loaded.thresholds()).isEqualTo(guard.thresholds());
            assertThat(loaded.calibration()).isEqualTo(guard.calibration()).isNotNull();
            assertThat(loaded.falseAlarmRate()).isZero();
            assertThat(loaded.primaryDetector()).isEqualTo("energy");
            assertThat(loaded.modelSha256()).isEqualTo(guard.modelSha256()).hasSize(64);
            assertThat(loaded.sampleShape()).containsExactly(2);
            assertThat(loaded.classes()).isEqualTo(2);
            for (float[] x : inputs) {
                assertThat(loaded.score(x)).isEqualTo(guard.score(x));
            }
        }
        // saving again over the same directory replaces it
        guard.save(saved);
        try (OodGuard again = OodGuard.load(model, saved)) {
            assertThat(again.score(inputs.get(0))).isEqualTo(guard.score(inputs.get(0)));
        }
        // both files are readable by others like files created the ordinary way (0666 & ~umask)
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class), "no POSIX");
        Path plain = Files.write(dir.resolve("plain"), new byte[] {1});
        assumeTrue(Files.getPosixFilePermissions(plain).contains(PosixFilePermission.OTHERS_READ), "umask 0x7");
        for (String name : List.of(GuardFiles.PROPERTIES, GuardFiles.DETECTORS, GuardFiles.CALIBRATION)) {
            assertThat(Files.getPosixFilePermissions(saved.resolve(name)))
                    .as(name)
                    .isEqualTo(Files.getPosixFilePermissions(plain))
                    .contains(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        }
    }

    @Test
    void version1FilesOfOneFloatInputAreStillRead() throws IOException {
        // format 1 saved one float32 input as sample_shape; version 2 names it: the model's only input, x
        Path saved = dir.resolve("guard-v1");
        guard.save(saved);
        Path properties = saved.resolve(GuardFiles.PROPERTIES);
        StringBuilder v1 = new StringBuilder();
        for (String line : Files.readAllLines(properties)) {
            if (!line.startsWith("input.") && !line.startsWith("calibration_sha256")) {
                v1.append(line.equals("format=" + GuardFiles.FORMAT_VERSION) ? "format=1" : line)
                        .append('\n');
            }
        }
        Files.delete(saved.resolve(GuardFiles.CALIBRATION));
        v1.append("sample_shape=2\n");
        Files.writeString(properties, v1);
        try (OodGuard loaded = OodGuard.load(model, saved)) {
            assertThat(loaded.inputs())
                    .containsExactly(new GuardInput("x", ElementType.FLOAT, new long[] {2}, new long[] {2}));
            // a version 1 guard has no calibration scores: same decision, no p-values
            Verdict old = loaded.score(new float[] {3, 1});
            Verdict now = guard.score(new float[] {3, 1});
            assertThat(old.scores()).isEqualTo(now.scores());
            assertThat(old.ood()).isEqualTo(now.ood());
            assertThat(old.pValues()).isEmpty();
            assertThat(old.pValue()).isNaN();
            assertThat(now.pValue()).isBetween(1.0 / 21, 1.0);
            assertThat(loaded.calibration()).isNull();
        }
    }

    @Test
    void loadRejectsAnotherModelAndDamagedFiles() throws IOException {
        Path saved = dir.resolve("guard");
        guard.save(saved);
        Path other = GuardModels.identity(dir, "scaled.onnx", 2f);
        assertThatThrownBy(() -> OodGuard.load(other, saved))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("SHA-256 " + guard.modelSha256())
                .hasMessageContaining("fit a new guard")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
        assertThatThrownBy(() -> OodGuard.load(model, dir.resolve("missing")))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("no saved guard")
                .hasFieldOrPropertyWithValue("kind", Kind.IO);
        Path properties = saved.resolve(GuardFiles.PROPERTIES);
        String text = Files.readString(properties);
        Files.writeString(properties, text.replace("format=" + GuardFiles.FORMAT_VERSION, "format=99"));
        assertThatThrownBy(() -> OodGuard.load(model, saved))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("format version 99")
                .hasFieldOrPropertyWithValue("kind", Kind.UNSUPPORTED);
        Files.writeString(properties, text.replace("format=" + GuardFiles.FORMAT_VERSION, "format=one"));
        assertThatThrownBy(() -> OodGuard.load(model, saved))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("'one', not a number")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
        Files.writeString(properties, text);
        Files.write(saved.resolve(GuardFiles.DETECTORS), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> OodGuard.load(model, saved))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("parts of two different saves");
    }

    @Test
    void closedGuardRefusesToScore() throws IOException {
        OodGuard g = OodGuard.fit(
                model,
                GuardModels.fitSet(),
                GuardOptions.builder().detectors(List.of("energy")).build());
        g.close();
        g.close();
        assertThatThrownBy(() -> g.score(new float[] {1, 0}))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("closed");
    }
}
