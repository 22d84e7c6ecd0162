package dev.onnxinspect.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import org.junit.jupiter.api.Test;

class TypedTensorTest {
    @Test
    void isDeeplyImmutable() {
        long[] values = {1, 2, 3};
        long[] shape = {3};
        TypedTensor t = new TypedTensor("t", ElementType.INT64, shape, values);
        values[0] = 99;
        shape[0] = 7;
        ((long[]) t.data())[1] = 99;
        t.shape()[0] = 5;
        assertThat((long[]) t.data()).containsExactly(1, 2, 3);
        assertThat(t.shape()).containsExactly(3);
        assertThat(t).isEqualTo(new TypedTensor("t", ElementType.INT64, new long[] {3}, new long[] {1, 2, 3}));
        assertThat(TypedTensor.of(InputTensor.longs("t", new long[] {1, 2, 3}, 3)))
                .isEqualTo(t);
    }

    @Test
    void validatesTheArrayAndTheShape() {
        assertThatThrownBy(() -> new TypedTensor("t", ElementType.INT64, new long[] {2}, new int[2]))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("long[]")
                .hasMessageContaining("int[]");
        assertThatThrownBy(() -> new TypedTensor("t", ElementType.FLOAT, new long[] {2, 2}, new float[3]))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("needs 4 values, got 3");
        assertThatThrownBy(() -> new TypedTensor("t", ElementType.COMPLEX64, new long[] {1}, new float[2]))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("COMPLEX64");
        TypedTensor scalar = new TypedTensor("s", ElementType.FLOAT, new long[0], new float[] {2.5f});
        assertThat(scalar.size()).isEqualTo(1);
        assertThat(scalar.valueAsDouble(0)).isEqualTo(2.5);
    }

    @Test
    void valuesReadAsNumbersAndAsFloats() {
        // unsigned types by their unsigned value: 0xffffffff = 2^32 - 1; the largest uint64 2^64 - 1 rounds to 2^64
        TypedTensor u32 = new TypedTensor("u", ElementType.UINT32, new long[] {1}, new int[] {-1});
        assertThat(u32.valueAsDouble(0)).isEqualTo(4294967295.0);
        TypedTensor u64 = new TypedTensor("u", ElementType.UINT64, new long[] {2}, new long[] {-1, 5});
        assertThat(u64.toFloats()).containsExactly(0x1p64f, 5f);
        assertThat(u64.valueAsDouble(0)).isEqualTo(0x1p64);
        // int64 2^24 + 1 is halfway between the floats 2^24 and 2^24 + 2: ties to even, 2^24
        TypedTensor i64 = new TypedTensor("i", ElementType.INT64, new long[] {1}, new long[] {(1 << 24) + 1});
        assertThat(i64.toFloats()).containsExactly(0x1p24f);
        // double 0.1 rounds to the float nearest to it; bool as 0/1; uint8 0xff = 255; half 0xc000 = -2
        assertThat(new TypedTensor("d", ElementType.DOUBLE, new long[] {1}, new double[] {0.1}).toFloats())
                .containsExactly(0.1f);
        assertThat(new TypedTensor("b", ElementType.BOOL, new long[] {2}, new byte[] {0, 1}).toFloats())
                .containsExactly(0f, 1f);
        assertThat(new TypedTensor("b", ElementType.UINT8, new long[] {1}, new byte[] {-1}).toFloats())
                .containsExactly(255f);
        assertThat(new TypedTensor("h", ElementType.FLOAT16, new long[] {1}, new short[] {(short) 0xc000}).toFloats())
                .containsExactly(-2f);
        // bfloat16 0x3fc0 is the upper half of float 1.5 (0x3fc00000)
        assertThat(new TypedTensor("h", ElementType.BFLOAT16, new long[] {1}, new short[] {0x3fc0}).toFloats())
                .containsExactly(1.5f);
        TypedTensor strings = new TypedTensor("s", ElementType.STRING, new long[] {1}, new String[] {"a"});
        assertThatThrownBy(strings::toFloats)
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("STRING");
    }
}
