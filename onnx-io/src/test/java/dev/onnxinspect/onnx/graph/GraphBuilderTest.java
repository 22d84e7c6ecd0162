package dev.onnxinspect.onnx.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {

    /** A 4 -> 3 -> 2 MLP: Gemm(transB) + Relu + Gemm + Softmax. */
    private static GraphBuilder mlp() {
        GraphBuilder g = GraphBuilder.create("mlp").producer("unit-test", "1.0").metadata("seed", "7");
        String x = g.input("input", TensorShape.batched("N", 4));
        g.addInitializer("fc1/W", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4);
        g.addInitializer("fc1/b", new float[] {0.5f, -0.5f, 0}, 3);
        g.addInitializer("fc2/W", new float[] {1, 0, -1, 0, 1, 1}, 3, 2);
        g.addInitializer("fc2/b", new float[] {0, 0}, 2);
        String h = g.relu("fc1/relu", g.gemm("fc1/gemm", x, "fc1/W", "fc1/b", true));
        String logits = g.gemm("fc2/gemm", h, "fc2/W", "fc2/b", false);
        g.output(logits, TensorShape.batched("N", 2));
        g.output(g.softmax("probs", logits, -1));
        return g;
    }

    @Test
    void buildsTheGraphInCallOrderWithTheCallersNames() {
        ModelProto model = mlp().build().proto();
        GraphProto graph = model.getGraph();

        assertThat(graph.getNodeList())
                .extracting(NodeProto::getOpType)
                .containsExactly("Gemm", "Relu", "Gemm", "Softmax");
        assertThat(graph.getNodeList())
                .extracting(NodeProto::getName)
                .containsExactly("fc1/gemm", "fc1/relu", "fc2/gemm", "probs");
        assertThat(graph.getNode(0).getInputList()).containsExactly("input", "fc1/W", "fc1/b");
        assertThat(graph.getNode(0).getOutputList()).containsExactly("fc1/gemm");
        assertThat(attribute(graph.getNode(0), "transB").getI()).isEqualTo(1);
        assertThat(graph.getNode(2).getAttributeList()).isEmpty();
        assertThat(attribute(graph.getNode(3), "axis").getI()).isEqualTo(-1);
        assertThat(graph.getOutputList()).extracting(v -> v.getName()).containsExactly("fc2/gemm", "probs");
        assertThat(graph.getOutput(1).getType().getTensorType().hasShape()).isFalse();
        assertThat(graph.getOutput(1).getType().getTensorType().getElemType()).isEqualTo(ElementType.FLOAT.code());

        TensorShapeProto inputShape =
                graph.getInput(0).getType().getTensorType().getShape();
        assertThat(inputShape.getDim(0).getDimParam()).isEqualTo("N");
        assertThat(inputShape.getDim(1).getDimValue()).isEqualTo(4);
        assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(17);
        assertThat(model.getIrVersion()).isEqualTo(8);
        assertThat(model.getProducerName()).isEqualTo("unit-test");
        assertThat(model.getProducerVersion()).isEqualTo("1.0");
        assertThat(model.getMetadataProps(0).getKey()).isEqualTo("seed");
        assertThat(model.getMetadataProps(0).getValue()).isEqualTo("7");
    }

    @Test
    void initializersHoldTheGivenValuesRowMajorLittleEndian() {
        TensorProto w = mlp().build().proto().getGraph().getInitializer(0);
        assertThat(w.getName()).isEqualTo("fc1/W");
        assertThat(w.getDimsList()).containsExactly(3L, 4L);
        float[] values = new float[12];
        w.getRawData()
                .asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(values);
        assertThat(values).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    }

    @Test
    void opsetAndIrVersionCanBeChosenAndAreChecked() {
        ModelProto m = mlp().opset(13).build().proto();
        assertThat(m.getOpsetImport(0).getVersion()).isEqualTo(13);
        assertThat(m.getIrVersion()).isEqualTo(7);
        assertThat(mlp().opset(21).build().proto().getIrVersion()).isEqualTo(10);
        assertThat(mlp().irVersion(9).build().proto().getIrVersion()).isEqualTo(9);
        assertThatThrownBy(() -> mlp().opset(12))
                .isInstanceOf(GraphBuildException.class)
                .hasMessageContaining("opset 12")
                .hasMessageContaining("13 to 21");
        assertThatThrownBy(() -> mlp().irVersion(7).build())
                .isInstanceOf(GraphBuildException.class)
                .hasMessageContaining("IR version 7 cannot carry opset 17");
    }

    @Test
    void duplicateNamesAreRejected() {
        GraphBuilder g = mlp();
        assertThatThrownBy(() -> g.relu("fc1/relu", "fc1/gemm"))
                .isInstanceOf(GraphBuildException.class)
                .hasMessageContaining("Relu 'fc1/relu'")
                .hasMessageContaining("already used");
        assertThatThrownBy(() -> g.addInitializer("input", new float[] {1}, 1)).hasMessageContaining("already used");
        assertThatThrownBy(() -> g.output("probs")).hasMessageContaining("already a graph output");
        assertThatThrownBy(() -> g.metadata("seed", "8")).hasMessageContaining("already set");
    }

    @Test
    void undefinedInputsNameTheOpAndTheClosestTensors() {
        GraphBuilder g = mlp();
        assertThatThrownBy(() -> g.relu("r", "fc1/rleu"))
                .isInstanceOf(GraphBuildException.class)
                .hasMessageContaining("Relu 'r'")
                .hasMessageContaining("input 'fc1/rleu' is not defined")
                .hasMessageContaining("[fc1/relu,");
        assertThatThrownBy(() -> g.output("nope")).hasMessageContaining("'nope' is not defined");
    }

    @Test
    void gemmChecksTheWeightRankAndBiasLength() {
        GraphBuilder g = mlp();
        g.addInitializer("v", new float[] {1, 2, 3}, 3);
        assertThatThrownBy(() -> g.gemm("y", "fc1/relu", "v", false))
                .hasMessageContaining("Gemm 'y'")
                .hasMessageContaining("expected rank 2");
        // fc2/W is 3 x 2: without transB the layer has 2 outputs, so the 3-long bias fc1/b does not fit.
        assertThatThrownBy(() -> g.gemm("y", "fc1/relu", "fc2/W", "fc1/b", false))
                .hasMessageContaining("bias 'fc1/b' has shape [3]")
                .hasMessageContaining("gives 2 outputs");
    }

    @Test
    void convChecksOptionsAndWeightShapes() {
        assertThatThrownBy(() -> ConvOptions.builder(3, 3).strides(1).build())
                .isInstanceOf(GraphBuildException.class)
                .hasMessageContaining("strides has 1 entries");
        assertThatThrownBy(() -> ConvOptions.builder(3, 3).pads(1, 1).build()).hasMessageContaining("expected 4");
        assertThatThrownBy(() -> ConvOptions.builder(3, 0).build()).hasMessageContaining("must be >= 1");
        assertThatThrownBy(() -> ConvOptions.builder(3, 3).group(0).build()).hasMessageContaining("group");

        GraphBuilder g = GraphBuilder.create("cnn");
        String x = g.input("image", TensorShape.batched("N", 2, 5, 5));
        g.addInitializer("conv/W", new float[4 * 2 * 3 * 3], 4, 2, 3, 3);
        g.addInitializer("conv/b", new float[3], 3);
        assertThatThrownBy(
                        () -> g.conv("c", x, "conv/W", ConvOptions.builder(2, 2).build()))
                .hasMessageContaining("Conv 'c'")
                .hasMessageContaining("must equal the kernel");
        assertThatThrownBy(() -> g.conv(
                        "c", x, "conv/W", ConvOptions.builder(3, 3).group(3).build()))
                .hasMessageContaining("4 output channels cannot be split into 3 groups");
        assertThatThrownBy(() -> g.conv(
                        "c", x, "conv/W", "conv/b", ConvOptions.builder(3, 3).build()))
                .hasMessageContaining("bias 'conv/b' has shape [3]; expected [4]");

        String y = g.conv(
                "c",
                x,
                "conv/W",
                ConvOptions.builder(3, 3)
                        .strides(2, 2)
                        .padding(1)
                        .dilations(1, 1)
                        .group(2)
                        .build());
        NodeProto conv = g.output(y).build().proto().getGraph().getNode(0);
        assertThat(attribute(conv, "kernel_shape").getIntsList()).containsExactly(3L, 3L);
        assertThat(attribute(conv, "strides").getIntsList()).containsExactly(2L, 2L);
        assertThat(attribute(conv, "pads").getIntsList()).containsExactly(1L, 1L, 1L, 1L);
        assertThat(attribute(conv, "dilations").getIntsList()).containsExactly(1L, 1L);
        assertThat(attribute(conv, "group").getI()).isEqualTo(2);
    }

    @Test
    void poolingAndNormalisationAttributes() {
        GraphBuilder g = GraphBuilder.create("cnn");
        String x = g.input("image", TensorShape.batched("N", 2, 4, 4));
        for (String p : List.of("bn/scale", "bn/bias", "bn/mean", "bn/var")) {
            g.addInitializer(p, new float[] {1, 1}, 2);
        }
        g.addInitializer("bn/bad", new float[] {1, 1, 1}, 3);
        assertThatThrownBy(() -> g.batchNormalization("bn", x, "bn/scale", "bn/bias", "bn/mean", "bn/var", 0f))
                .hasMessageContaining("epsilon must be positive");
        assertThatThrownBy(() -> g.batchNormalization("bn", x, "bn/scale", "bn/bad", "bn/mean", "bn/var", 1e-5f))
                .hasMessageContaining("'bn/bad' has shape [3]")
                .hasMessageContaining("C = 2");
        String bn = g.batchNormalization("bn", x, "bn/scale", "bn/bias", "bn/mean", "bn/var", 1e-5f);
        String max = g.maxPool(
                "pool1",
                bn,
                PoolOptions.builder(2, 2).strides(2, 2).ceilMode(true).build());
        String avg = g.averagePool(
                "pool2", max, PoolOptions.builder(2, 2).countIncludePad(true).build());
        String gap = g.globalAveragePool("gap", avg);
        String flat = g.flatten("flat", gap, 1);
        g.output(g.reshape("reshaped", flat, -1, 2));
        GraphProto graph = g.build().proto().getGraph();

        assertThat(graph.getNodeList())
                .extracting(NodeProto::getOpType)
                .containsExactly(
                        "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape");
        assertThat(attribute(graph.getNode(0), "epsilon").getF()).isEqualTo(1e-5f);
        assertThat(attribute(graph.getNode(1), "ceil_mode").getI()).isEqualTo(1);
        assertThat(attribute(graph.getNode(2), "count_include_pad").getI()).isEqualTo(1);
        assertThat(attribute(graph.getNode(4), "axis").getI()).isEqualTo(1);
        TensorProto shape = graph.getInitializerList().stream()
                .filter(t -> t.getName().equals("reshaped/shape"))
                .findFirst()
                .orElseThrow();
        assertThat(shape.getDataType()).isEqualTo(ElementType.INT64.code());
        assertThat(shape.getInt64DataList()).containsExactly(-1L, 2L);
        assertThatThrownBy(() -> g.reshape("r2", flat, -1, -1)).hasMessageContaining("at most one -1");
    }

    @Test
    void globalMaxPoolAndSqueezeWithItsAxesAsAnInput() {
        GraphBuilder g = GraphBuilder.create("head");
        String x = g.input("image", TensorShape.batched("N", 2, 4, 4));
        String gmp = g.globalMaxPool("gmp", x);
        g.output(g.squeeze("squeezed", gmp, 2, 3));
        GraphProto graph = g.build().proto().getGraph();
        assertThat(graph.getNodeList()).extracting(NodeProto::getOpType).containsExactly("GlobalMaxPool", "Squeeze");
        assertThat(graph.getNode(1).getInputList()).containsExactly("gmp", "squeezed/axes");
        TensorProto axes = graph.getInitializerList().stream()
                .filter(t -> t.getName().equals("squeezed/axes"))
                .findFirst()
                .orElseThrow();
        assertThat(axes.getInt64DataList()).containsExactly(2L, 3L);
        assertThatThrownBy(() -> g.squeeze("s2", gmp))
                .isInstanceOf(GraphBuildException.class)
                .hasMessageContaining("Squeeze 's2': axes [] are invalid; expected at least one axis");
    }

    @Test
    void geluIsDecomposedIntoErfArithmetic() {
        GraphBuilder g = GraphBuilder.create("gelu");
        String x = g.input("x", TensorShape.of(3));
        g.output(g.gelu("act", x));
        GraphProto graph = g.build().proto().getGraph();
        // 0.5 * x * (1 + erf(x / sqrt 2)): Div, Erf, Add, Mul(x, .), Mul(., 0.5)
        assertThat(graph.getNodeList())
                .extracting(NodeProto::getOpType)
                .containsExactly("Div", "Erf", "Add", "Mul", "Mul");
        assertThat(graph.getNode(0).getInputList()).containsExactly("x", "act/sqrt2");
        assertThat(graph.getNode(3).getInputList()).containsExactly("x", "act/add");
        assertThat(graph.getNode(4).getInputList()).containsExactly("act/mul", "act/half");
        assertThat(graph.getNode(4).getOutput(0)).isEqualTo("act");
        assertThat(scalar(graph, "act/sqrt2")).isEqualTo((float) Math.sqrt(2));
        assertThat(scalar(graph, "act/one")).isEqualTo(1f);
        assertThat(scalar(graph, "act/half")).isEqualTo(0.5f);
    }

    @Test
    void iocTransformNeedsABooleanCondition() {
        // w' = exp(w - 5) where w < 0, else w
        GraphBuilder g = GraphBuilder.create("ioc");
        String w = g.input("w", TensorShape.of(4));
        g.addInitializer("zero", new float[] {0f});
        g.addInitializer("five", new float[] {5f});
        String negative = g.less("negative", w, "zero");
        String shifted = g.exp("exp", g.sub("shifted", w, "five"));
        assertThatThrownBy(() -> g.where("bad", shifted, shifted, w))
                .hasMessageContaining("Where 'bad'")
                .hasMessageContaining("expected BOOL");
        assertThatThrownBy(() -> g.relu("r", negative)).hasMessageContaining("is BOOL");
        g.output(g.where("w_ioc", negative, shifted, w));
        g.output(g.greater("positive", w, "zero"));
        GraphProto graph = g.build().proto().getGraph();
        assertThat(graph.getNodeList())
                .extracting(NodeProto::getOpType)
                .containsExactly("Less", "Sub", "Exp", "Where", "Greater");
        assertThat(graph.getOutput(1).getType().getTensorType().getElemType()).isEqualTo(ElementType.BOOL.code());
    }

    @Test
    void attributeAndCountErrors() {
        GraphBuilder g = mlp();
        assertThatThrownBy(() -> g.elu("e", "fc1/relu", Float.NaN)).hasMessageContaining("alpha must be finite");
        assertThatThrownBy(() -> g.addInitializer("w", new float[5], 2, 3))
                .hasMessageContaining("holds 6 values but 5 were given");
        assertThatThrownBy(() -> g.matMul("m", "fc1/relu", "bad-name"))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("MatMul 'm'");
        assertThatThrownBy(() -> GraphBuilder.create("empty").build()).hasMessageContaining("has no output");
    }

    @Test
    void everyRemainingOpIsEmitted() {
        GraphBuilder g = GraphBuilder.create("ops");
        String x = g.input("x", ElementType.FLOAT, TensorShape.batched("N", 2));
        g.addInitializer("m", new float[] {1, 0, 0, 1}, 2, 2);
        String c = g.constant("c", new float[] {1, 2}, 2);
        String y = g.matMul("mm", x, "m");
        y = g.add("add", y, c);
        y = g.mul("mul", y, c);
        y = g.div("div", y, c);
        y = g.elu("elu", y, 0.5f);
        y = g.sigmoid("sig", y);
        y = g.tanh("tanh", y);
        y = g.identity("id", y);
        y = g.gemm("gemm", y, "m", false);
        OnnxModel model = g.output(y).build();
        GraphProto graph = model.proto().getGraph();
        assertThat(graph.getNodeList())
                .extracting(NodeProto::getOpType)
                .containsExactly(
                        "Constant", "MatMul", "Add", "Mul", "Div", "Elu", "Sigmoid", "Tanh", "Identity", "Gemm");
        assertThat(attribute(graph.getNode(5), "alpha").getF()).isEqualTo(0.5f);
        TensorProto constant = attribute(graph.getNode(0), "value").getT();
        assertThat(constant.getDimsList()).containsExactly(2L);
    }

    @Test
    void lookupCastTransposeAndReductionOps() {
        GraphBuilder g = GraphBuilder.create("text");
        String ids = g.input("ids", ElementType.INT64, TensorShape.of(2, 3));
        String mask = g.input("mask", ElementType.INT64, TensorShape.of(2, 3));
        g.addInitializer("table", new float[8], 4, 2);
        String emb = g.gather("emb", "table", ids, 0);
        String m = g.unsqueeze("mask3", g.cast("maskf", mask, ElementType.FLOAT), 2);
        String sum = g.reduceSum("sum", g.mul("masked", emb, m), false, 1);
        String count = g.max("count", g.reduceSum("n", "maskf", true, 1), g.constant("one", new float[] {1f}));
        String t = g.transpose("table_t", "table", 1, 0);
        g.output(g.matMul("proj", g.div("mean", sum, count), t));
        GraphProto graph = g.build().proto().getGraph();

        assertThat(graph.getNodeList())
                .extracting(NodeProto::getOpType)
                .containsExactly(
                        "Gather",
                        "Cast",
                        "Unsqueeze",
                        "Mul",
                        "ReduceSum",
                        "ReduceSum",
                        "Constant",
                        "Max",
                        "Transpose",
                        "Div",
                        "MatMul");
        assertThat(attribute(graph.getNode(0), "axis").getI()).isZero();
        assertThat(attribute(graph.getNode(1), "to").getI()).isEqualTo(ElementType.FLOAT.code());
        assertThat(graph.getNode(2).getInputList()).containsExactly("maskf", "mask3/axes");
        assertThat(graph.getNode(4).getInputList()).containsExactly("masked", "sum/axes");
        assertThat(attribute(graph.getNode(4), "keepdims").getI()).isZero();
        assertThat(attribute(graph.getNode(5), "keepdims").getI()).isEqualTo(1);
        assertThat(attribute(graph.getNode(8), "perm").getIntsList()).containsExactly(1L, 0L);
        TensorProto axes = graph.getInitializerList().stream()
                .filter(i -> i.getName().equals("mask3/axes"))
                .findFirst()
                .orElseThrow();
        assertThat(axes.getDataType()).isEqualTo(ElementType.INT64.code());
        assertThat(axes.getInt64DataList()).containsExactly(2L);
    }

    @Test
    void lookupCastTransposeAndReductionErrors() {
        GraphBuilder g = GraphBuilder.create("bad");
        String x = g.input("x", TensorShape.of(2, 3));
        String b = g.input("b", ElementType.BOOL, TensorShape.of(2));
        g.addInitializer("table", new float[6], 3, 2);
        assertThatThrownBy(() -> g.gather("g1", "table", x, 0))
                .hasMessageContaining("Gather 'g1'")
                .hasMessageContaining("expected INT64 or INT32");
        String ids = g.input("ids", ElementType.INT64, TensorShape.of(2));
        assertThatThrownBy(() -> g.gather("g2", "table", ids, 2)).hasMessageContaining("axis 2 is out of range");
        assertThatThrownBy(() -> g.cast("c", x, ElementType.UNDEFINED)).hasMessageContaining("UNDEFINED");
        assertThatThrownBy(() -> g.transpose("t1", x, 0, 0)).hasMessageContaining("not a permutation");
        assertThatThrownBy(() -> g.transpose("t2", "table", 0, 2, 1)).hasMessageContaining("has 3 axes");
        assertThatThrownBy(() -> g.unsqueeze("u", x)).hasMessageContaining("at least one axis");
        assertThatThrownBy(() -> g.reduceSum("r1", x, false, 1, 1)).hasMessageContaining("each once");
        assertThatThrownBy(() -> g.reduceSum("r2", b, false, 0)).hasMessageContaining("expected a numeric tensor");
        assertThatThrownBy(() -> g.max("m", x, ids)).hasMessageContaining("same element type");
        // a transposed initializer has a known shape ([3, 2] -> [2, 3]): a Gemm reading it is checked
        g.transpose("table_t", "table", 1, 0);
        g.addInitializer("bias", new float[2], 2);
        assertThatThrownBy(() -> g.gemm("gemm", x, "table_t", "bias", false))
                .hasMessageContaining("([2, 3], transB=false) gives 3 outputs");
    }

    @Test
    void buildIsRepeatableAndIndependentOfLaterChanges() {
        GraphBuilder g = mlp();
        OnnxModel first = g.build();
        g.relu("later", "probs");
        OnnxModel second = g.build();
        assertThat(first.proto().getGraph().getNodeCount()).isEqualTo(4);
        assertThat(second.proto().getGraph().getNodeCount()).isEqualTo(5);
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        return node.getAttributeList().stream()
                .filter(a -> a.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static float scalar(GraphProto graph, String name) {
        TensorProto t = graph.getInitializerList().stream()
                .filter(i -> i.getName().equals(name))
                .findFirst()
                .orElseThrow();
        return ByteBuffer.wrap(t.getRawData().toByteArray())
                .order(ByteOrder.LITTLE_ENDIAN)
                .getFloat();
    }
}
