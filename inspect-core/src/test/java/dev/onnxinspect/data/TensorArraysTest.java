package dev.onnxinspect.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.runtime.InferenceException;
import dev.onnxinspect.runtime.TypedTensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorArraysTest {
    @Test
    void oneArrayClassPerElementType() {
        assertThat(TensorArrays.arrayClass(ElementType.BFLOAT16)).isEqualTo(short[].class);
        assertThat(TensorArrays.arrayClass(ElementType.UINT32)).isEqualTo(int[].class);
        assertThat(TensorArrays.arrayClass(ElementType.BOOL)).isEqualTo(byte[].class);
        assertThat(TensorArrays.arrayClass(ElementType.STRING)).isEqualTo(String[].class);
        assertThatThrownBy(() -> TensorArrays.arrayClass(ElementType.COMPLEX64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COMPLEX64");
        // both tensor types take the same arrays, and refuse the types they do not hold with their own exception
        for (ElementType type : InputTensor.SUPPORTED) {
            assertThat(InputTensor.arrayClass(type)).isEqualTo(TypedTensor.arrayClass(type));
        }
        assertThatThrownBy(() -> InputTensor.arrayClass(ElementType.UINT16)).isInstanceOf(DatasetException.class);
        assertThatThrownBy(() -> TypedTensor.arrayClass(ElementType.COMPLEX64)).isInstanceOf(InferenceException.class);
    }

    @Test
    void checksTheShapeAndTheArrayWithTheCallersException() {
        TensorArrays.check("tensor t", ElementType.INT32, new long[] {2, 0}, new int[0], DatasetException::new);
        assertThatThrownBy(() -> TensorArrays.check(
                        "tensor t", ElementType.INT32, new long[] {2, -1}, new int[0], DatasetException::new))
                .isInstanceOf(DatasetException.class)
                .hasMessage("tensor t has shape [2, -1]; every dimension must be >= 0");
        assertThatThrownBy(() -> TensorArrays.check(
                        "input x", ElementType.INT64, new long[] {2}, new int[2], InferenceException::new))
                .isInstanceOf(InferenceException.class)
                .hasMessage("input x of type INT64 needs its values in a long[], got a int[]");
        assertThatThrownBy(() -> TensorArrays.check(
                        "input x", ElementType.FLOAT, new long[] {2, 3}, new float[5], DatasetException::new))
                .isInstanceOf(DatasetException.class)
                .hasMessage("input x of shape [2, 3] needs 6 values, got 5");
    }

    @Test
    void readsEachTypesValueAsADouble() {
        // 0xffff unsigned = 2^16 - 1; bfloat16 0x3fc0 is the upper half of float 1.5 (0x3fc00000); half 0xc000 = -2
        assertThat(TensorArrays.valueAsDouble(ElementType.UINT16, new short[] {-1}, 0))
                .isEqualTo(65535.0);
        assertThat(TensorArrays.valueAsDouble(ElementType.BFLOAT16, new short[] {0x3fc0}, 0))
                .isEqualTo(1.5);
        assertThat(TensorArrays.valueAsDouble(ElementType.FLOAT16, new short[] {(short) 0xc000}, 0))
                .isEqualTo(-2.0);
        // any byte other than 0 is true
        assertThat(TensorArrays.valueAsDouble(ElementType.BOOL, new byte[] {0, 2, -1}, 1))
                .isEqualTo(1.0);
        assertThat(TensorArrays.valueAsDouble(ElementType.BOOL, new byte[] {0, 2, -1}, 2))
                .isEqualTo(1.0);
        assertThat(TensorArrays.valueAsDouble(ElementType.INT8, new byte[] {-1}, 0))
                .isEqualTo(-1.0);
        // 2^64 - 1 rounds to the nearest double, 2^64; doubles near 2^63 are 2^11 apart, and 2^63 + 1025 is nearer
        // to 2^63 + 2^11 than to 2^63 (halved without its lowest bit it would look like a tie, rounded down to even)
        assertThat(TensorArrays.valueAsDouble(ElementType.UINT64, new long[] {-1}, 0))
                .isEqualTo(0x1p64);
        assertThat(TensorArrays.valueAsDouble(ElementType.UINT64, new long[] {Long.MIN_VALUE + 1025}, 0))
                .isEqualTo(0x1p63 + 0x1p11);
        assertThatThrownBy(() -> TensorArrays.valueAsDouble(ElementType.STRING, new String[] {"a"}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInputAndItsTypedTensorReadTheSameValues() {
        long[] shape = {3};
        List<InputTensor> inputs = List.of(
                new InputTensor("f", ElementType.FLOAT, shape, new float[] {-0.0f, Float.NaN, 3.5f}),
                new InputTensor("d", ElementType.DOUBLE, shape, new double[] {0.1, -1e300, Double.MIN_VALUE}),
                new InputTensor("h", ElementType.FLOAT16, shape, new short[] {(short) 0x7c00, (short) 0x8001, 0x3c00}),
                new InputTensor("i8", ElementType.INT8, shape, new byte[] {-128, 127, 0}),
                new InputTensor("u8", ElementType.UINT8, shape, new byte[] {-1, 0, 1}),
                new InputTensor("b", ElementType.BOOL, shape, new byte[] {0, 1, 2}),
                new InputTensor("i16", ElementType.INT16, shape, new short[] {Short.MIN_VALUE, -1, Short.MAX_VALUE}),
                new InputTensor("i32", ElementType.INT32, shape, new int[] {Integer.MIN_VALUE, -1, Integer.MAX_VALUE}),
                new InputTensor("i64", ElementType.INT64, shape, new long[] {Long.MIN_VALUE, -1, (1L << 53) + 1}));
        assertThat(inputs.stream().map(InputTensor::type)).containsExactlyInAnyOrderElementsOf(InputTensor.SUPPORTED);
        for (InputTensor input : inputs) {
            TypedTensor typed = TypedTensor.of(input);
            for (int i = 0; i < 3; i++) {
                assertThat(Double.doubleToRawLongBits(input.valueAsDouble(i)))
                        .as("%s at %d", input.type(), i)
                        .isEqualTo(Double.doubleToRawLongBits(typed.valueAsDouble(i)));
            }
        }
    }

    @Test
    void equalityComparesNameTypeShapeAndValues() {
        float[] values = {1f, Float.NaN};
        InputTensor a = InputTensor.floats("x", values, 1, 2);
        assertThat(a).isEqualTo(InputTensor.floats("x", values.clone(), 1, 2));
        assertThat(a).hasSameHashCodeAs(InputTensor.floats("x", values.clone(), 1, 2));
        assertThat(a).isNotEqualTo(InputTensor.floats("y", values, 1, 2));
        assertThat(a).isNotEqualTo(InputTensor.floats("x", values, 2, 1));
        assertThat(a).isNotEqualTo(InputTensor.floats("x", new float[] {1f, 2f}, 1, 2));
        assertThat(a).isNotEqualTo(new InputTensor("x", ElementType.INT32, new long[] {1, 2}, new int[] {1, 2}));
        assertThat(a.toString()).isEqualTo("InputTensor[x FLOAT [1, 2]]");
        TypedTensor typed = TypedTensor.of(InputTensor.longs(null, new long[] {7}, 1));
        assertThat(typed).isEqualTo(new TypedTensor(null, ElementType.INT64, new long[] {1}, new long[] {7}));
        assertThat(typed.toString()).isEqualTo("TypedTensor[(the model's only input) INT64 [1]]");
    }
}
