package dev.onnxinspect.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.onnxinspect.onnx.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Copies ONNX Runtime's output values into Java: as exact {@link TypedTensor}s or as float32 activations. */
final class OutputReader {
    private OutputReader() {}

    /**
     * The exact element type of an ONNX Runtime tensor (ONNX Runtime's Java type folds unsigned into signed, and
     * its {@code OnnxTensorType.value} is not the ONNX type code, so the name is used).
     */
    static ElementType elementType(TensorInfo info) {
        String name = info.onnxType.name();
        String prefix = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";
        if (!name.startsWith(prefix)) {
            return ElementType.UNDEFINED;
        }
        try {
            return ElementType.valueOf(name.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            return ElementType.UNDEFINED;
        }
    }

    /** A typed copy of an output tensor. */
    static TypedTensor typed(String name, OnnxValue value) throws OrtException {
        OnnxTensor tensor = tensor(name, value);
        TensorInfo info = tensor.getInfo();
        ElementType type = elementType(info);
        if (!TypedTensor.SUPPORTED.contains(type)) {
            throw new InferenceException("output " + name + " has element type " + type + ", which ONNX Runtime's Java"
                    + " API cannot read; add a Cast to a supported type (" + TypedTensor.SUPPORTED + ") to the model");
        }
        Object data = type == ElementType.STRING ? strings(tensor.getValue()) : array(type, tensor);
        return new TypedTensor(name, type, info.getShape(), data);
    }

    /**
     * An output as the activations of a layer: float32 as ONNX Runtime gives them, or another numeric type
     * converted by {@link TypedTensor#toFloats()}'s rule; the first dimension must be the batch's samples (a rank-1
     * output [N] gives each sample one unit, unit shape []).
     */
    static LayerActivations activations(String name, OnnxValue value, int samples) throws OrtException {
        OnnxTensor tensor = tensor(name, value);
        TensorInfo info = tensor.getInfo();
        long[] shape = info.getShape();
        if (info.type == OnnxJavaType.STRING) {
            throw new InferenceException("output " + name + " holds strings, which cannot be a layer's activations;"
                    + " read it with runTensors or choose a numeric output");
        }
        if (shape.length == 0) {
            throw new InferenceException("output " + name + " is a scalar (rank 0): one value for the whole batch, not"
                    + " one per sample, so it cannot be a layer's activations; read it with runTensors or choose an"
                    + " output whose first dimension is the batch");
        }
        if (shape[0] != samples) {
            throw new InferenceException("output " + name + " has shape " + Arrays.toString(shape) + " for a batch of "
                    + samples + " samples; expected the batch dimension " + samples + " first");
        }
        int[] unitShape = new int[shape.length - 1];
        for (int d = 1; d < shape.length; d++) {
            unitShape[d - 1] = Math.toIntExact(shape[d]);
        }
        float[] values = info.type == OnnxJavaType.FLOAT
                ? floats(tensor)
                : typed(name, tensor).toFloats();
        return new LayerActivations(name, values, samples, unitShape);
    }

    private static OnnxTensor tensor(String name, OnnxValue value) {
        if (!(value instanceof OnnxTensor tensor)) {
            throw new InferenceException("output " + name + " is a " + value.getType() + ", not a tensor; onnx-inspect"
                    + " reads tensor outputs only");
        }
        return tensor;
    }

    /**
     * The tensor's values in a new array. {@link OnnxTensor#getFloatBuffer()} already copies the native values into
     * a new heap buffer; its backing array is used as it is when it holds exactly the values (as ONNX Runtime 1.28
     * makes it), which saves a second copy of every output (for a CNN's feature maps, tens of MB per batch).
     */
    static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        if (buffer.hasArray()
                && buffer.arrayOffset() == 0
                && buffer.position() == 0
                && buffer.array().length == buffer.remaining()) {
            return buffer.array();
        }
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    /** The raw values of a numeric tensor in the array of its type (see {@link TypedTensor}). */
    private static Object array(ElementType type, OnnxTensor tensor) {
        ByteBuffer bytes = tensor.getByteBuffer().order(ByteOrder.nativeOrder());
        return switch (type) {
            case FLOAT -> {
                float[] a = new float[bytes.remaining() / Float.BYTES];
                bytes.asFloatBuffer().get(a);
                yield a;
            }
            case DOUBLE -> {
                double[] a = new double[bytes.remaining() / Double.BYTES];
                bytes.asDoubleBuffer().get(a);
                yield a;
            }
            case FLOAT16, BFLOAT16, INT16, UINT16 -> {
                short[] a = new short[bytes.remaining() / Short.BYTES];
                bytes.asShortBuffer().get(a);
                yield a;
            }
            case INT32, UINT32 -> {
                int[] a = new int[bytes.remaining() / Integer.BYTES];
                bytes.asIntBuffer().get(a);
                yield a;
            }
            case INT64, UINT64 -> {
                long[] a = new long[bytes.remaining() / Long.BYTES];
                bytes.asLongBuffer().get(a);
                yield a;
            }
            default -> {
                byte[] a = new byte[bytes.remaining()];
                bytes.get(a);
                yield a;
            }
        };
    }

    /** The strings of a string tensor's value (a String, or nested String arrays), row-major. */
    private static String[] strings(Object value) {
        List<String> flat = new ArrayList<>();
        flatten(value, flat);
        return flat.toArray(String[]::new);
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
}
