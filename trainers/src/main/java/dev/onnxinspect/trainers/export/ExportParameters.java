package dev.onnxinspect.trainers.export;

import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Shapes;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters of one export: hands each tensor to the graph as an initializer of the same name and checks, at
 * the end, that every given tensor belonged to the exported network. Lives only during one export.
 */
final class ExportParameters {
    private final String kind;
    private final ModelParameters parameters;
    private final GraphBuilder graph;
    private final List<String> used = new ArrayList<>();

    /** @param kind the network's kind name for messages, e.g. "mlp" */
    ExportParameters(String kind, ModelParameters parameters, GraphBuilder graph) {
        this.kind = kind;
        this.parameters = parameters;
        this.graph = graph;
    }

    /** The tensor {@code name}, marked as used. */
    ParameterTensor take(String name) {
        if (!parameters.contains(name)) {
            throw new TrainingException("the " + kind + " needs parameter " + name
                    + " but the given parameters do not have it; export parameters trained for this architecture");
        }
        used.add(name);
        return parameters.get(name);
    }

    /** The tensor {@code name} as an initializer of its own shape; returns the initializer's name. */
    String initializer(String name) {
        return initializer(take(name));
    }

    /** A taken tensor as an initializer of its own shape; returns the initializer's name. */
    String initializer(ParameterTensor t) {
        return graph.addInitializer(
                t.name(), t.values(), Arrays.stream(t.shape()).asLongStream().toArray());
    }

    /** Fails when a given tensor was not used by the export. */
    void requireAllUsed() {
        if (used.size() != parameters.tensors().size()) {
            List<String> unused = parameters.tensors().stream()
                    .map(ParameterTensor::name)
                    .filter(n -> !used.contains(n))
                    .toList();
            throw new TrainingException("parameters " + unused + " do not belong to the " + kind
                    + "; export the parameters of this architecture");
        }
    }

    static void requireShape(ParameterTensor t, int... expected) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw new TrainingException("parameter " + t.name() + " has shape " + Shapes.text(t.shape()) + ", expected "
                    + Shapes.text(expected));
        }
    }
}
