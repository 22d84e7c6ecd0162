package dev.onnxinspect.report;

import java.util.Arrays;
import java.util.List;

/**
 * One row of the model's layer table.
 *
 * @param name   the layer (tensor or node) name as the model spells it; escaped when shown
 * @param opType the ONNX operator type, e.g. {@code Relu}, {@code Gemm}
 * @param shape  the output shape, one entry per dimension as displayed ("N", "64"); may be empty (unknown)
 */
public record LayerInfo(String name, String opType, List<String> shape) {
    public LayerInfo {
        Require.text(name, "LayerInfo.name");
        Require.text(opType, "LayerInfo.opType of layer '" + name + "'");
        if (shape == null) {
            throw new ReportException(
                    "LayerInfo.shape of layer '" + name + "' must not be null; pass List.of() when unknown");
        }
        shape = List.copyOf(shape);
    }

    /** A layer whose dimensions are numbers; a negative dimension (dynamic, e.g. the batch) is shown as "?". */
    public static LayerInfo of(String name, String opType, long... dims) {
        return new LayerInfo(
                name,
                opType,
                Arrays.stream(dims)
                        .mapToObj(d -> d < 0 ? "?" : Long.toString(d))
                        .toList());
    }

    /** The shape as shown in the table, e.g. {@code [?, 64]}. */
    public String shapeText() {
        return "[" + String.join(", ", shape) + "]";
    }
}
