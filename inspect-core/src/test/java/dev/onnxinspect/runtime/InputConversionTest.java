package dev.onnxinspect.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import org.junit.jupiter.api.Test;

class InputConversionTest {
    @Test
    void convertsOnlyWhenEveryValueOfTheTypeSurvives() {
        // widening integers, exact integer -> floating, half -> single -> double, bool -> any number
        assertThat(InputConversion.isLossless(ElementType.INT32, ElementType.INT64))
                .isTrue();
        assertThat(InputConversion.isLossless(ElementType.INT8, ElementType.INT64))
                .isTrue();
        assertThat(InputConversion.isLossless(ElementType.UINT8, ElementType.INT16))
                .isTrue();
        assertThat(InputConversion.isLossless(ElementType.INT16, ElementType.FLOAT))
                .isTrue(); // |v| <= 2^15 < 2^24
        assertThat(InputConversion.isLossless(ElementType.INT32, ElementType.DOUBLE))
                .isTrue(); // 2^31 < 2^53
        assertThat(InputConversion.isLossless(ElementType.UINT8, ElementType.FLOAT16))
                .isTrue(); // 255 < 2^11
        assertThat(InputConversion.isLossless(ElementType.FLOAT16, ElementType.DOUBLE))
                .isTrue();
        assertThat(InputConversion.isLossless(ElementType.FLOAT, ElementType.DOUBLE))
                .isTrue();
        assertThat(InputConversion.isLossless(ElementType.BOOL, ElementType.INT64))
                .isTrue();
        assertThat(InputConversion.isLossless(ElementType.BOOL, ElementType.FLOAT))
                .isTrue();
        assertThat(InputConversion.isLossless(ElementType.INT64, ElementType.INT64))
                .isTrue();
        // narrowing, floating -> integer, integer -> bool, inexact integer -> floating, signedness
        assertThat(InputConversion.isLossless(ElementType.DOUBLE, ElementType.FLOAT))
                .isFalse();
        assertThat(InputConversion.isLossless(ElementType.FLOAT, ElementType.FLOAT16))
                .isFalse();
        assertThat(InputConversion.isLossless(ElementType.INT64, ElementType.INT32))
                .isFalse();
        assertThat(InputConversion.isLossless(ElementType.FLOAT, ElementType.INT64))
                .isFalse();
        assertThat(InputConversion.isLossless(ElementType.UINT8, ElementType.BOOL))
                .isFalse();
        assertThat(InputConversion.isLossless(ElementType.INT32, ElementType.FLOAT))
                .isFalse(); // 2^24 + 1
        assertThat(InputConversion.isLossless(ElementType.INT64, ElementType.DOUBLE))
                .isFalse(); // 2^53 + 1
        assertThat(InputConversion.isLossless(ElementType.INT16, ElementType.FLOAT16))
                .isFalse(); // 2049
        assertThat(InputConversion.isLossless(ElementType.INT8, ElementType.UINT8))
                .isFalse();
        assertThat(InputConversion.isLossless(ElementType.UINT8, ElementType.INT8))
                .isFalse();
    }

    @Test
    void convertedValuesAreTheSameNumbers() {
        byte[] signed = {-128, -1, 0, 127};
        assertThat((long[]) InputConversion.convert(signed, ElementType.INT8, ElementType.INT64))
                .containsExactly(-128, -1, 0, 127);
        // the same bytes read as UINT8: 128, 255, 0, 127
        assertThat((float[]) InputConversion.convert(signed, ElementType.UINT8, ElementType.FLOAT))
                .containsExactly(128, 255, 0, 127);
        assertThat((short[]) InputConversion.convert(signed, ElementType.INT8, ElementType.INT16))
                .containsExactly((short) -128, (short) -1, (short) 0, (short) 127);
        assertThat((int[]) InputConversion.convert(new byte[] {0, 1, 2}, ElementType.BOOL, ElementType.INT32))
                .containsExactly(0, 1, 1); // any nonzero byte is true
        assertThat((byte[]) InputConversion.convert(new byte[] {0, 5}, ElementType.BOOL, ElementType.UINT8))
                .containsExactly(0, 1);
        assertThat((double[]) InputConversion.convert(new float[] {0.1f}, ElementType.FLOAT, ElementType.DOUBLE))
                .containsExactly((double) 0.1f);
        // half 0x3d55: exponent 01111 = 15 (2^0), mantissa 0x155 = 341: 1 + 341/1024 = 1.3330078125 exactly
        assertThat((double[]) InputConversion.convert(new short[] {0x3d55}, ElementType.FLOAT16, ElementType.DOUBLE))
                .containsExactly(1.3330078125);
        assertThat((int[]) InputConversion.convert(new short[] {-32768}, ElementType.INT16, ElementType.INT32))
                .containsExactly(-32768);
        long[] same = {1, 2};
        assertThat(InputConversion.convert(same, ElementType.INT64, ElementType.INT64))
                .isSameAs(same);
        assertThatThrownBy(() -> InputConversion.convert(new double[] {1}, ElementType.DOUBLE, ElementType.FLOAT))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("DOUBLE")
                .hasMessageContaining("FLOAT");
    }

    @Test
    void smallIntegersBecomeExactHalves() {
        // 1 = 1.0 x 2^0: exponent 15 -> 0x3c00; -2: sign, exponent 16 -> 0xc000; 255 = 1.9921875 x 2^7: exponent 22,
        // mantissa 0.9921875 x 1024 = 1016 = 0x3f8 -> 0x5bf8; 2047 = (1 + 1023/1024) x 2^10 -> 0x67ff
        assertThat(InputConversion.smallIntegerToHalf(0)).isEqualTo((short) 0);
        assertThat(InputConversion.smallIntegerToHalf(1)).isEqualTo((short) 0x3c00);
        assertThat(InputConversion.smallIntegerToHalf(-2)).isEqualTo((short) 0xc000);
        assertThat(InputConversion.smallIntegerToHalf(255)).isEqualTo((short) 0x5bf8);
        assertThat(InputConversion.smallIntegerToHalf(2047)).isEqualTo((short) 0x67ff);
        for (int v = -128; v <= 255; v++) {
            assertThat(InputTensor.halfToFloat(InputConversion.smallIntegerToHalf(v)))
                    .isEqualTo((float) v);
        }
        assertThatThrownBy(() -> InputConversion.smallIntegerToHalf(2048)).isInstanceOf(IllegalArgumentException.class);
        assertThat((short[]) InputConversion.convert(new byte[] {-1, 1}, ElementType.INT8, ElementType.FLOAT16))
                .containsExactly((short) 0xbc00, (short) 0x3c00);
    }
}
