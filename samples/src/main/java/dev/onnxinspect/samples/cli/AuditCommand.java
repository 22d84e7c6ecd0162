package dev.onnxinspect.samples.cli;

import dev.onnxinspect.arrow.AuditTables;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.io.OutputPaths;
import dev.onnxinspect.report.ReportAssembler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A saved model + an ID set + OOD sets -> detectors, metrics, every table and the report. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        footer = DataSpecs.SYNTAX,
        description = {
            "Audit a saved ONNX classifier: fit the OOD detectors of SPEC §5 on a labelled ID fit set,"
                    + " score an ID set and one or more OOD sets, compute the SPEC §6 metrics and the activation"
                    + " statistics, and write every Arrow table and the HTML report.",
            "Detectors that need the dense head W, b run only when the model has one (Gemm, MatMul + Add, or a 1x1"
                    + " Conv on global pooling, feeding the logits; --head names it); the others still run, and"
                    + " every detector left out is recorded with the reason."
        })
final class AuditCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model file.")
    Path model;

    @Option(
            names = "--id",
            paramLabel = "DATA",
            required = true,
            description = "The labelled ID evaluation set: " + DataSpecs.HELP + ".")
    String id;

    @Option(
            names = "--ood",
            paramLabel = "DATA",
            required = true,
            arity = "1..*",
            description =
                    "OOD sets (repeatable, or several after one --ood): " + DataSpecs.HELP + "; labels are not needed.")
    List<String> ood = new ArrayList<>();

    @Option(
            names = "--fit",
            paramLabel = "DATA",
            description = "The labelled ID fit set (never the evaluation set): " + DataSpecs.HELP
                    + ". Without it only the detectors that need no fitting run.")
    String fit;

    @Option(
            names = "--tune-on",
            arity = "2",
            paramLabel = "DATA",
            description = "Choose the detectors' hyperparameters (KNN k, ReAct/ASH/DICE percentiles, ODIN T, ViM D) by"
                    + " the largest AUROC of an ID validation set against an OOD validation set, given as two DATA"
                    + " arguments: --tune-on ID_VAL OOD_VAL (SPEC §6b; ties: the default, then the first in grid"
                    + " order). Refused when either overlaps --id or --ood (same data or an identical sample). The"
                    + " choice and every grid point's AUROC go to the run parameters and the report.")
    List<String> tuneOn = new ArrayList<>();

    @Option(
            names = "--layers",
            split = ",",
            description = "Layers (tensor names) to inspect; default: every output but the logits, else every Relu.")
    List<String> layers = new ArrayList<>();

    @Option(
            names = "--nac-depth",
            paramLabel = "N",
            defaultValue = "0",
            description = "NAC-UE also reads the N dense ReLU layers behind the features (score: the mean over the"
                    + " layers; default ${DEFAULT-VALUE}: the features alone). A convolution on the way is refused.")
    int nacDepth;

    @Option(names = "--class-names", split = ",", description = "Class names for the report, in class order.")
    List<String> classNames;

    @Option(
            names = "--out",
            defaultValue = "onnx-inspect-out/audit",
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
        // the outputs are checked before the run, not after it
        OutputPaths.checkDirectory(out);
        OutputPaths.checkDirectory(out.resolve("tables"));
        OutputPaths.file(out.resolve("report.html"));
        try (DataSpecs specs = DataSpecs.forModel(model, dataOptions)) {
            DataSource idSet = specs.resolve(id);
            if (!idSet.labelled()) {
                throw new DatasetException("the ID set " + id + " has no labels; audit needs a labelled ID set:"
                        + " add labels=FILE:COLUMN (or use inspect for unlabelled data)");
            }
            Audit.Builder b = Audit.builder(model)
                    .id(idSet)
                    .layers(layers)
                    .batchSize(run.batchSize)
                    .nacDepth(nacDepth)
                    .session(run.session())
                    .nonFinite(dataOptions.nonFinite())
                    .progress(run.progress());
            tensors.apply(b);
            if (fit != null) {
                DataSource fitSet = specs.resolve(fit);
                if (!fitSet.labelled()) {
                    throw new DatasetException("the fit set " + fit + " has no labels; the detectors are fitted on a"
                            + " labelled ID set: add labels=FILE:COLUMN to --fit");
                }
                b.fit(fitSet);
            }
            Map<String, DataSource> sources = new LinkedHashMap<>();
            sources.put(idSet.name(), idSet);
            for (String d : ood) {
                DataSource source = specs.resolve(d);
                sources.put(source.name(), source);
                b.ood(source);
            }
            if (!tuneOn.isEmpty()) {
                // Choice: two arguments rather than one "ID_VAL,OOD_VAL": DATA may itself hold commas
                b.tuneOn(specs.resolve(tuneOn.get(0)), specs.resolve(tuneOn.get(1)));
            }
            AuditResult result = stats.apply(b).run();
            Map<String, Path> files = new LinkedHashMap<>(
                    AuditTables.write(result, out.resolve("tables"), stats.writeOptions(), tables -> {}));
            files.put(
                    "report",
                    ReportAssembler.write(result, classNames, null, out.resolve("report.html"), sources::get));
            Summary.print(System.out, result, null, files);
        }
        return ExitCodes.OK;
    }
}
