package dev.onnxinspect.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard's p-values and its decision at a target false-alarm rate (SPEC §6b) on the identity model of
 * {@link GuardModels} (logits z = x for x >= 0). The ramp calibration x_i = (i, 0), i = 1..20, gives MaxLogit scores
 * -i and Energy scores -(i + ln(1 + e^-i)), both decreasing in i: a sample scoring like x = (j, 0) has j calibration
 * scores at or above its own (i = 1..j), so p = (1 + j) / 21.
 */
class GuardPValueTest {
    @TempDir
    Path dir;

    private static final List<String> KEPT = List.of("energy", "max_logit", "msp");

    private OodGuard fit(Path model, GuardOptions.Builder options) throws IOException {
        return OodGuard.fit(
                model,
                GuardModels.fitSet(),
                options.detectors(KEPT).batchSize(64).build());
    }

    @Test
    void everyVerdictCarriesItsPValueByHand() throws IOException {
        Path model = GuardModels.identity(dir, "identity.onnx", 1f);
        try (OodGuard guard = fit(model, GuardOptions.builder().calibration(GuardModels.rampCalibration()))) {
            assertThat(guard.calibration().samples()).isEqualTo(20);
            assertThat(guard.calibration().heldOut()).isTrue();
            assertThat(guard.falseAlarmRate()).isZero();
            // (2, 0) scores exactly as calibration sample i = 2: j = 2 -> p = 3 / 21 for every detector
            Verdict v = guard.score(new float[] {2, 0});
            assertThat(v.pValue()).isEqualTo(3.0 / 21);
            assertThat(v.pValues()).containsOnlyKeys(KEPT);
            assertThat(v.pValues().get("max_logit")).isEqualTo(3.0 / 21);
            // (1, 1): energy -(1 + ln 2) = -1.69 lies between energy(2) = -2.13 and energy(1) = -1.31: j = 1;
            // max logit -1 ties sample i = 1 (counted): 2 / 21
            Verdict tie = guard.score(new float[] {1, 1});
            assertThat(tie.pValue()).isEqualTo(2.0 / 21);
            assertThat(tie.pValues().get("max_logit")).isEqualTo(2.0 / 21);
            // (0.5, 0): above every calibration score -> 1 / 21; (30, 0): below all -> 21 / 21
            assertThat(guard.score(new float[] {0.5f, 0}).pValue()).isEqualTo(1.0 / 21);
            assertThat(guard.score(new float[] {30, 0}).pValue()).isEqualTo(1.0);
            // the TPR-95 decision is unchanged: t = energy(2), so (2, 0) is accepted although p = 0.14
            assertThat(v.ood()).isFalse();
        }
    }

    @Test
    void targetFalseAlarmRateFlagsPAtMostA() throws IOException {
        Path model = GuardModels.identity(dir, "identity.onnx", 1f);
        // a = 0.15: floor(0.15 * 21) = 3, so p <= a means j + 1 <= 3: the scores of (1, 0) and (2, 0) and above
        try (OodGuard guard = fit(
                model,
                GuardOptions.builder()
                        .calibration(GuardModels.rampCalibration())
                        .falseAlarmRate(0.15))) {
            assertThat(guard.falseAlarmRate()).isEqualTo(0.15);
            // the equivalent threshold is the score of (3, 0): flagged when score > energy(3)
            double energy3 = -(3 + Math.log1p(Math.exp(-3)));
            assertThat(guard.threshold()).isCloseTo(energy3, org.assertj.core.api.Assertions.within(1e-12));
            Verdict two = guard.score(new float[] {2, 0});
            assertThat(two.pValue()).isEqualTo(3.0 / 21);
            assertThat(two.ood()).isTrue();
            assertThat(two.threshold()).isEqualTo(guard.threshold());
            Verdict three = guard.score(new float[] {3, 0});
            assertThat(three.pValue()).isEqualTo(4.0 / 21);
            assertThat(three.ood()).isFalse();
            // the TPR thresholds are still calibrated alongside
            assertThat(guard.thresholds().threshold("max_logit")).isEqualTo(-2.0);
            // save and load keep the rate and the calibration scores
            Path saved = dir.resolve("guard");
            guard.save(saved);
            assertThat(Files.readString(saved.resolve(GuardFiles.PROPERTIES)))
                    .contains("format=3")
                    .contains("false_alarm_rate=0.15");
            try (OodGuard loaded = OodGuard.load(model, saved)) {
                assertThat(loaded.falseAlarmRate()).isEqualTo(0.15);
                assertThat(loaded.calibration()).isEqualTo(guard.calibration());
                assertThat(loaded.score(new float[] {2, 0})).isEqualTo(two);
                assertThat(loaded.score(new float[] {3, 0})).isEqualTo(three);
            }
            // a damaged calibration file is refused in one line
            Files.write(saved.resolve(GuardFiles.CALIBRATION), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
            assertThatThrownBy(() -> OodGuard.load(model, saved))
                    .isInstanceOf(GuardException.class)
                    .hasMessageContaining(GuardFiles.CALIBRATION)
                    .hasMessageContaining("parts of two different saves");
            Files.delete(saved.resolve(GuardFiles.CALIBRATION));
            assertThatThrownBy(() -> OodGuard.load(model, saved))
                    .isInstanceOf(GuardException.class)
                    .hasMessageContaining("lacks its calibration file");
        }
    }

    @Test
    void holdoutTakesEveryMthFitSampleForCalibration() throws IOException {
        Path model = GuardModels.identity(dir, "identity.onnx", 1f);
        try (OodGuard guard =
                fit(model, GuardOptions.builder().calibrationHoldout(10).falseAlarmRate(0.1))) {
            CalibrationScores c = guard.calibration();
            assertThat(c.heldOut()).isTrue();
            assertThat(c.calibrationSet()).isEqualTo("grid-fit[i%10==9]");
            // fit-set samples 9, 19, ..., 199 are (c, a, b) = (i / 100, i / 10 % 10, 9): GuardModels.fitSet's
            // points with b = 9; the identity model's max logit is the larger coordinate, computed in float32
            double[] expected = new double[20];
            int k = 0;
            for (int cls = 0; cls < 2; cls++) {
                for (int a = 0; a < 10; a++) {
                    float u = 0.1f * a + 0.013f * 9;
                    float v = 0.1f * 9 + 0.007f * a;
                    float x0 = (cls == 0 ? 2 : 1) + u;
                    float x1 = (cls == 0 ? 1 : 2) + v;
                    expected[k++] = -Math.max(x0, x1);
                }
            }
            Arrays.sort(expected);
            assertThat(c.scoresOf("max_logit")).containsExactly(expected);
            assertThat(guard.thresholds().calibrationSamples()).isEqualTo(20);
        }
    }

    @Test
    void holdoutSplitsStreamsWithoutSharingASample() {
        // 23 samples in batches of 4: the calibration side gets 2 (indices 9, 19), the fit side the other 21
        DataSource ramp = new DataSource() {
            @Override
            public String name() {
                return "ramp";
            }

            @Override
            public int[] sampleShape() {
                return new int[] {1};
            }

            @Override
            public long size() {
                return 23;
            }

            @Override
            public boolean labelled() {
                return true;
            }

            @Override
            public Iterator<Batch> batches(int batchSize) {
                List<Batch> out = new ArrayList<>();
                for (int start = 0; start < 23; start += batchSize) {
                    int n = Math.min(batchSize, 23 - start);
                    float[] x = new float[n];
                    int[] y = new int[n];
                    for (int i = 0; i < n; i++) {
                        x[i] = start + i;
                        y[i] = (start + i) % 3;
                    }
                    out.add(new Batch(x, n, new int[] {1}, y));
                }
                return out.iterator();
            }
        };
        HoldoutSource cal = HoldoutSource.calibrationPart(ramp, 10);
        HoldoutSource fit = HoldoutSource.fitPart(ramp, 10);
        assertThat(cal.size()).isEqualTo(2);
        assertThat(fit.size()).isEqualTo(21);
        assertThat(values(cal)).containsExactly(9f, 19f);
        List<Float> rest = values(fit);
        assertThat(rest).hasSize(21).doesNotContain(9f, 19f).contains(0f, 8f, 10f, 18f, 20f, 22f);
        // labels follow their samples: sample 19 has label 19 % 3 = 1
        Iterator<Batch> it = cal.batches(4);
        assertThat(it.next().labels()).containsExactly(0);
        assertThat(it.next().labels()).containsExactly(1);
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(() -> HoldoutSource.fitPart(ramp, 1)).hasMessageContaining("m >= 2");
    }

    private static List<Float> values(DataSource s) {
        List<Float> out = new ArrayList<>();
        Iterator<Batch> it = s.batches(4);
        while (it.hasNext()) {
            for (float v : it.next().data()) {
                out.add(v);
            }
        }
        return out;
    }

    @Test
    void aTargetRateNeedsHeldOutCalibration() {
        assertThatThrownBy(() -> GuardOptions.builder().falseAlarmRate(0.05).build())
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("held out from the fit set")
                .hasMessageContaining("--holdout-every");
        assertThatThrownBy(() -> GuardOptions.builder()
                        .calibrationHoldout(10)
                        .falseAlarmRate(1.5)
                        .build())
                .hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> GuardOptions.builder()
                        .calibrationHoldout(10)
                        .calibration(GuardModels.rampCalibration())
                        .build())
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> GuardOptions.builder().calibrationHoldout(1).build())
                .hasMessageContaining("m >= 2");
    }
}
