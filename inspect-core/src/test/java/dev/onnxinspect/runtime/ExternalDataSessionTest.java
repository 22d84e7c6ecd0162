package dev.onnxinspect.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.OnnxModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack of issue 13 end to end, with ONNX Runtime: a {@code Constant} whose {@code sparse_value} keeps its
 * values in external data names a file relative to the working directory. ONNX Runtime, given the bytes, resolves that
 * name against the process's working directory and reads the file into the weights. A model loaded by onnx-io reaches
 * the runtime with the data read from the model's own directory, and bytes that still point at external data are
 * refused before the runtime sees them.
 */
class ExternalDataSessionTest {
    private static final SessionConfig CPU = SessionConfig.defaults();

    @TempDir
    Path dir;

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static ValueInfoProto floatValue(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(ElementType.FLOAT.code())
                                .setShape(shape)))
                .build();
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    /** y = x + c, x [1, 3], c a Constant whose sparse_value [3] keeps its 3 values in {@code location}. */
    private static ModelProto attack(String location) {
        TensorProto values = TensorProto.newBuilder()
                .setDataType(ElementType.FLOAT.code())
                .addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", "0"))
                .addExternalData(entry("length", "12"))
                .build();
        TensorProto indices = TensorProto.newBuilder()
                .setDataType(ElementType.INT64.code())
                .addDims(3)
                .addInt64Data(0)
                .addInt64Data(1)
                .addInt64Data(2)
                .build();
        NodeProto constant = NodeProto.newBuilder()
                .setOpType("Constant")
                .setName("bias")
                .addOutput("c")
                .addAttribute(AttributeProto.newBuilder()
                        .setName("sparse_value")
                        .setType(AttributeProto.AttributeType.SPARSE_TENSOR)
                        .setSparseTensor(SparseTensorProto.newBuilder()
                                .setValues(values)
                                .setIndices(indices)
                                .addDims(3)))
                .build();
        GraphProto g = GraphProto.newBuilder()
                .setName("g")
                .addInput(floatValue("x", 1, 3))
                .addNode(constant)
                .addNode(NodeProto.newBuilder()
                        .setOpType("Add")
                        .setName("add")
                        .addInput("x")
                        .addInput("c")
                        .addOutput("y"))
                .addOutput(floatValue("y", 1, 3))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(g)
                .build();
    }

    /** y = x + c, x [1, 3], c a sparse initializer [3] whose 2 values (at 0 and 2) are kept in {@code location}. */
    private static ModelProto sparseInitializer(String location) {
        ModelProto m = attack(location);
        TensorProto values = m.getGraph().getNode(0).getAttribute(0).getSparseTensor().getValues().toBuilder()
                .setName("c")
                .setDims(0, 2)
                .setExternalData(2, entry("length", "8"))
                .build();
        GraphProto g = m.getGraph().toBuilder()
                .removeNode(0)
                .addSparseInitializer(SparseTensorProto.newBuilder()
                        .setValues(values)
                        .setIndices(TensorProto.newBuilder()
                                .setDataType(ElementType.INT64.code())
                                .addDims(2)
                                .addInt64Data(0)
                                .addInt64Data(2))
                        .addDims(3))
                .build();
        return m.toBuilder().setGraph(g).build();
    }

    private static float[] run(byte[] model) {
        try (InferenceSession session = InferenceSession.open(model, CPU)) {
            TypedTensor x = new TypedTensor("x", ElementType.FLOAT, new long[] {1, 3}, new float[] {1, 2, 3});
            return session.runTensors(List.of(x), List.of("y")).get("y").toFloats();
        }
    }

    @Test
    void theRuntimeGetsTheValuesFromTheModelsDirectoryNeverFromTheWorkingDirectory() throws IOException {
        String location = "target/issue13-session-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".bin";
        Path besideUser = Path.of(location); // relative: a file in the test's working directory
        Files.createDirectories(besideUser.getParent());
        Files.write(besideUser, floats(100, 200, 300));
        try {
            ModelProto model = attack(location);
            Files.createDirectories(dir.resolve(location).getParent());
            Files.write(dir.resolve(location), floats(7, 8, 9));
            Path file = Files.write(dir.resolve("model.onnx"), model.toByteArray());

            // x + c with c = [7, 8, 9] from the model's directory; [101, 202, 303] would be the working directory's
            assertThat(run(OnnxModel.load(file).toBytes())).containsExactly(8, 10, 12);
            assertThatThrownBy(() -> run(model.toByteArray()))
                    .isInstanceOf(OnnxInspectException.class)
                    .hasMessageContaining("external data")
                    .hasMessageContaining("OnnxModel.load(Path)");
        } finally {
            Files.deleteIfExists(besideUser);
        }
    }

    @Test
    void aSparseInitializerWithExternalValuesRunsWithTheValuesFromTheModelsDirectory() throws IOException {
        Files.write(dir.resolve("values.bin"), floats(7, 9));
        Path file = Files.write(
                dir.resolve("model.onnx"), sparseInitializer("values.bin").toByteArray());
        // c = [7, 0, 9]: x + c = [8, 2, 12]
        assertThat(run(OnnxModel.load(file).toBytes())).containsExactly(8, 2, 12);
    }
}
