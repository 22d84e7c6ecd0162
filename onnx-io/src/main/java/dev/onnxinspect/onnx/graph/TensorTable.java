package dev.onnxinspect.onnx.graph;

import dev.onnxinspect.onnx.ClosestNames;
import dev.onnxinspect.onnx.ElementType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The builder's record of every tensor defined so far: its element type, and its shape when it is known
 * (initializers). Names are checked for uniqueness here; as every node is named after its single output, node
 * names are unique too.
 */
final class TensorTable {
    private final Map<String, ElementType> types = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    void define(String op, String name, ElementType type) {
        if (name == null || name.isBlank()) {
            throw new GraphBuildException(op + ": a tensor name must be non-blank, got '" + name + "'");
        }
        if (types.containsKey(name)) {
            throw new GraphBuildException(op + " '" + name + "': the name '" + name + "' is already used by another "
                    + "tensor; choose a unique name (e.g. 'block2/relu')");
        }
        types.put(name, type);
    }

    void defineShape(String name, long[] shape) {
        shapes.put(name, shape.clone());
    }

    /** The element type of a defined tensor; fails naming the op and the closest defined names otherwise. */
    ElementType typeOf(String op, String output, String input) {
        if (input == null) {
            throw new GraphBuildException(op + " '" + output + "': an input tensor name is null");
        }
        ElementType t = types.get(input);
        if (t == null) {
            throw new GraphBuildException(op + " '" + output + "': input '" + input + "' is not defined; define it "
                    + "first (graph input, initializer or an earlier node); closest defined names: "
                    + closest(input));
        }
        return t;
    }

    boolean isDefined(String name) {
        return types.containsKey(name);
    }

    /** The shape of a tensor whose shape is known (initializers); empty when it is not. */
    Optional<long[]> knownShape(String name) {
        return Optional.ofNullable(shapes.get(name)).map(long[]::clone);
    }

    private List<String> closest(String target) {
        return ClosestNames.closest(target, types.keySet(), 5);
    }
}
