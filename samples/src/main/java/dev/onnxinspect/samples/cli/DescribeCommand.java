package dev.onnxinspect.samples.cli;

import dev.onnxinspect.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Prints a model's inputs, outputs, nodes (layers) in topological order, initializers and opsets. */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        description = "List an ONNX model's inputs, outputs and layers (nodes in topological order with op types,"
                + " inputs, outputs and attributes), initializers, opset imports and producer.")
final class DescribeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model file.")
    Path model;

    @Override
    public Integer call() throws Exception {
        System.out.println(OnnxModel.load(model).describe().format());
        return ExitCodes.OK;
    }
}
