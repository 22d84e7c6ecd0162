package dev.onnxinspect.samples.cli;

import dev.onnxinspect.arrow.AuditTables;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.io.OutputPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Any ONNX model + datasets -> the statistics tables. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        footer = DataSpecs.SYNTAX,
        description = {
            "Run any ONNX model over one or more datasets and write the statistics tables: class-wise S1/S2"
                    + " activation frequencies and their histograms, layer summaries (sparsity, distinct patterns,"
                    + " perplexity), class-wise KL matrices and the per-sample scores of the detectors that need no"
                    + " fitting.",
            "Classes come from the labels where a dataset has them, else from the predictions"
                    + " (every table records which)."
        })
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model file.")
    Path model;

    @Option(
            names = "--data",
            paramLabel = "DATA",
            required = true,
            arity = "1..*",
            description = "Datasets: " + DataSpecs.HELP + ". The first one's labels (if any) give the classes.")
    List<String> data = new ArrayList<>();

    @Option(
            names = "--layers",
            split = ",",
            description = "Layers (tensor names) to inspect; default: every output but the logits, else every Relu.")
    List<String> layers = new ArrayList<>();

    @Option(
            names = "--out",
            defaultValue = "onnx-inspect-out/inspect",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    TensorOptions tensors;

    @Mixin
    RunOptions run;

    @Mixin
    StatsParameters stats;

    @Override
    public Integer call() throws Exception {
        OutputPaths.checkDirectory(out); // before the run, not after it
        try (DataSpecs specs = DataSpecs.forModel(model, dataOptions)) {
            Audit.Builder b = Audit.builder(model)
                    .id(specs.resolve(data.get(0)))
                    .layers(layers)
                    .batchSize(run.batchSize)
                    .session(run.session())
                    .nonFinite(dataOptions.nonFinite())
                    .progress(run.progress());
            tensors.apply(b);
            for (String d : data.subList(1, data.size())) {
                b.ood(specs.resolve(d));
            }
            AuditResult result = stats.apply(b).run();
            Map<String, Path> files = AuditTables.write(result, out, stats.writeOptions(), tables -> {});
            Summary.print(System.out, result, null, files);
        }
        return ExitCodes.OK;
    }
}
