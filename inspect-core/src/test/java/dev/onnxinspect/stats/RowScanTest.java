package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RowScanTest {

    private static RowScan scan(float... row) {
        RowScan scan = new RowScan();
        scan.scan(row, 0, row.length);
        return scan;
    }

    @Test
    void findsTheMaximumAndTheSmallestPositiveValue() {
        RowScan s = scan(0f, -3f, 2.5f, 0.25f, -0f, 7f, Float.MIN_VALUE * 3);
        assertThat(s.finite).isTrue();
        assertThat(Float.intBitsToFloat(s.maxBits)).isEqualTo(7f);
        // the smallest positive is the subnormal 3 * 2^-149, not 0, -0 or -3
        assertThat(Float.intBitsToFloat(s.minPositiveBits)).isEqualTo(Float.MIN_VALUE * 3);
        assertThat(s.hasPositive()).isTrue();
    }

    @Test
    void rowsWithoutPositiveValues() {
        RowScan s = scan(0f, -1f, -0f, -Float.MAX_VALUE);
        assertThat(s.hasPositive()).isFalse();
        assertThat(s.minPositiveBits).isEqualTo(Integer.MAX_VALUE);
        assertThat(s.finite).isTrue();
    }

    @Test
    void detectsEveryNonFiniteValue() {
        assertThat(scan(1f, Float.NaN).finite).isFalse();
        assertThat(scan(Float.POSITIVE_INFINITY, 1f).finite).isFalse();
        assertThat(scan(0f, Float.NEGATIVE_INFINITY).finite).isFalse();
        assertThat(scan(Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE).finite)
                .isTrue();
        assertThat(NeuronReader.allFinite(new float[] {Float.intBitsToFloat(0xFFC00001)}, 0, 1))
                .isFalse();
        assertThat(NeuronReader.allFinite(new float[] {-Float.MAX_VALUE}, 0, 1)).isTrue();
    }

    @Test
    void smallestAtLeastComparesExactlyAndSkipsNegatives() {
        float[] row = {-5f, 0f, 1f, 2f, 3f, 0.5f};
        int two = Float.floatToRawIntBits(2f);
        // values >= 1: {1, 2, 3}; capped by the upper value 3 -> 1
        assertThat(Float.intBitsToFloat(
                        RowScan.smallestAtLeast(row, 0, 6, Float.floatToRawIntBits(1f), Float.floatToRawIntBits(3f))))
                .isEqualTo(1f);
        // values >= 1.5: {2, 3} -> 2
        assertThat(Float.intBitsToFloat(
                        RowScan.smallestAtLeast(row, 0, 6, Float.floatToRawIntBits(1.5f), Float.floatToRawIntBits(3f))))
                .isEqualTo(2f);
        // none in [2.5, 2): the upper value itself
        assertThat(RowScan.smallestAtLeast(new float[] {-1f, 0f, 1f}, 0, 3, Float.floatToRawIntBits(1.5f), two))
                .isEqualTo(two);
    }
}
