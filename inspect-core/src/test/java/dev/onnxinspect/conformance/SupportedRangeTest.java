package dev.onnxinspect.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.onnxinspect.onnx.ModelFormatException;
import dev.onnxinspect.onnx.OnnxModel;
import org.junit.jupiter.api.Test;

/**
 * The IR versions and opsets onnx-io accepts are the ones ONNX Runtime accepts: a Relu model at each edge of the
 * documented range loads in both, one step beyond it is rejected by both.
 */
class SupportedRangeTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private static byte[] relu(long irVersion, long opset) {
        TypeProto floats = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))
                .build();
        GraphProto graph = GraphProto.newBuilder()
                .setName("g")
                .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y"))
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(floats))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(floats))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(irVersion)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static boolean ortLoads(byte[] model) {
        try (OrtSession s = ENV.createSession(model, new OrtSession.SessionOptions())) {
            return s.getNumOutputs() == 1;
        } catch (OrtException e) {
            return false;
        }
    }

    private static boolean onnxIoLoads(byte[] model) {
        try {
            return OnnxModel.fromBytes(model).proto() != null;
        } catch (ModelFormatException e) {
            return false;
        }
    }

    @Test
    void theEdgesOfTheSupportedRangeMatchOnnxRuntime() {
        long maxIr = OnnxModel.MAX_IR_VERSION;
        long maxOpset = OnnxModel.MAX_OPSET;
        for (byte[] inside : new byte[][] {relu(maxIr, 14), relu(8, maxOpset), relu(OnnxModel.MIN_IR_VERSION, 14)}) {
            assertThat(onnxIoLoads(inside)).isTrue();
            assertThat(ortLoads(inside)).isTrue();
        }
        for (byte[] beyond : new byte[][] {relu(maxIr + 1, 14), relu(8, maxOpset + 1)}) {
            assertThat(onnxIoLoads(beyond)).isFalse();
            assertThat(ortLoads(beyond)).isFalse();
        }
    }
}
