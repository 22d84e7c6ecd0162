package dev.onnxinspect.trainers.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.Shapes;
import dev.onnxinspect.trainers.arch.TextClassifier;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a network with given parameters through DJL in inference mode and returns every top-level layer's output
 * as plain arrays; the reference the ONNX export is checked against. All native memory is created and closed
 * inside each call.
 */
public final class DjlInference {
    private DjlInference() {}

    /**
     * @param inputs  n samples, row-major, each of the architecture's input size
     * @return layer name -> outputs of shape [n, ...], row-major, in layer order (the last is the logits)
     */
    public static Map<String, float[]> forwardAll(
            Architecture architecture, ModelParameters parameters, float[] inputs, int n) {
        int size = Shapes.size(architecture.inputShape());
        if (n < 1 || inputs.length != (long) n * size) {
            throw new TrainingException("expected " + n + " samples x " + size + " inputs, got " + inputs.length);
        }
        DjlEnvironment.ensureOffline();
        NetworkBlock network = ModelFactory.toDjlBlock(architecture);
        try (Model model = Model.newInstance(architecture.kind(), Device.cpu(), "PyTorch")) {
            model.setBlock(network);
            NDManager manager = model.getNDManager();
            network.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
            network.initialize(manager, DataType.FLOAT32, network.inputShape(n));
            ParameterBridge.write(network, parameters);
            try (NDManager batch = manager.newSubManager()) {
                NDArray x = batch.create(FloatBuffer.wrap(inputs), network.inputShape(n));
                Map<String, NDArray> outputs = network.forwardAll(new ParameterStore(batch, false), x, false);
                Map<String, float[]> result = new LinkedHashMap<>();
                outputs.forEach((name, array) -> result.put(name, array.toFloatArray()));
                return result;
            }
        }
    }

    /**
     * Runs a text classifier on n sequences of T tokens.
     *
     * @param ids  n x T token ids in [0, vocabSize), row-major
     * @param mask n x T mask values (1 = token, 0 = padding), row-major
     * @return tensor name -> outputs, row-major, in the order of {@link TextClassifierBlock#forwardAll} (the
     *         embedding [n, T, d], the token layers [n, T, h], the pooled features, the head; the last is the logits)
     */
    public static Map<String, float[]> forwardAll(
            TextClassifier architecture, ModelParameters parameters, long[] ids, long[] mask, int n) {
        if (n < 1 || ids.length % n != 0 || ids.length == 0 || mask.length != ids.length) {
            throw new TrainingException("expected n = " + n + " sequences of T tokens: n x T ids and as many mask "
                    + "values, got " + ids.length + " ids and " + mask.length + " mask values");
        }
        long length = ids.length / n;
        DjlEnvironment.ensureOffline();
        TextClassifierBlock network = TextClassifierBlock.of(architecture);
        try (Model model = Model.newInstance(architecture.kind(), Device.cpu(), "PyTorch")) {
            model.setBlock(network);
            NDManager manager = model.getNDManager();
            network.initialize(manager, DataType.FLOAT32, network.inputShapes(n, length));
            ParameterBridge.write(network, parameters);
            try (NDManager batch = manager.newSubManager()) {
                NDArray x = batch.create(ids, new Shape(n, length));
                NDArray m = batch.create(mask, new Shape(n, length));
                Map<String, NDArray> outputs = network.forwardAll(new ParameterStore(batch, false), x, m, false);
                Map<String, float[]> result = new LinkedHashMap<>();
                outputs.forEach((name, array) -> result.put(name, array.toFloatArray()));
                return result;
            }
        }
    }
}
