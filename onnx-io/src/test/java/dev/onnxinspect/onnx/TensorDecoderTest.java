package dev.onnxinspect.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorDecoderTest {

    private static TensorProto.Builder tensor(ElementType type, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName("t").setDataType(type.code());
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    private static ByteString raw(int bytes, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return ByteString.copyFrom(b.array());
    }

    @Test
    void floatFromTypedFieldAndFromLittleEndianRawData() {
        TensorProto typed = tensor(ElementType.FLOAT, 2)
                .addFloatData(1.5f)
                .addFloatData(-2f)
                .build();
        assertThat(TensorDecoder.decode(typed, "m").values()).containsExactly(1.5f, -2f);
        TensorProto raw = tensor(ElementType.FLOAT, 2)
                .setRawData(raw(8, b -> b.putFloat(1.5f).putFloat(-2f)))
                .build();
        assertThat(TensorDecoder.decode(raw, "m").values()).containsExactly(1.5f, -2f);
    }

    @Test
    void doublesAndIntegersConvert() {
        TensorProto d = tensor(ElementType.DOUBLE, 2)
                .addDoubleData(0.25)
                .addDoubleData(1e10)
                .build();
        assertThat(TensorDecoder.decode(d, "m").values()).containsExactly(0.25f, 1e10f);
        TensorProto i64 = tensor(ElementType.INT64, 2)
                .setRawData(raw(16, b -> b.putLong(-3).putLong(7)))
                .build();
        assertThat(TensorDecoder.decode(i64, "m").values()).containsExactly(-3f, 7f);
        TensorProto u8 = tensor(ElementType.UINT8, 2)
                .setRawData(ByteString.copyFrom(new byte[] {(byte) 200, 5}))
                .build();
        assertThat(TensorDecoder.decode(u8, "m").values()).containsExactly(200f, 5f);
        TensorProto i8 = tensor(ElementType.INT8, 1).addInt32Data(-100).build();
        assertThat(TensorDecoder.decode(i8, "m").values()).containsExactly(-100f);
    }

    @Test
    void halfPrecisionTypesDecodeExactly() {
        // binary16: 0x3C00 = 1, 0xC000 = -2, 0x3555 = 1 + 0x155/1024 times 2^-2, 0x0001 = 2^-24, 0x7C00 = +inf
        TensorProto f16 = tensor(ElementType.FLOAT16, 5)
                .setRawData(raw(
                        10,
                        b -> b.putShort((short) 0x3C00)
                                .putShort((short) 0xC000)
                                .putShort((short) 0x3555)
                                .putShort((short) 0x0001)
                                .putShort((short) 0x7C00)))
                .build();
        assertThat(TensorDecoder.decode(f16, "m").values())
                .containsExactly(1f, -2f, (1 + 0x155 / 1024f) / 4, 0x1p-24f, Float.POSITIVE_INFINITY);
        // bfloat16 is the top half of a float32: 0x3FC0 -> 0x3FC00000 = 1.5
        TensorProto bf16 = tensor(ElementType.BFLOAT16, 1).addInt32Data(0x3FC0).build();
        assertThat(TensorDecoder.decode(bf16, "m").values()).containsExactly(1.5f);
    }

    @Test
    void inconsistentOrUnsupportedDataIsRejected() {
        TensorProto shortRaw = tensor(ElementType.FLOAT, 3)
                .setRawData(ByteString.copyFrom(new byte[8]))
                .build();
        assertThatThrownBy(() -> TensorDecoder.decode(shortRaw, "m.onnx"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("m.onnx")
                .hasMessageContaining("8 bytes of raw_data")
                .hasMessageContaining("needs 12");
        TensorProto fewValues = tensor(ElementType.FLOAT, 2, 2).addFloatData(1).build();
        assertThatThrownBy(() -> TensorDecoder.decode(fewValues, "m")).hasMessageContaining("stores 1 values");
        TensorProto strings = tensor(ElementType.STRING, 1)
                .addStringData(ByteString.copyFromUtf8("a"))
                .build();
        assertThatThrownBy(() -> TensorDecoder.decode(strings, "m"))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("element type STRING");
        TensorProto huge = tensor(ElementType.FLOAT, 1L << 20, 1L << 20).build();
        assertThatThrownBy(() -> TensorDecoder.decode(huge, "m")).hasMessageContaining("too large");
    }

    @Test
    void initializerLookupSuggestsNames() {
        OnnxModel m = InstrumentTest.model();
        assertThat(m.initializer("W2").values()).containsExactly(1, 1, 1, 1);
        assertThat(m.initializer("W2").shape()).containsExactly(2, 2);
        assertThatThrownBy(() -> m.initializer("W3"))
                .isInstanceOf(GraphQueryException.class)
                .hasMessageContaining("no initializer or Constant called 'W3'")
                .hasMessageContaining("[W1, W2]");
    }
}
