package dev.onnxinspect.onnx;

import static dev.onnxinspect.onnx.TinyGraphs.floatValue;
import static dev.onnxinspect.onnx.TinyGraphs.intAttr;
import static dev.onnxinspect.onnx.TinyGraphs.node;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.onnxinspect.onnx.graph.ConvOptions;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes the seed inputs of {@link ModelLoadingFuzzTest}: small valid models that reach each part of loading and head
 * finding (a CNN with a Gemm head, MatMul + Add, a 1x1 Conv head on global pooling, a transposed constant, sparse
 * weights, a sparse Constant, If and Loop subgraphs, a model-local function), and for {@code modelDirectory} models
 * whose weights are external data in {@code data.bin}; for {@code generatedGraph} a few random inputs. The seeds are committed under
 * {@code src/test/resources/dev/onnxinspect/onnx/ModelLoadingFuzzTestInputs/}; run this class to write them again
 * (argument: that directory).
 */
final class FuzzSeeds {
    /** The {@code data.bin} of the external-data seeds: 6 floats, [1.5, -2, 4, 0.25, 8, -1]. */
    static final byte[] DATA = floats(1.5f, -2, 4, 0.25f, 8, -1);

    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args[0]);
        for (Map.Entry<String, ModelProto> e : models().entrySet()) {
            write(
                    inputs.resolve("modelBytes"),
                    e.getKey() + ".onnx",
                    e.getValue().toByteArray());
        }
        byte[] data = DATA;
        for (Map.Entry<String, ModelProto> e : externalModels().entrySet()) {
            byte[] model = e.getValue().toByteArray();
            ByteBuffer input = ByteBuffer.allocate(2 + data.length + model.length);
            input.putShort((short) data.length).put(data).put(model);
            write(inputs.resolve("modelDirectory"), e.getKey() + ".bin", input.array());
        }
        Random random = new Random(13);
        for (int i = 0; i < 4; i++) {
            byte[] bytes = new byte[256];
            random.nextBytes(bytes);
            write(inputs.resolve("generatedGraph"), "random-" + i + ".bin", bytes);
        }
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("seed-" + name), bytes);
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static Map<String, ModelProto> models() {
        Map<String, ModelProto> m = new LinkedHashMap<>();
        GraphBuilder cnn = GraphBuilder.create("cnn");
        String image = cnn.input("image", TensorShape.batched("N", 1, 4, 4));
        cnn.addInitializer("conv/W", new float[18], 2, 1, 3, 3);
        cnn.addInitializer("conv/b", new float[2], 2);
        cnn.addInitializer("fc/W", new float[24], 3, 8);
        cnn.addInitializer("fc/b", new float[] {1, 2, 3}, 3);
        String c = cnn.relu(
                "conv/relu",
                cnn.conv(
                        "conv",
                        image,
                        "conv/W",
                        "conv/b",
                        ConvOptions.builder(3, 3).build()));
        cnn.output(cnn.softmax("probs", cnn.gemm("fc", cnn.flatten("flat", c, 1), "fc/W", "fc/b", true), 1));
        m.put("cnn", cnn.build().proto());

        GraphBuilder mlp = GraphBuilder.create("mlp");
        String x = mlp.input("x", TensorShape.batched("N", 4));
        mlp.addInitializer("w1", new float[12], 4, 3);
        mlp.addInitializer("b1", new float[3], 3);
        mlp.addInitializer("w2", new float[6], 3, 2);
        String h = mlp.relu("h", mlp.add("pre", mlp.matMul("mm", x, "w1"), "b1"));
        mlp.output(mlp.matMul("logits", h, "w2"));
        m.put("matmul-add", mlp.build().proto());

        GraphBuilder pool = GraphBuilder.create("pool");
        String p = pool.input("p", TensorShape.batched("N", 2, 3, 3));
        pool.addInitializer("head/W", new float[8], 4, 2, 1, 1);
        String conv = pool.conv(
                "head",
                pool.globalAveragePool("gap", p),
                "head/W",
                ConvOptions.builder(1, 1).build());
        pool.output(pool.squeeze("logits", pool.reshape("flat", conv, 0, 4, 1, 1), 2, 3));
        m.put("conv-head", pool.build().proto());

        m.put(
                "transposed-constant",
                TinyGraphs.model(GraphProto.newBuilder()
                        .setName("g")
                        .addInput(floatValue("t", -1, 3))
                        .addNode(node(
                                "Constant",
                                "wt",
                                List.of(),
                                List.of("wt"),
                                AttributeProto.newBuilder()
                                        .setName("value")
                                        .setType(AttributeType.TENSOR)
                                        .setT(TinyGraphs.floats("", new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
                                        .build()))
                        .addNode(node("Transpose", "tr", List.of("wt"), List.of("w")))
                        .addNode(node("Gemm", "fc", List.of("t", "w"), List.of("z")))
                        .addOutput(floatValue("z", -1, 2))
                        .build()));

        SparseTensorProto sparseW = SparseTensorProto.newBuilder()
                .setValues(TinyGraphs.floats("W", new float[] {5, -1}, 2))
                .setIndices(TinyGraphs.longs("", 1, 5))
                .addDims(2)
                .addDims(3)
                .build();
        m.put(
                "sparse-initializer",
                TinyGraphs.model(GraphProto.newBuilder()
                        .setName("g")
                        .addInput(floatValue("x", -1, 3))
                        .addSparseInitializer(sparseW)
                        .addNode(node("Gemm", "fc", List.of("x", "W"), List.of("logits"), intAttr("transB", 1)))
                        .addOutput(floatValue("logits", -1, 2))
                        .build()));
        m.put(
                "sparse-constant",
                TinyGraphs.model(GraphProto.newBuilder()
                        .setName("g")
                        .addInput(floatValue("x", -1, 3))
                        .addNode(node(
                                "Constant",
                                "k",
                                List.of(),
                                List.of("W"),
                                AttributeProto.newBuilder()
                                        .setName("sparse_value")
                                        .setType(AttributeType.SPARSE_TENSOR)
                                        .setSparseTensor(sparseW)
                                        .build()))
                        .addNode(node("Gemm", "fc", List.of("x", "W"), List.of("logits"), intAttr("transB", 1)))
                        .addOutput(floatValue("logits", -1, 2))
                        .build()));

        TensorProto cond = TensorProto.newBuilder()
                .setName("cond")
                .setDataType(ElementType.BOOL.code())
                .addInt32Data(1)
                .build();
        GraphProto thenBranch = GraphProto.newBuilder()
                .setName("then")
                .addNode(node("Relu", "r", List.of("x"), List.of("then_out")))
                .addOutput(floatValue("then_out", -1, 3))
                .build();
        GraphProto elseBranch = GraphProto.newBuilder()
                .setName("else")
                .addNode(node("Neg", "n", List.of("x"), List.of("else_out")))
                .addOutput(floatValue("else_out", -1, 3))
                .build();
        m.put(
                "if",
                TinyGraphs.model(GraphProto.newBuilder()
                        .setName("g")
                        .addInput(floatValue("x", -1, 3))
                        .addInitializer(cond)
                        .addNode(node(
                                "If",
                                "if",
                                List.of("cond"),
                                List.of("y"),
                                graph("then_branch", thenBranch),
                                graph("else_branch", elseBranch)))
                        .addOutput(floatValue("y", -1, 3))
                        .build()));
        GraphProto body = GraphProto.newBuilder()
                .setName("body")
                .addInput(floatValue("i"))
                .addInput(floatValue("cond_in"))
                .addInput(floatValue("carried", 3))
                .addNode(node("Add", "step", List.of("carried", "x"), List.of("carried_out")))
                .addNode(node("Identity", "keep", List.of("cond_in"), List.of("cond_out")))
                .addOutput(floatValue("cond_out"))
                .addOutput(floatValue("carried_out", 3))
                .build();
        m.put(
                "loop",
                TinyGraphs.model(GraphProto.newBuilder()
                        .setName("g")
                        .addInput(floatValue("x", 3))
                        .addInitializer(cond)
                        .addInitializer(TinyGraphs.longs("n", 3).toBuilder().clearDims())
                        .addNode(node("Loop", "loop", List.of("n", "cond", "x"), List.of("y"), graph("body", body)))
                        .addOutput(floatValue("y", 3))
                        .build()));
        m.put(
                "function",
                TinyGraphs.model(GraphProto.newBuilder()
                                .setName("g")
                                .addInput(floatValue("x", -1, 3))
                                .addNode(node("F", "call", List.of("x"), List.of("y")).toBuilder()
                                        .setDomain("com.example")
                                        .build())
                                .addOutput(floatValue("y", -1, 3))
                                .build())
                        .toBuilder()
                        .addOpsetImport(OperatorSetIdProto.newBuilder()
                                .setDomain("com.example")
                                .setVersion(1))
                        .addFunctions(FunctionProto.newBuilder()
                                .setName("F")
                                .setDomain("com.example")
                                .addInput("a")
                                .addOutput("b")
                                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                                .addNode(node("Relu", "f", List.of("a"), List.of("b"))))
                        .build());
        return m;
    }

    /** Models whose weights live in {@code data.bin}: 6 floats, [1.5, -2, 4, 0.25, 8, -1]. */
    static Map<String, ModelProto> externalModels() {
        Map<String, ModelProto> m = new LinkedHashMap<>();
        TensorProto w = external("w", 0, 24).toBuilder().addDims(2).addDims(3).build();
        m.put(
                "external-initializer",
                TinyGraphs.model(GraphProto.newBuilder()
                        .setName("g")
                        .addInput(floatValue("x", -1, 3))
                        .addInitializer(w)
                        .addNode(node("Gemm", "fc", List.of("x", "w"), List.of("z"), intAttr("transB", 1)))
                        .addOutput(floatValue("z", -1, 2))
                        .build()));
        TensorProto values = external("", 8, 8).toBuilder().addDims(2).build();
        m.put(
                "external-sparse-constant",
                TinyGraphs.model(GraphProto.newBuilder()
                        .setName("g")
                        .addInput(floatValue("x", -1, 3))
                        .addNode(node(
                                "Constant",
                                "k",
                                List.of(),
                                List.of("c"),
                                AttributeProto.newBuilder()
                                        .setName("sparse_value")
                                        .setType(AttributeType.SPARSE_TENSOR)
                                        .setSparseTensor(SparseTensorProto.newBuilder()
                                                .setValues(values)
                                                .setIndices(TinyGraphs.longs("", 0, 2))
                                                .addDims(3))
                                        .build()))
                        .addNode(node("Add", "add", List.of("x", "c"), List.of("y")))
                        .addOutput(floatValue("y", -1, 3))
                        .build()));
        m.put(
                "external-constant",
                TinyGraphs.model(GraphProto.newBuilder()
                        .setName("g")
                        .addInput(floatValue("x", -1, 3))
                        .addNode(node(
                                "Constant",
                                "k",
                                List.of(),
                                List.of("c"),
                                AttributeProto.newBuilder()
                                        .setName("value")
                                        .setType(AttributeType.TENSOR)
                                        .setT(external("", 12, 12).toBuilder().addDims(3))
                                        .build()))
                        .addNode(node("Add", "add", List.of("x", "c"), List.of("y")))
                        .addOutput(floatValue("y", -1, 3))
                        .build()));
        return m;
    }

    private static TensorProto external(String name, long offset, long length) {
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(ElementType.FLOAT.code())
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "data.bin"))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(length)))
                .build();
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    private static AttributeProto graph(String name, GraphProto g) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.GRAPH)
                .setG(g)
                .build();
    }
}
