package dev.onnxinspect.conformance;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.runtime.TypedTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Converts ONNX TensorProtos to ONNX Runtime tensors and both to {@link TensorValues}. */
final class OrtTensors {
    private OrtTensors() {}

    /** Thrown for element types the ORT Java API cannot create or this test cannot compare. */
    static final class UnsupportedType extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedType(String type) {
            super(type);
        }
    }

    static OnnxJavaType javaType(ElementType t) throws UnsupportedType {
        return switch (t) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case STRING -> OnnxJavaType.STRING;
            default -> throw new UnsupportedType(t.name());
        };
    }

    static ElementType elementType(TensorProto t) throws UnsupportedType {
        return ElementType.forCode(t.getDataType()).orElseThrow(() -> new UnsupportedType("code " + t.getDataType()));
    }

    /** An ORT tensor holding the proto's values (the caller closes it). */
    static OnnxTensor toOrt(OrtEnvironment env, TensorProto t) throws OrtException, UnsupportedType {
        ElementType type = elementType(t);
        OnnxJavaType javaType = javaType(type);
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (type == ElementType.STRING) {
            String[] values =
                    t.getStringDataList().stream().map(b -> b.toStringUtf8()).toArray(String[]::new);
            return OnnxTensor.createTensor(env, values, shape);
        }
        ByteBuffer raw = ByteBuffer.allocateDirect(rawBytes(t, type).length).order(ByteOrder.nativeOrder());
        raw.put(rawBytes(t, type)).flip();
        return OnnxTensor.createTensor(env, raw, shape, javaType);
    }

    /** The values of a proto, for comparing against runtime outputs. */
    static TensorValues fromProto(TensorProto t) throws UnsupportedType {
        ElementType type = elementType(t);
        javaType(type);
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (type == ElementType.STRING) {
            String[] values =
                    t.getStringDataList().stream().map(b -> b.toStringUtf8()).toArray(String[]::new);
            return new TensorValues(type.name(), shape, null, values, null);
        }
        byte[] raw = rawBytes(t, type);
        return new TensorValues(type.name(), shape, numbers(raw, type), null, raw);
    }

    /** The values of a runtime output; empty for sequences, maps and optionals (not compared). */
    static TensorValues fromOrt(OnnxValue value) throws OrtException, UnsupportedType {
        if (!(value instanceof OnnxTensor tensor)) {
            throw new UnsupportedType("non-tensor output " + value.getType());
        }
        TensorInfo info = tensor.getInfo();
        long[] shape = info.getShape();
        if (info.type == OnnxJavaType.STRING) {
            List<String> flat = new ArrayList<>();
            flatten(tensor.getValue(), flat);
            return new TensorValues("STRING", shape, null, flat.toArray(String[]::new), null);
        }
        ElementType type = switch (info.type) {
            case FLOAT -> ElementType.FLOAT;
            case DOUBLE -> ElementType.DOUBLE;
            case INT8 -> ElementType.INT8;
            case UINT8 -> ElementType.UINT8;
            case INT16 -> ElementType.INT16;
            case INT32 -> ElementType.INT32;
            case INT64 -> ElementType.INT64;
            case BOOL -> ElementType.BOOL;
            case FLOAT16 -> ElementType.FLOAT16;
            case BFLOAT16 -> ElementType.BFLOAT16;
            default -> throw new UnsupportedType(info.type.name());
        };
        ByteBuffer b = tensor.getByteBuffer();
        byte[] raw = new byte[b.remaining()];
        b.get(raw);
        return new TensorValues(type.name(), shape, numbers(raw, type), null, raw);
    }

    /** The proto as the library's typed tensor, named {@code name} (the graph input it feeds). */
    static TypedTensor toTyped(String name, TensorProto t) throws UnsupportedType {
        ElementType type = elementType(t);
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (type == ElementType.STRING) {
            String[] values =
                    t.getStringDataList().stream().map(b -> b.toStringUtf8()).toArray(String[]::new);
            return new TypedTensor(name, type, shape, values);
        }
        if (!TypedTensor.SUPPORTED.contains(type)) {
            throw new UnsupportedType(type.name());
        }
        ByteBuffer b = ByteBuffer.wrap(rawBytes(t, type)).order(ByteOrder.LITTLE_ENDIAN);
        Object data = switch (type) {
            case FLOAT -> {
                float[] a = new float[b.remaining() / 4];
                b.asFloatBuffer().get(a);
                yield a;
            }
            case DOUBLE -> {
                double[] a = new double[b.remaining() / 8];
                b.asDoubleBuffer().get(a);
                yield a;
            }
            case INT64, UINT64 -> {
                long[] a = new long[b.remaining() / 8];
                b.asLongBuffer().get(a);
                yield a;
            }
            case INT32, UINT32 -> {
                int[] a = new int[b.remaining() / 4];
                b.asIntBuffer().get(a);
                yield a;
            }
            case INT16, UINT16, FLOAT16, BFLOAT16 -> {
                short[] a = new short[b.remaining() / 2];
                b.asShortBuffer().get(a);
                yield a;
            }
            default -> {
                byte[] a = new byte[b.remaining()];
                b.get(a);
                yield a;
            }
        };
        return new TypedTensor(name, type, shape, data);
    }

    /** The values of one of the library's typed tensors, with its little-endian bytes. */
    static TensorValues fromTyped(TypedTensor t) {
        if (t.type() == ElementType.STRING) {
            return new TensorValues("STRING", t.shape(), null, (String[]) t.data(), null);
        }
        double[] numbers = new double[t.size()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = t.valueAsDouble(i);
        }
        ByteBuffer b = ByteBuffer.allocate(t.size() * t.type().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        Object data = t.data();
        switch (t.type()) {
            case FLOAT -> b.asFloatBuffer().put((float[]) data);
            case DOUBLE -> b.asDoubleBuffer().put((double[]) data);
            case INT64, UINT64 -> b.asLongBuffer().put((long[]) data);
            case INT32, UINT32 -> b.asIntBuffer().put((int[]) data);
            case INT16, UINT16, FLOAT16, BFLOAT16 -> b.asShortBuffer().put((short[]) data);
            default -> b.put((byte[]) data);
        }
        return new TensorValues(t.type().name(), t.shape(), numbers, null, b.array());
    }

    private static void flatten(Object o, List<String> out) {
        if (o instanceof String s) {
            out.add(s);
        } else if (o instanceof Object[] array) {
            for (Object e : array) {
                flatten(e, out);
            }
        }
    }

    /** Little-endian bytes of the proto's elements, from raw_data or the typed fields. */
    @SuppressWarnings("ByteBufferBackingArray") // buffer(...) allocates heap buffers at offset 0
    private static byte[] rawBytes(TensorProto t, ElementType type) {
        if (!t.getRawData().isEmpty()) {
            return t.getRawData().toByteArray();
        }
        int size = type.byteSize();
        ByteBuffer b;
        switch (type) {
            case FLOAT -> {
                b = buffer(t.getFloatDataCount() * 4);
                t.getFloatDataList().forEach(b::putFloat);
            }
            case DOUBLE -> {
                b = buffer(t.getDoubleDataCount() * 8);
                t.getDoubleDataList().forEach(b::putDouble);
            }
            case INT64 -> {
                b = buffer(t.getInt64DataCount() * 8);
                t.getInt64DataList().forEach(b::putLong);
            }
            default -> {
                b = buffer(t.getInt32DataCount() * size);
                for (int v : t.getInt32DataList()) {
                    switch (size) {
                        case 1 -> b.put((byte) v);
                        case 2 -> b.putShort((short) v);
                        default -> b.putInt(v);
                    }
                }
            }
        }
        return b.array();
    }

    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static double[] numbers(byte[] raw, ElementType type) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int n = raw.length / Math.max(1, type.byteSize());
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (type) {
                case FLOAT -> b.getFloat(4 * i);
                case DOUBLE -> b.getDouble(8 * i);
                case INT64 -> b.getLong(8 * i);
                case INT32 -> b.getInt(4 * i);
                case INT16 -> b.getShort(2 * i);
                case INT8 -> b.get(i);
                case UINT8 -> b.get(i) & 0xff;
                case BOOL -> b.get(i) != 0 ? 1 : 0;
                case FLOAT16 -> half(b.getShort(2 * i) & 0xffff);
                case BFLOAT16 -> Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                default -> Double.NaN;
            };
        }
        return v;
    }

    private static double half(int h) {
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        double magnitude = exponent == 0
                ? mantissa * 0x1p-24
                : exponent == 0x1f
                        ? (mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                        : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
        return (h >>> 15) == 1 ? -magnitude : magnitude;
    }
}
