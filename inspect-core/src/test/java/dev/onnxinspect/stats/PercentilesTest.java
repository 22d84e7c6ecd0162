package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** SPEC §5: percentiles are Hyndman-Fan type 7, interpolated as numpy rounds it. */
class PercentilesTest {
    @Test
    void type7InterpolatesBetweenOrderStatistics() {
        // [1,2,3,4]: 50th -> h = 3 * 0.5 = 1.5 -> 2 + 0.5 = 2.5; 90th -> h = 2.7 -> 3 + 0.7 = 3.7;
        // 100th -> 4; 0th -> 1.
        assertThat(Percentiles.type7InPlace(new double[] {4, 1, 3, 2}, 50)).isEqualTo(2.5);
        assertThat(Percentiles.type7InPlace(new double[] {4, 1, 3, 2}, 90)).isCloseTo(3.7, within(1e-15));
        assertThat(Percentiles.type7InPlace(new double[] {4, 1, 3, 2}, 100)).isEqualTo(4.0);
        assertThat(Percentiles.type7InPlace(new double[] {4, 1, 3, 2}, 0)).isEqualTo(1.0);
        assertThat(Percentiles.type7InPlace(new double[] {5}, 90)).isEqualTo(5.0);
        // [0, 10, 20, 30, 40]: 25th -> h = 4 * 0.25 = 1 exactly -> 10; 75th -> h = 3 -> 30.
        assertThat(Percentiles.type7InPlace(new double[] {40, 30, 20, 10, 0}, 25))
                .isEqualTo(10.0);
        assertThat(Percentiles.type7InPlace(new double[] {40, 30, 20, 10, 0}, 75))
                .isEqualTo(30.0);
    }

    @Test
    void inPlaceSortsTheValues() {
        double[] values = {3, 1, 2};
        Percentiles.type7InPlace(values, 50);
        assertThat(values).containsExactly(1, 2, 3);
        float[] floats = {3, 1, 2};
        Percentiles.type7InPlace(floats, 50);
        assertThat(floats).containsExactly(1, 2, 3);
    }

    @Test
    void floatsAreInterpolatedInFloat64() {
        // [0.5f, 0.75f] (exact in float), 40th: h = 0.4, t = 0.4 < 0.5 -> 0.5 + 0.25 * 0.4 = 0.6 in float64, not the
        // float nearest 0.6.
        assertThat(Percentiles.type7InPlace(new float[] {0.75f, 0.5f}, 40)).isEqualTo(0.5 + 0.25 * 0.4);
        assertThat(Percentiles.type7Sorted(new float[] {0.5f, 0.75f}, 2, 40))
                .isEqualTo(Percentiles.type7Sorted(new double[] {0.5, 0.75}, 2, 40));
    }

    @Test
    void onlyTheSortedPrefixCounts() {
        // [1, 3 | 100]: the first two values, 50th -> h = 0.5 -> 2; the trailing 100 is not read.
        assertThat(Percentiles.type7Sorted(new double[] {1, 3, 100}, 2, 50)).isEqualTo(2.0);
        assertThat(Percentiles.type7Sorted(new double[] {1, 3, 100}, 1, 90)).isEqualTo(1.0);
    }

    @Test
    void fromTheHalfWayPointTheUpperNeighbourIsTheBaseAsInNumpy() {
        // [-1, 2^53, 2^53], 25th: h = 2 * 0.25 = 0.5, between a = -1 and b = 2^53 with t = 0.5. b - a = 2^53 + 1 is
        // not a double and rounds (to even) to 2^53. numpy's form b - (b - a)(1 - t) = 2^53 - 2^52 = 2^52; the other
        // form a + (b - a) t would give -1 + 2^52. (The exact value 2^52 - 0.5 lies half way between the two.)
        assertThat(Percentiles.type7Sorted(new double[] {-1, 0x1p53, 0x1p53}, 3, 25))
                .isEqualTo(0x1p52);
        // below the half way point the lower neighbour is the base: [0, 8], 25th: h = 0.25 -> 0 + 8 * 0.25 = 2.
        assertThat(Percentiles.type7Sorted(new double[] {0, 8}, 2, 25)).isEqualTo(2.0);
        assertThat(Percentiles.lerp(-1, 0x1p53, 0.5)).isEqualTo(0x1p52);
        assertThat(Percentiles.lerp(-1, 0x1p53, 0.25)).isEqualTo(-1 + 0x1p51);
    }

    @Test
    void refusesNoValuesAndPercentsOutsideTheRange() {
        assertThatThrownBy(() -> Percentiles.type7InPlace(new double[0], 90))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("a percentile of no values is undefined");
        assertThatThrownBy(() -> Percentiles.type7InPlace(new float[0], 90))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("a percentile of no values is undefined");
        assertThatThrownBy(() -> Percentiles.type7Sorted(new double[] {1, 2}, 3, 90))
                .isInstanceOf(StatsException.class)
                .hasMessage("a percentile of 3 values was asked of an array of 2");
        assertThatThrownBy(() -> Percentiles.type7InPlace(new double[] {1}, 100.5))
                .isInstanceOf(StatsException.class)
                .hasMessage("a percentile must lie in [0, 100], got 100.5");
        assertThatThrownBy(() -> Percentiles.type7Sorted(new float[] {1}, 1, Double.NaN))
                .isInstanceOf(StatsException.class)
                .hasMessage("a percentile must lie in [0, 100], got NaN");
    }
}
