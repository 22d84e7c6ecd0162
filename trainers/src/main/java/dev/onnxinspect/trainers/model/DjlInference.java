package dev.onnxinspect.trainers.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.Shapes;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a network with given parameters through DJL in inference mode and returns every top-level layer's output
 * as plain arrays; the reference the ONNX export is checked against. All native memory is created and closed
 * inside each call.
 */
public final class DjlInference {
    private DjlInference() {
    }

    /**
     * @param inputs  n samples, row-major, each of the architecture's input size
     * @return layer name -> outputs of shape [n, ...], row-major, in layer order (the last is the logits)
     */
    public static Map<String, float[]> forwardAll(Architecture architecture, ModelParameters parameters,
                                                  float[] inputs, int n) {
        int size = Shapes.size(architecture.inputShape());
        if (n < 1 || inputs.length != (long) n * size) {
            throw new TrainingException("expected " + n + " samples x " + size + " inputs, got " + inputs.length);
        }
        DjlEnvironment.ensureOffline();
        NetworkBlock network = ModelFactory.toDjlBlock(architecture);
        try (Model model = Model.newInstance(architecture.kind(), Device.cpu(), "PyTorch")) {
            model.setBlock(network);
            NDManager manager = model.getNDManager();
            network.setInitializer(ai.djl.training.initializer.Initializer.ZEROS, ai.djl.nn.Parameter.Type.WEIGHT);
            network.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, network.inputShape(n));
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
}
