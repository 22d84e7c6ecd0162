package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * ONNX sparse tensors ({@code SparseTensorProto}: sparse initializers, a {@code Constant}'s {@code sparse_value}):
 * the checks a valid one passes, and its dense form as weights.
 *
 * <p>A sparse tensor holds NNZ values (its {@code values}, a 1-D tensor [NNZ] whose name is the tensor's name), their
 * positions ({@code indices}, INT64) and the dense shape ({@code dims}). The indices are either [NNZ] linear
 * positions in the row-major dense tensor or [NNZ, rank] coordinates; either way strictly increasing (in row-major
 * order), each inside the dense shape. Every other element is 0. These are the rules of {@code onnx.checker}.
 */
final class SparseTensors {
    private SparseTensors() {}

    /**
     * Checks {@code s} (its values and indices have been checked as tensors already) and returns the number of values
     * its dense form holds.
     *
     * @throws ModelFormatException naming {@code where} and what is wrong
     */
    static long check(SparseTensorProto s, String where, String source) {
        if (!s.hasValues()) {
            throw TensorChecks.problem(source, where, "has no values; a sparse tensor needs them (NNZ may be 0)");
        }
        TensorProto values = s.getValues();
        if (values.getDimsCount() != 1) {
            throw TensorChecks.problem(source, where, "values must be 1-D [NNZ], not " + values.getDimsList());
        }
        long nnz = values.getDims(0);
        List<Long> dims = s.getDimsList();
        if (dims.isEmpty()) {
            throw TensorChecks.problem(source, where, "has no dims; a sparse tensor needs the shape of its dense form");
        }
        if (dims.stream().anyMatch(d -> d <= 0)) {
            throw TensorChecks.problem(source, where, "dims " + dims + " must all be positive");
        }
        long dense = TensorChecks.elementCount(dims, where, source);
        if (!s.hasIndices()) {
            if (nnz != 0) {
                throw TensorChecks.problem(source, where, "has " + nnz + " values but no indices");
            }
            return dense;
        }
        TensorProto indices = s.getIndices();
        if (indices.getDataType() != ElementType.INT64.code()) {
            throw TensorChecks.problem(
                    source,
                    where,
                    "indices must be INT64, not "
                            + ElementType.forCode(indices.getDataType())
                                    .map(Enum::name)
                                    .orElse("type " + indices.getDataType()));
        }
        List<Long> shape = indices.getDimsList();
        boolean linear = shape.equals(List.of(nnz));
        if (!linear && !shape.equals(List.of(nnz, (long) dims.size()))) {
            throw TensorChecks.problem(
                    source,
                    where,
                    "indices have shape " + shape + "; with " + nnz + " values they must be [" + nnz + "] or [" + nnz
                            + ", " + dims.size() + "]");
        }
        linearIndices(s, where, source);
        return dense;
    }

    /**
     * The positions of {@code s}'s values in its row-major dense form, checked: inside it and strictly increasing.
     */
    private static long[] linearIndices(SparseTensorProto s, String where, String source) {
        List<Long> dims = s.getDimsList();
        long dense = TensorChecks.elementCount(dims, where, source);
        TensorProto indices = s.getIndices();
        int nnz = Math.toIntExact(s.getValues().getDims(0));
        long[] raw = int64s(indices);
        boolean coordinates = indices.getDimsCount() == 2;
        int rank = dims.size();
        long[] linear = new long[nnz];
        for (int i = 0; i < nnz; i++) {
            long position;
            if (coordinates) {
                position = 0;
                for (int d = 0; d < rank; d++) {
                    long c = raw[i * rank + d];
                    if (c < 0 || c >= dims.get(d)) {
                        long[] tuple = new long[rank];
                        System.arraycopy(raw, i * rank, tuple, 0, rank);
                        throw TensorChecks.problem(
                                source, where, "index " + Arrays.toString(tuple) + " is outside " + dims);
                    }
                    position = position * dims.get(d) + c;
                }
            } else {
                position = raw[i];
                if (position < 0 || position >= dense) {
                    throw TensorChecks.problem(
                            source, where, "index " + position + " is outside the " + dense + " values of " + dims);
                }
            }
            if (i > 0 && position <= linear[i - 1]) {
                throw TensorChecks.problem(
                        source,
                        where,
                        "indices must be strictly increasing (row-major), but " + position + " follows "
                                + linear[i - 1]);
            }
            linear[i] = position;
        }
        return linear;
    }

    /** An INT64 tensor's values (raw little-endian bytes or int64_data), whose count has been checked. */
    private static long[] int64s(TensorProto t) {
        if (t.getRawData().isEmpty()) {
            return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        }
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[b.remaining() / 8];
        b.asLongBuffer().get(v);
        return v;
    }

    /**
     * The dense form of a checked sparse tensor as float32 weights named {@code name} (the value conversion of
     * {@link TensorDecoder}; every element without an index is 0).
     */
    static WeightTensor toWeights(SparseTensorProto s, String name, String source) {
        String where = "sparse tensor '" + name + "'";
        long dense = check(s, where, source);
        if (dense > TensorChecks.SPARSE_DENSE_LIMIT) {
            throw new GraphQueryException(
                    Kind.UNSUPPORTED,
                    where + " of " + source + " has a dense form of " + dense + " values; at most "
                            + TensorChecks.SPARSE_DENSE_LIMIT + " are read as weights");
        }
        float[] values = TensorDecoder.decode(s.getValues(), source).values();
        float[] out = new float[(int) dense];
        if (s.hasIndices()) {
            long[] at = linearIndices(s, where, source);
            for (int i = 0; i < at.length; i++) {
                out[(int) at[i]] = values[i];
            }
        }
        long[] shape = s.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return new WeightTensor(name, shape, out);
    }
}
