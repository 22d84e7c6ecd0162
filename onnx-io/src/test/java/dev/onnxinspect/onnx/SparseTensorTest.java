package dev.onnxinspect.onnx;

import static dev.onnxinspect.onnx.TinyGraphs.floatValue;
import static dev.onnxinspect.onnx.TinyGraphs.intAttr;
import static dev.onnxinspect.onnx.TinyGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sparse initializers and sparse {@code Constant} values (issue 13): a valid one loads, is described and reads as
 * weights (densified); an invalid one is refused at load with what is wrong.
 */
class SparseTensorTest {
    /**
     * W (2 x 3) with two non-zeros, W[0][1] = 5 and W[1][2] = -1: linear indices 1 and 5 (row-major, 3 columns).
     */
    private static SparseTensorProto weights(TensorProto indices) {
        return SparseTensorProto.newBuilder()
                .setValues(TinyGraphs.floats("W", new float[] {5, -1}, 2))
                .setIndices(indices)
                .addDims(2)
                .addDims(3)
                .build();
    }

    private static SparseTensorProto linear() {
        return weights(TinyGraphs.longs("", 1, 5));
    }

    /** The same non-zeros as coordinates: [[0, 1], [1, 2]]. */
    private static SparseTensorProto coordinates() {
        return weights(TinyGraphs.longs("", 0, 1, 1, 2).toBuilder()
                .clearDims()
                .addDims(2)
                .addDims(2)
                .build());
    }

    /** logits = Gemm(x, W^T) with W the sparse initializer (transB = 1): x [N, 3] -> [N, 2]. */
    private static ModelProto head(SparseTensorProto w) {
        GraphProto g = GraphProto.newBuilder()
                .setName("g")
                .addInput(floatValue("x", -1, 3))
                .addSparseInitializer(w)
                .addNode(node("Gemm", "fc", List.of("x", "W"), List.of("logits"), intAttr("transB", 1)))
                .addOutput(floatValue("logits", -1, 2))
                .build();
        return TinyGraphs.model(g);
    }

    @Test
    void aSparseInitializerLoadsIsDescribedAndReadsAsDenseWeights() {
        for (SparseTensorProto w : List.of(linear(), coordinates())) {
            OnnxModel model = OnnxModel.fromProto(head(w));
            assertThat(model.initializer("W").shape()).containsExactly(2, 3);
            assertThat(model.initializer("W").values()).containsExactly(0, 5, 0, 0, 0, -1);
            DenseLayer fc = model.lastDenseLayer();
            assertThat(fc.weights()).containsExactly(0, 5, 0, 0, 0, -1);
            assertThat(fc.inputName()).isEqualTo("x");
            ModelDescription d = model.describe();
            assertThat(d.initializers())
                    .containsExactly(new InitializerInfo("W", ElementType.FLOAT, List.of(2L, 3L), true));
            assertThat(d.format()).contains("W: FLOAT [2, 3] (sparse)");
            // a sparse initializer is a constant, not a tensor to instrument or to feed
            assertThat(d.inputs()).extracting(ValueInfo::name).containsExactly("x");
        }
    }

    @Test
    void aSparseConstantReadsAsDenseWeights() {
        AttributeProto value = AttributeProto.newBuilder()
                .setName("sparse_value")
                .setType(AttributeType.SPARSE_TENSOR)
                .setSparseTensor(linear())
                .build();
        GraphProto g = GraphProto.newBuilder()
                .setName("g")
                .addInput(floatValue("x", -1, 3))
                .addNode(node("Constant", "k", List.of(), List.of("W"), value))
                .addNode(node("Gemm", "fc", List.of("x", "W"), List.of("logits"), intAttr("transB", 1)))
                .addOutput(floatValue("logits", -1, 2))
                .build();
        OnnxModel model = OnnxModel.fromProto(TinyGraphs.model(g));
        assertThat(model.initializer("W").values()).containsExactly(0, 5, 0, 0, 0, -1);
        assertThat(model.lastDenseLayer().weights()).containsExactly(0, 5, 0, 0, 0, -1);
    }

    private static void assertRefused(SparseTensorProto w, String fragment) {
        assertThatThrownBy(() -> OnnxModel.fromProto(head(w)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("<proto>: sparse initializer 'W'")
                .hasMessageContaining(fragment)
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @Test
    void invalidSparseTensorsAreRefusedWithTheReason() {
        assertRefused(
                linear().toBuilder()
                        .setValues(TinyGraphs.floats("W", new float[] {5, -1}, 1, 2))
                        .build(),
                "values must be 1-D [NNZ], not [1, 2]");
        assertRefused(linear().toBuilder().clearDims().build(), "has no dims");
        assertRefused(
                linear().toBuilder().clearDims().addDims(2).addDims(0).build(), "dims [2, 0] must all be positive");
        assertRefused(
                linear().toBuilder().setIndices(TinyGraphs.longs("", 1, 6)).build(),
                "index 6 is outside the 6 values of [2, 3]");
        assertRefused(
                linear().toBuilder().setIndices(TinyGraphs.longs("", 5, 1)).build(),
                "indices must be strictly increasing");
        assertRefused(
                linear().toBuilder().setIndices(TinyGraphs.longs("", 1, 1)).build(),
                "indices must be strictly increasing");
        assertRefused(linear().toBuilder().setIndices(TinyGraphs.longs("", 1)).build(), "must be [2] or [2, 2]");
        assertRefused(
                linear().toBuilder()
                        .setIndices(TinyGraphs.floats("", new float[] {1, 5}, 2))
                        .build(),
                "indices must be INT64, not FLOAT");
        assertRefused(linear().toBuilder().clearIndices().build(), "2 values but no indices");
        assertRefused(
                coordinates().toBuilder()
                        .setIndices(TinyGraphs.longs("", 0, 1, 2, 0).toBuilder()
                                .clearDims()
                                .addDims(2)
                                .addDims(2)
                                .build())
                        .build(),
                "index [2, 0] is outside [2, 3]");
        assertRefused(
                linear().toBuilder()
                        .setValues(TinyGraphs.floats("W", new float[] {5}, 2))
                        .build(),
                "stores 1 values but FLOAT [2] needs 2");
    }

    @Test
    void aSparseTensorWhoseDenseFormIsHugeIsRefused() {
        // 2^20 x 2^20 values declared by 2 stored ones: its dense form (what ONNX Runtime and a weight query build)
        // is 2^40 values, over the limit of 2^26
        SparseTensorProto huge = linear().toBuilder()
                .clearDims()
                .addDims(1L << 20)
                .addDims(1L << 20)
                .build();
        assertThatThrownBy(() -> OnnxModel.fromProto(head(huge)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("sparse initializer 'W'")
                .hasMessageContaining("1099511627776 values")
                .hasFieldOrPropertyWithValue("kind", Kind.UNSUPPORTED);
        SparseTensorProto overflow = linear().toBuilder()
                .clearDims()
                .addDims(1L << 32)
                .addDims(1L << 32)
                .build();
        assertThatThrownBy(() -> OnnxModel.fromProto(head(overflow)))
                .hasMessageContaining("overflow")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @Test
    void sparseAndDenseInitializersShareOneNamespace() {
        ModelProto twice = head(linear()).toBuilder()
                .setGraph(head(linear()).getGraph().toBuilder()
                        .addInitializer(TinyGraphs.floats("W", new float[6], 2, 3)))
                .build();
        assertThatThrownBy(() -> OnnxModel.fromProto(twice)).hasMessageContaining("initializer 'W' is defined twice");
    }
}
