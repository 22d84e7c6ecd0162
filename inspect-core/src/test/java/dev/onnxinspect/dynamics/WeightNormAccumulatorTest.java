package dev.onnxinspect.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two-layer toy checkpoints:
 * <pre>
 * theta_0: a = (3, 4)  -> ||a|| = 5;   b = (0, 0, 12) -> ||b|| = 12;  total sqrt(25 + 144) = 13 (not 5 + 12)
 * theta_1: a = (0, 0)  -> ||a|| = 0, ||a - a0|| = 5;  b = (0, 5, 12) -> ||b|| = 13, ||b - b0|| = 5;
 *          total norm sqrt(0 + 169) = 13, total distance sqrt(25 + 25) = 5 sqrt(2)
 * </pre>
 */
class WeightNormAccumulatorTest {
    static final double EPS = 1e-12;

    static Map<String, float[]> theta0() {
        var m = new HashMap<String, float[]>();
        m.put("b", new float[] {0, 0, 12});
        m.put("a", new float[] {3, 4});
        return m;
    }

    static Map<String, float[]> theta1() {
        var m = new LinkedHashMap<String, float[]>();
        m.put("b", new float[] {0, 5, 12});
        m.put("a", new float[] {0, 0});
        return m;
    }

    @Test
    void normsAndDistancesByHand() {
        var acc = new WeightNormAccumulator(theta0());
        acc.accept(0, theta0());
        acc.accept(1, theta1());
        WeightTrajectory t = acc.result();
        assertThat(t.layers()).containsExactly("a", "b"); // sorted by name, whatever the map order
        WeightNorms w0 = t.at(0);
        assertThat(w0.layer("a").norm()).isCloseTo(5, within(EPS));
        assertThat(w0.layer("b").norm()).isCloseTo(12, within(EPS));
        assertThat(w0.totalNorm()).isCloseTo(13, within(EPS));
        assertThat(w0.totalDistanceFromInit()).isEqualTo(0.0);
        assertThat(w0.layer("a").distanceFromInit()).isEqualTo(0.0);
        WeightNorms w1 = t.at(1);
        assertThat(w1.layers()).extracting(LayerWeightNorm::layer).containsExactly("a", "b");
        assertThat(w1.layer("a").norm()).isEqualTo(0.0);
        assertThat(w1.layer("a").distanceFromInit()).isCloseTo(5, within(EPS));
        assertThat(w1.layer("b").norm()).isCloseTo(13, within(EPS));
        assertThat(w1.layer("b").distanceFromInit()).isCloseTo(5, within(EPS));
        assertThat(w1.totalNorm()).isCloseTo(13, within(EPS));
        assertThat(w1.totalDistanceFromInit()).isCloseTo(5 * Math.sqrt(2), within(EPS));
        assertThatThrownBy(() -> w1.layer("c"))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("no weight named 'c'");
        assertThatThrownBy(() -> t.at(7))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("no checkpoint at step 7");
    }

    @Test
    void initialWeightsAreCopied() {
        var init = theta0();
        var acc = new WeightNormAccumulator(init);
        init.get("a")[0] = 100; // changing the caller's array afterwards must not move theta_0
        acc.accept(1, theta1());
        assertThat(acc.result().at(1).layer("a").distanceFromInit()).isCloseTo(5, within(EPS));
    }

    @Test
    void mergeEqualsOnePass() {
        var one = new WeightNormAccumulator(theta0());
        one.accept(0, theta0());
        one.accept(1, theta1());
        var a = new WeightNormAccumulator(theta0());
        a.accept(1, theta1());
        var b = new WeightNormAccumulator(theta0());
        b.accept(0, theta0());
        a.merge(b);
        assertThat(a.result()).isEqualTo(one.result());
        assertThatThrownBy(() -> a.merge(b))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("both accumulators hold step 0");
        assertThatThrownBy(() -> a.merge(new WeightNormAccumulator(theta1())))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("different theta_0");
    }

    @Test
    void mismatchedCheckpointsAreRejected() {
        var acc = new WeightNormAccumulator(theta0());
        var missing = theta1();
        missing.remove("b");
        assertThatThrownBy(() -> acc.accept(1, missing))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("weight names [a] differ from theta_0's [a, b]");
        var extra = theta1();
        extra.put("c", new float[1]);
        assertThatThrownBy(() -> acc.accept(1, extra))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("differ from theta_0's");
        var reshaped = theta1();
        reshaped.put("a", new float[] {1, 2, 3});
        assertThatThrownBy(() -> acc.accept(1, reshaped))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("weight 'a' has 3 values, theta_0 has 2");
        var nan = theta1();
        nan.put("b", new float[] {0, Float.NaN, 1});
        assertThatThrownBy(() -> acc.accept(1, nan))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("weight 'b' value 1 is NaN");
        assertThatThrownBy(() -> new WeightNormAccumulator(Map.of()))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("empty");
        acc.accept(3, theta1());
        assertThatThrownBy(() -> acc.accept(2, theta1()))
                .isInstanceOf(DynamicsException.class)
                .hasMessageContaining("after the previous step 3");
        assertThat(acc.result().checkpoints()).hasSize(1); // rejected checkpoints left no trace
    }
}
