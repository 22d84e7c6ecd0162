package dev.onnxinspect.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.runtime.LayerActivations;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PatternSetTest {

    @Test
    void s1IsStrictlyAboveTauComparedInFloat() {
        // tau = 1: 1.0f is not above 1 (off); the next float up, 1.0000001f, is (on); 0.99f is off.
        PatternSet p = PatternSet.of(new float[][] {{1.0f, Math.nextUp(1.0f), 0.99f}}, 1.0f);
        assertThat(p.isActive(0, 0)).isFalse();
        assertThat(p.isActive(0, 1)).isTrue();
        assertThat(p.isActive(0, 2)).isFalse();
        // default tau = 0: 0 and -0 are off, the smallest positive float is on.
        PatternSet q = PatternSet.of(new float[][] {{0f, -0f, Float.MIN_VALUE, -1f}}, 0f);
        assertThat(q.activeCount(0)).isEqualTo(1);
        assertThat(q.isActive(0, 2)).isTrue();
    }

    @Test
    void selfCosineOfTwoPatternsByHand() {
        // p = (1,1,0,0), q = (1,0,1,0): |p AND q| = 1, |p| = |q| = 2 -> cos = 1 / sqrt(2 * 2) = 1/2.
        PatternSet before = PatternSet.of(new float[][] {{1, 2, 0, 0}}, 0f);
        PatternSet now = PatternSet.of(new float[][] {{1, 0, 3, 0}}, 0f);
        assertThat(PatternSet.selfCosine(before, now, 0)).isCloseTo(0.5, within(1e-15));
        // identical patterns: |p AND p| / sqrt(|p|^2) is exactly 1.
        assertThat(PatternSet.selfCosine(now, now, 0)).isEqualTo(1.0);
    }

    @Test
    void zeroPatternGivesCosineZero() {
        // SPEC §9: cos = 0 when either vector is all zeros (never NaN).
        PatternSet zero = PatternSet.of(new float[][] {{0, -1, 0}}, 0f);
        PatternSet some = PatternSet.of(new float[][] {{1, 1, 1}}, 0f);
        assertThat(PatternSet.selfCosine(zero, some, 0)).isEqualTo(0.0);
        assertThat(PatternSet.selfCosine(some, zero, 0)).isEqualTo(0.0);
        assertThat(PatternSet.selfCosine(zero, zero, 0)).isEqualTo(0.0);
    }

    @Test
    void crossCosineUsesTheAndOfBothSamples() {
        // t-1: p_0 = (1,1,1,0), p_1 = (1,1,0,1): AND = (1,1,0,0), |.| = 2.
        // t:   p_0 = (1,0,1,1), p_1 = (1,1,1,1): AND = (1,0,1,1), |.| = 3.
        // (1,0,1,1) AND (1,1,0,0) = (1,0,0,0): 1 -> cos = 1 / sqrt(3 * 2) = 1/sqrt(6).
        PatternSet before = PatternSet.of(new float[][] {{1, 1, 1, 0}, {1, 1, 0, 1}}, 0f);
        PatternSet now = PatternSet.of(new float[][] {{1, 0, 1, 1}, {1, 1, 1, 1}}, 0f);
        assertThat(PatternSet.crossCosine(before, now, 0, 1)).isCloseTo(1 / Math.sqrt(6), within(1e-15));
        assertThat(now.overlap(0, 1)).isEqualTo(3);
        assertThat(before.overlap(0, 1)).isEqualTo(2);
    }

    @Test
    void packedCosinesEqualNaiveFloatCosinesAcrossWordBoundaries() {
        // 130 units span three 64-bit words (the last partly filled): compare with a plain loop over 0/1 values.
        var random = new Random(11);
        int n = 6;
        int units = 130;
        float[][] a = new float[n][units];
        float[][] b = new float[n][units];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < units; j++) {
                a[i][j] = random.nextFloat() - 0.6f;
                b[i][j] = random.nextFloat() - 0.4f;
            }
        }
        PatternSet before = PatternSet.of(a, 0f);
        PatternSet now = PatternSet.of(b, 0f);
        for (int i = 0; i < n; i++) {
            assertThat(PatternSet.selfCosine(before, now, i))
                    .isCloseTo(naiveCos(bits(a[i]), bits(b[i])), within(1e-12));
            for (int j = i + 1; j < n; j++) {
                double[] u = times(bits(b[i]), bits(b[j]));
                double[] v = times(bits(a[i]), bits(a[j]));
                assertThat(PatternSet.crossCosine(before, now, i, j)).isCloseTo(naiveCos(u, v), within(1e-12));
                assertThat(now.overlap(i, j)).isEqualTo((int) sum(times(bits(b[i]), bits(b[j]))));
            }
        }
    }

    @Test
    void buildsFromLayerActivations() {
        var acts = new LayerActivations("fc1", new float[] {1, 0, 0, 2, 0, 3}, 2, new int[] {3});
        PatternSet p = PatternSet.of(acts, 0f);
        assertThat(p.samples()).isEqualTo(2);
        assertThat(p.units()).isEqualTo(3);
        assertThat(p.activeCount(0)).isEqualTo(1);
        assertThat(p.activeCount(1)).isEqualTo(2);
    }

    @Test
    void badInputsAreRejectedWithMessages() {
        assertThatThrownBy(() -> PatternSet.of(new float[0][], 0f))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("probe set is empty");
        assertThatThrownBy(() -> PatternSet.of(new float[][] {{1, 2}, {1}}, 0f))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("probe sample 1 has 1 units");
        assertThatThrownBy(() -> PatternSet.of(new float[][] {{1, Float.NaN}}, 0f))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> PatternSet.of(new float[][] {{1}}, Float.NaN))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("tau");
        PatternSet two = PatternSet.of(new float[][] {{1, 1}, {1, 1}}, 0f);
        PatternSet one = PatternSet.of(new float[][] {{1, 1}}, 0f);
        assertThatThrownBy(() -> PatternSet.selfCosine(two, one, 0))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("2 samples x 2 units before, 1 x 2");
        assertThatThrownBy(() -> two.overlap(0, 2))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("probe sample 2 is out of range");
    }

    private static double[] bits(float[] a) {
        double[] out = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            out[k] = a[k] > 0 ? 1 : 0;
        }
        return out;
    }

    private static double[] times(double[] u, double[] v) {
        double[] out = new double[u.length];
        for (int k = 0; k < u.length; k++) {
            out[k] = u[k] * v[k];
        }
        return out;
    }

    private static double sum(double[] u) {
        double s = 0;
        for (double x : u) {
            s += x;
        }
        return s;
    }

    private static double naiveCos(double[] u, double[] v) {
        double uv = sum(times(u, v));
        double uu = sum(times(u, u));
        double vv = sum(times(v, v));
        return uu == 0 || vv == 0 ? 0 : uv / Math.sqrt(uu * vv);
    }
}
