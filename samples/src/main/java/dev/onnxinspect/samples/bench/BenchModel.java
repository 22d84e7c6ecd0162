package dev.onnxinspect.samples.bench;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.LeNet;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxExporter;
import dev.onnxinspect.trainers.model.Initialization;
import java.util.List;

/**
 * One benchmarked network: the instrumented export (logits plus every hidden activation as graph outputs) and the
 * original model (the same graph with the logits as its only output). The weights are Xavier-uniform initial
 * values: throughput does not depend on training.
 *
 * @param name         {@code mlp} or {@code cnn}
 * @param sampleShape  the input shape of one sample
 * @param original     the serialised model whose only output is the logits
 * @param instrumented the serialised model with every hidden layer exposed
 * @param hiddenLayers the exposed hidden layers, in model order
 */
record BenchModel(String name, int[] sampleShape, byte[] original, byte[] instrumented, List<String> hiddenLayers) {
    private static final long SEED = 1;

    /** The Fashion-MNIST MLP 784-256-128-10 (ReLU). */
    static BenchModel mlp() {
        return of("mlp", Mlp.relu(784, 10, 256, 128), new int[] {784});
    }

    /** The LeNet-like CNN on 1 x 28 x 28 inputs (ReLU). */
    static BenchModel cnn() {
        int[] shape = {1, 28, 28};
        return of("cnn", LeNet.relu(shape, 10), shape);
    }

    static BenchModel byName(String name) {
        return switch (name) {
            case "mlp" -> mlp();
            case "cnn" -> cnn();
            default -> throw new OnnxInspectException("unknown model " + name + "; expected mlp or cnn");
        };
    }

    private static BenchModel of(String name, Architecture arch, int[] sampleShape) {
        OnnxModel model = OnnxExporter.export(arch, Initialization.xavierUniform(arch, SEED), ExportOptions.DEFAULTS);
        List<String> outputs = OnnxExporter.outputNames(arch, ExportOptions.DEFAULTS);
        List<String> hidden =
                outputs.stream().filter(o -> !o.equals(Architecture.LOGITS)).toList();
        return new BenchModel(name, sampleShape, logitsOnly(model.proto()), model.toBytes(), hidden);
    }

    /** The model with every graph output but the logits removed. */
    private static byte[] logitsOnly(ModelProto proto) {
        GraphProto graph = proto.getGraph();
        ValueInfoProto logits = graph.getOutputList().stream()
                .filter(o -> o.getName().equals(Architecture.LOGITS))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the export has no logits output"));
        GraphProto stripped = graph.toBuilder().clearOutput().addOutput(logits).build();
        return proto.toBuilder().setGraph(stripped).build().toByteArray();
    }
}
