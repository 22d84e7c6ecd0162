package dev.onnxinspect.onnx;

import static dev.onnxinspect.onnx.TinyGraphs.floatValue;
import static dev.onnxinspect.onnx.TinyGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TrainingInfoProto;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13, part 1: every tensor of a model, wherever the ONNX schema lets one be (initializers, sparse initializers,
 * {@code Constant} values, any tensor-typed attribute, subgraphs of {@code If}/{@code Loop}/{@code Scan}, model-local
 * functions, training graphs), is read from external data the same way: only from inside the model's directory,
 * inlined at load, and refused where there is no directory (bytes, streams).
 */
class ExternalDataEverywhereTest {
    /** The data file: three float32 values at offset 0, then three int64 indices at offset 16. */
    private static final float[] VALUES = {1.5f, -2, 4};

    private static final long[] INDICES = {0, 1, 2};

    @TempDir
    Path root;

    private static byte[] dataFile() {
        ByteBuffer b = ByteBuffer.allocate(16 + 8 * INDICES.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : VALUES) {
            b.putFloat(v);
        }
        b.position(16);
        for (long i : INDICES) {
            b.putLong(i);
        }
        return b.array();
    }

    private static byte[] floatBytes() {
        return Arrays.copyOfRange(dataFile(), 0, 12);
    }

    private static byte[] indexBytes() {
        return Arrays.copyOfRange(dataFile(), 16, 40);
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    /** Three floats [3] kept in {@code location} at offset 0. */
    private static TensorProto externalFloats(String name, String location) {
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(ElementType.FLOAT.code())
                .addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", "0"))
                .addExternalData(entry("length", "12"))
                .build();
    }

    /** The indices {0, 1, 2} as int64 [3], kept in {@code location} at offset 16. */
    private static TensorProto externalIndices(String location) {
        return TensorProto.newBuilder()
                .setDataType(ElementType.INT64.code())
                .addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", "16"))
                .addExternalData(entry("length", "24"))
                .build();
    }

    private static TensorProto inlineFloats(String name) {
        return TinyGraphs.floats(name, VALUES, 3);
    }

    /** A sparse [3] tensor named {@code name} whose values (and, if asked, indices) are external. */
    private static SparseTensorProto sparse(String name, String location, boolean externalIndices) {
        return SparseTensorProto.newBuilder()
                .setValues(externalFloats(name, location))
                .setIndices(externalIndices ? externalIndices(location) : TinyGraphs.longs("", INDICES))
                .addDims(3)
                .build();
    }

    private static SparseTensorProto sparseWithExternalIndicesOnly(String name, String location) {
        return SparseTensorProto.newBuilder()
                .setValues(inlineFloats(name))
                .setIndices(externalIndices(location))
                .addDims(3)
                .build();
    }

    private static AttributeProto tensorAttr(String name, TensorProto t) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.TENSOR)
                .setT(t)
                .build();
    }

    private static AttributeProto sparseAttr(String name, SparseTensorProto s) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.SPARSE_TENSOR)
                .setSparseTensor(s)
                .build();
    }

    private static AttributeProto graphAttr(String name, GraphProto g) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.GRAPH)
                .setG(g)
                .build();
    }

    /** x [1, 3] -> (nodes computing c) -> y = x + c, with the given extra nodes, initializers and imports. */
    private static ModelProto addModel(Function<GraphProto.Builder, GraphProto.Builder> c) {
        GraphProto.Builder g = GraphProto.newBuilder()
                .setName("g")
                .addInput(floatValue("x", 1, 3))
                .addNode(node("Add", "add", List.of("x", "c"), List.of("y")))
                .addOutput(floatValue("y", 1, 3));
        return TinyGraphs.model(c.apply(g).build()).toBuilder()
                .addOpsetImport(
                        OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(1))
                .build();
    }

    private static NodeProto constant(String output, AttributeProto value) {
        return node("Constant", "const", List.of(), List.of(output), value);
    }

    /** A branch (no inputs) whose output {@code out} is the initializer {@code init} passed through Identity. */
    private static GraphProto branch(String out, TensorProto init) {
        return GraphProto.newBuilder()
                .setName(out + "_graph")
                .addInitializer(init)
                .addNode(node("Identity", out + "_id", List.of(init.getName()), List.of(out)))
                .addOutput(floatValue(out, 3))
                .build();
    }

    /** Every place a tensor can be; {@code location} is where its external data is said to be. */
    static Stream<Arguments> locations() {
        Map<String, Function<String, ModelProto>> cases = new LinkedHashMap<>();
        cases.put("initializer", loc -> addModel(g -> g.addInitializer(externalFloats("c", loc))));
        cases.put("sparse initializer values", loc -> addModel(g -> g.addSparseInitializer(sparse("c", loc, false))));
        cases.put(
                "sparse initializer indices",
                loc -> addModel(g -> g.addSparseInitializer(sparseWithExternalIndicesOnly("c", loc))));
        cases.put(
                "Constant value",
                loc -> addModel(g -> g.addNode(constant("c", tensorAttr("value", externalFloats("", loc))))));
        cases.put(
                "Constant sparse_value",
                loc -> addModel(g -> g.addNode(constant("c", sparseAttr("sparse_value", sparse("", loc, true))))));
        cases.put(
                "tensor attribute of another op",
                loc -> addModel(g -> g.addNode(node(
                                "Custom",
                                "custom",
                                List.of("x"),
                                List.of("c"),
                                tensorAttr("table", externalFloats("", loc)))
                        .toBuilder()
                        .setDomain("com.example"))));
        cases.put(
                "tensors attribute",
                loc -> addModel(g -> g.addNode(node(
                                "Custom",
                                "custom",
                                List.of("x"),
                                List.of("c"),
                                AttributeProto.newBuilder()
                                        .setName("tables")
                                        .setType(AttributeType.TENSORS)
                                        .addTensors(inlineFloats(""))
                                        .addTensors(externalFloats("", loc))
                                        .build())
                        .toBuilder()
                        .setDomain("com.example"))));
        cases.put(
                "sparse_tensors attribute",
                loc -> addModel(g -> g.addNode(node(
                                "Custom",
                                "custom",
                                List.of("x"),
                                List.of("c"),
                                AttributeProto.newBuilder()
                                        .setName("tables")
                                        .setType(AttributeType.SPARSE_TENSORS)
                                        .addSparseTensors(sparse("", loc, true))
                                        .build())
                        .toBuilder()
                        .setDomain("com.example"))));
        cases.put(
                "If branch initializer",
                loc -> addModel(g -> g.addInitializer(TensorProto.newBuilder()
                                .setName("cond")
                                .setDataType(ElementType.BOOL.code())
                                .addInt32Data(1))
                        .addNode(node(
                                "If",
                                "if",
                                List.of("cond"),
                                List.of("c"),
                                graphAttr("then_branch", branch("t", externalFloats("tk", loc))),
                                graphAttr("else_branch", branch("e", inlineFloats("ek")))))));
        cases.put(
                "Constant in an If branch",
                loc -> addModel(g -> g.addInitializer(TensorProto.newBuilder()
                                .setName("cond")
                                .setDataType(ElementType.BOOL.code())
                                .addInt32Data(1))
                        .addNode(node(
                                "If",
                                "if",
                                List.of("cond"),
                                List.of("c"),
                                graphAttr("then_branch", branch("t", inlineFloats("tk"))),
                                graphAttr(
                                        "else_branch",
                                        GraphProto.newBuilder()
                                                .setName("else")
                                                .addNode(constant("e", tensorAttr("value", externalFloats("", loc))))
                                                .addOutput(floatValue("e", 3))
                                                .build())))));
        cases.put(
                "graphs attribute",
                loc -> addModel(g -> g.addNode(node(
                                "Custom",
                                "custom",
                                List.of("x"),
                                List.of("c"),
                                AttributeProto.newBuilder()
                                        .setName("bodies")
                                        .setType(AttributeType.GRAPHS)
                                        .addGraphs(branch("t", inlineFloats("tk")))
                                        .addGraphs(branch("u", externalFloats("uk", loc)))
                                        .build())
                        .toBuilder()
                        .setDomain("com.example"))));
        cases.put(
                "model-local function",
                loc -> addModel(g -> g.addNode(node("F", "call", List.of("x"), List.of("c")).toBuilder()
                                .setDomain("com.example")))
                        .toBuilder()
                        .addFunctions(FunctionProto.newBuilder()
                                .setName("F")
                                .setDomain("com.example")
                                .addInput("a")
                                .addOutput("b")
                                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                                .addNode(constant("k", tensorAttr("value", externalFloats("", loc))))
                                .addNode(node("Add", "fadd", List.of("a", "k"), List.of("b"))))
                        .build());
        cases.put(
                "function attribute default",
                loc -> addModel(g -> g.addNode(node("F", "call", List.of("x"), List.of("c")).toBuilder()
                                .setDomain("com.example")))
                        .toBuilder()
                        .addFunctions(FunctionProto.newBuilder()
                                .setName("F")
                                .setDomain("com.example")
                                .addInput("a")
                                .addOutput("b")
                                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                                .addAttributeProto(tensorAttr("k", externalFloats("", loc)))
                                .addNode(node("Identity", "fid", List.of("a"), List.of("b"))))
                        .build());
        cases.put(
                "training graph",
                loc -> addModel(g -> g.addInitializer(inlineFloats("c"))).toBuilder()
                        .addTrainingInfo(TrainingInfoProto.newBuilder()
                                .setInitialization(GraphProto.newBuilder()
                                        .setName("init")
                                        .addInitializer(externalFloats("seed", loc))
                                        .addOutput(floatValue("seed", 3))))
                        .build());
        return cases.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    private Path write(Path dir, ModelProto model) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve("model.onnx"), model.toByteArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locations")
    void externalDataIsInlinedFromTheModelsDirectory(String where, Function<String, ModelProto> model)
            throws IOException {
        Path dir = root.resolve("m");
        Files.createDirectories(dir);
        Files.write(dir.resolve("data.bin"), dataFile());

        OnnxModel loaded = OnnxModel.load(write(dir, model.apply("data.bin")));

        List<TensorProto> tensors = allTensors(loaded.proto());
        assertThat(tensors).as(where).noneMatch(ExternalData::isExternal);
        assertThat(tensors)
                .as(where + ": the data file's bytes are in the model")
                .anySatisfy(t -> assertThat(t.getRawData().toByteArray()).isIn(floatBytes(), indexBytes()));
        // self-contained: the serialized model loads without a directory
        assertThat(allTensors(OnnxModel.fromBytes(loaded.toBytes()).proto())).noneMatch(ExternalData::isExternal);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locations")
    void externalDataOutsideTheModelsDirectoryIsRefused(String where, Function<String, ModelProto> model)
            throws IOException {
        Files.write(root.resolve("data.bin"), dataFile());
        Path file = write(root.resolve("m"), model.apply("../data.bin"));
        assertThatThrownBy(() -> OnnxModel.load(file))
                .as(where)
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.onnx")
                .hasMessageContaining("'../data.bin' points outside the model's directory")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locations")
    void bytesWithExternalDataAnywhereAreRefused(String where, Function<String, ModelProto> model) {
        byte[] bytes = model.apply("data.bin").toByteArray();
        assertThatThrownBy(() -> OnnxModel.fromBytes(bytes))
                .as(where)
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("external data")
                .hasMessageContaining("OnnxModel.load(Path)");
    }

    /**
     * The attack of issue 13: a Constant's sparse_value keeps its data in a file named relative to the process's
     * working directory. Without a model directory the model is refused; loaded from a directory, the file is looked
     * up there only, never in the working directory.
     */
    @Test
    void aSparseConstantCannotReadAFileNextToTheWorkingDirectory() throws IOException {
        String location = "target/issue13-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".bin";
        Path besideUser = Path.of(location); // relative: the working directory's file
        ModelProto attack =
                addModel(g -> g.addNode(constant("c", sparseAttr("sparse_value", sparse("", location, false)))));
        Files.createDirectories(besideUser.getParent());
        Files.write(besideUser, dataFile());
        try {
            assertThatThrownBy(() -> OnnxModel.fromBytes(attack.toByteArray()))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("Constant 'const' attribute 'sparse_value'")
                    .hasMessageContaining("external data");

            Path dir = root.resolve("model-dir");
            Path file = write(dir, attack);
            assertThatThrownBy(() -> OnnxModel.load(file))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("'" + location + "' not found in " + dir.toAbsolutePath())
                    .hasFieldOrPropertyWithValue("kind", Kind.IO);

            // the same name inside the model's directory, with other values: those are the ones read
            ByteBuffer other = ByteBuffer.wrap(dataFile()).order(ByteOrder.LITTLE_ENDIAN);
            other.putFloat(0, 7).putFloat(4, 8).putFloat(8, 9);
            Files.createDirectories(dir.resolve(location).getParent());
            Files.write(dir.resolve(location), other.array());
            assertThat(OnnxModel.load(file).initializer("c").values()).containsExactly(7, 8, 9);
        } finally {
            Files.deleteIfExists(besideUser);
        }
    }

    /** Every TensorProto in a message tree, found through the protobuf descriptors (independent of the library). */
    static List<TensorProto> allTensors(Message message) {
        List<TensorProto> out = new ArrayList<>();
        collect(message, out);
        return out;
    }

    private static void collect(Message m, List<TensorProto> out) {
        if (m instanceof TensorProto t) {
            out.add(t);
        }
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            if (e.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (e.getKey().isRepeated()) {
                for (Object o : (List<?>) e.getValue()) {
                    collect((Message) o, out);
                }
            } else {
                collect((Message) e.getValue(), out);
            }
        }
    }
}
