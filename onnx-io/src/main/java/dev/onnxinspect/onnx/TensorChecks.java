package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.util.List;

/**
 * Checks at load that every tensor of the model, wherever it is ({@link ModelTensors}: initializers, sparse
 * initializers, {@code Constant} values and other tensor attributes, in subgraphs and functions too), agrees with its
 * type and shape, so a corrupted, truncated or hostile tensor is reported when the model is loaded, not when a runtime
 * or a weight query first touches it:
 * <ul>
 * <li>the element type is a defined ONNX data type;</li>
 * <li>no dimension is negative, and the element count (their product; 0 when one is 0) fits in a signed 64-bit
 *     integer;</li>
 * <li>{@code raw_data} has exactly the bytes the type and count need, else the typed field ({@code float_data},
 *     {@code int64_data}, ...) exactly the values; strings only in {@code string_data};</li>
 * <li>sparse tensors as {@link SparseTensors#check} describes.</li>
 * </ul>
 * Each problem is a one-line {@link ModelFormatException} ({@link Kind#INVALID_INPUT}) saying where the tensor is.
 *
 * <p>Choice: the dense forms of a model's sparse tensors may hold {@value #SPARSE_DENSE_LIMIT} (2^26) values together
 * at most ({@link Kind#UNSUPPORTED} beyond). A sparse tensor declares its dense size in a few bytes, and ONNX Runtime
 * allocates that dense form when it opens the model (as does a weight query here), so without a limit a model of a
 * hundred bytes could ask for terabytes. 2^26 values are an 8192 x 8192 weight matrix.
 */
final class TensorChecks implements ModelTensors.Visitor {
    static final long SPARSE_DENSE_LIMIT = 1L << 26;

    private final String source;
    private long sparseDenseValues;

    private TensorChecks(String source) {
        this.source = source;
    }

    /** Checks every tensor of {@code model}; {@code source} names the model in messages. */
    static void check(ModelProto model, String source) {
        try {
            ModelTensors.rewrite(model, new TensorChecks(source));
        } catch (IOException e) {
            throw new IllegalStateException("a check that does no I/O threw an IOException", e);
        }
    }

    @Override
    public TensorProto tensor(TensorProto t, String where) {
        check(t, where, source);
        return t;
    }

    @Override
    public void sparse(SparseTensorProto s, String where) {
        long dense = SparseTensors.check(s, where, source);
        sparseDenseValues += dense;
        if (sparseDenseValues > SPARSE_DENSE_LIMIT) {
            throw new ModelFormatException(
                    Kind.UNSUPPORTED,
                    source,
                    where + " has a dense form of " + dense + " values; the dense forms of a model's sparse tensors"
                            + " may hold " + SPARSE_DENSE_LIMIT + " values together at most");
        }
    }

    /** Checks one tensor (see the class Javadoc); {@code where} says which tensor it is. */
    static void check(TensorProto t, String where, String source) {
        ElementType type = ElementType.forCode(t.getDataType()).orElse(ElementType.UNDEFINED);
        if (type == ElementType.UNDEFINED) {
            throw problem(
                    source,
                    where,
                    "has element type code " + t.getDataType() + ", which is not a defined ONNX data type");
        }
        long count = elementCount(t.getDimsList(), where, source);
        if (ExternalData.isExternal(t)) {
            return; // read, checked against the shape and inlined by ExternalData before a model gets here
        }
        if (!t.getRawData().isEmpty()) {
            if (type == ElementType.STRING) {
                throw problem(source, where, "is a STRING tensor with raw_data; strings belong in string_data");
            }
            long expected = rawBytes(type, count);
            if (expected != t.getRawData().size()) {
                throw problem(
                        source,
                        where,
                        "has " + t.getRawData().size() + " bytes of raw_data but " + type + " " + t.getDimsList()
                                + " needs " + (expected < 0 ? "more than 2^63" : expected)
                                + " (truncated or corrupted weights)");
            }
            return;
        }
        long stored = typedCount(t, type);
        long expected = switch (type) {
            case COMPLEX64, COMPLEX128 -> count > Long.MAX_VALUE / 2 ? -1 : 2 * count;
            case UINT4, INT4, FLOAT4E2M1 -> count / 2 + count % 2;
            default -> count;
        };
        if (stored != expected) {
            throw problem(
                    source,
                    where,
                    "stores " + stored + " values but " + type + " " + t.getDimsList() + " needs "
                            + (expected < 0 ? "more than 2^63" : expected) + " (truncated or corrupted weights)");
        }
    }

    /**
     * The number of elements {@code dims} describe: their product, 0 when one of them is 0.
     *
     * @throws ModelFormatException for a negative dimension or a product over {@link Long#MAX_VALUE}
     */
    static long elementCount(List<Long> dims, String where, String source) {
        boolean empty = false;
        for (long d : dims) {
            if (d < 0) {
                throw problem(source, where, "has a negative dimension in " + dims);
            }
            empty |= d == 0;
        }
        if (empty) {
            return 0;
        }
        long count = 1;
        for (long d : dims) {
            if (count > Long.MAX_VALUE / d) {
                throw problem(
                        source,
                        where,
                        "has dims " + dims + ", whose product overflows a 64-bit element count"
                                + " (corrupted or hostile shape)");
            }
            count *= d;
        }
        return count;
    }

    /** The raw_data length the type and element count need, or -1 when that is over {@link Long#MAX_VALUE}. */
    private static long rawBytes(ElementType type, long count) {
        return switch (type) {
            case UINT4, INT4, FLOAT4E2M1 -> count / 2 + count % 2;
            default -> count > Long.MAX_VALUE / type.byteSize() ? -1 : count * type.byteSize();
        };
    }

    private static long typedCount(TensorProto t, ElementType type) {
        return switch (type) {
            case FLOAT, COMPLEX64 -> t.getFloatDataCount();
            case DOUBLE, COMPLEX128 -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            case STRING -> t.getStringDataCount();
            default -> t.getInt32DataCount();
        };
    }

    static ModelFormatException problem(String source, String where, String what) {
        return new ModelFormatException(source, where + " " + what);
    }
}
