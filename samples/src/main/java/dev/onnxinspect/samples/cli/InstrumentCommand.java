package dev.onnxinspect.samples.cli;

import dev.onnxinspect.io.OutputPaths;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Exposes intermediate tensors of any ONNX model as extra graph outputs (the library's hooks). */
@Command(
        name = "instrument",
        mixinStandardHelpOptions = true,
        description = {
            "Expose intermediate tensors of an ONNX model as extra graph outputs, so ONNX Runtime returns"
                    + " their activations. The original outputs stay first and unchanged; the added ones follow in"
                    + " topological order.",
            "Without a selector every Relu output is exposed."
        })
final class InstrumentCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model file.")
    Path model;

    @Option(
            names = {"-o", "--out"},
            required = true,
            description = "The instrumented model file to write.")
    Path out;

    @Option(names = "--name", description = "A tensor by exact name (repeatable).")
    List<String> names = new ArrayList<>();

    @Option(names = "--glob", description = "Tensors whose names match a glob, e.g. 'block*/relu' (repeatable).")
    List<String> globs = new ArrayList<>();

    @Option(names = "--regex", description = "Tensors whose names match a regular expression (repeatable).")
    List<String> regexes = new ArrayList<>();

    @Option(names = "--op-type", description = "The outputs of every node of an op type, e.g. Relu (repeatable).")
    List<String> opTypes = new ArrayList<>();

    @Option(names = "--produced-by", description = "The outputs of the named node (repeatable).")
    List<String> producers = new ArrayList<>();

    @Option(names = "--all", description = "Every intermediate tensor.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        OutputPaths.file(out);
        List<TensorSelector> selectors = new ArrayList<>();
        names.forEach(n -> selectors.add(TensorSelector.name(n)));
        globs.forEach(g -> selectors.add(TensorSelector.glob(g)));
        regexes.forEach(r -> selectors.add(TensorSelector.regex(r)));
        opTypes.forEach(t -> selectors.add(TensorSelector.opType(t)));
        producers.forEach(p -> selectors.add(TensorSelector.producedBy(p)));
        if (all) {
            selectors.add(TensorSelector.all());
        }
        if (selectors.isEmpty()) {
            selectors.add(TensorSelector.opType("Relu"));
        }
        InstrumentedModel result = OnnxModel.load(model).instrument(selectors);
        result.model().save(out);
        System.out.println("Wrote " + out.toAbsolutePath() + " with "
                + result.addedOutputs().size() + " added outputs (original outputs first: " + result.originalOutputs()
                + ")");
        result.addedOutputs().forEach(name -> System.out.println("  + " + name));
        return ExitCodes.OK;
    }
}
