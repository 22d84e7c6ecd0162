package dev.onnxinspect.samples.studies.perplexity;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxExporter;
import java.util.Arrays;
import java.util.List;

/**
 * One MLP of the study's grid: {@code depth} hidden ReLU layers of {@code width} units on 784 Fashion-MNIST pixels,
 * 10 classes.
 */
public record GridModel(int depth, int width) {
    public GridModel {
        if (depth < 1 || width < 1) {
            throw new OnnxInspectException(
                    "a grid model needs at least one hidden layer of at least one unit, got " + depth + " x " + width);
        }
    }

    /** The name of the model's cache directory and table rows, e.g. {@code d10-w100}. */
    public String id() {
        return "d" + depth + "-w" + width;
    }

    /** The architecture trained. */
    Mlp architecture() {
        int[] widths = new int[depth];
        Arrays.fill(widths, width);
        return Mlp.relu(784, 10, widths);
    }

    /**
     * The hidden activations inspected, layer 1 first ({@code dense<i>/relu}): the exported graph's outputs but the
     * logits.
     */
    List<String> layers() {
        List<String> names = OnnxExporter.outputNames(architecture(), ExportOptions.DEFAULTS);
        return names.stream().filter(n -> !n.equals(Architecture.LOGITS)).toList();
    }
}
