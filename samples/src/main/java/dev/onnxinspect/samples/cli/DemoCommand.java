package dev.onnxinspect.samples.cli;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.arrow.AuditTables;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.data.MnistDigits;
import dev.onnxinspect.report.ReportAssembler;
import dev.onnxinspect.samples.demo.TrainingStep;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job: train an MLP (784-256-128-10, ReLU) on Fashion-MNIST with DJL, export it to ONNX with every hidden
 * activation exposed, fit the OOD detectors on training data, inspect the Fashion-MNIST test set (ID) and the MNIST
 * digits (OOD), and write every table, the manifest and the HTML report.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "The main job: train an MLP on Fashion-MNIST, export it to ONNX with its activations, inspect"
                    + " it with the MNIST digits as out-of-distribution data, and write every Arrow table and the"
                    + " HTML report.",
            "Datasets come from the cache (scripts/fetch-data.sh fetches them)."
        })
final class DemoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

    @Option(
            names = "--out",
            defaultValue = "onnx-inspect-out/demo",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", defaultValue = "2", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", description = "Training seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--fit-samples",
            defaultValue = "10000",
            description = "Training samples the detectors are fitted on (default: ${DEFAULT-VALUE}).")
    int fitSamples;

    @Option(
            names = "--train-samples",
            description = "Train on the first N Fashion-MNIST training samples" + " (default: all 60,000).")
    Integer trainSamples;

    @Option(names = "--test-samples", description = "Inspect the first N Fashion-MNIST test samples (default: all).")
    Integer testSamples;

    @Option(
            names = "--ood-samples",
            description = "Inspect the first N MNIST digits of the OOD set (default: all;"
                    + " the digits come ordered by digit).")
    Integer oodSamples;

    @Mixin
    RunOptions run;

    @Mixin
    StatsParameters stats;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        InMemoryDataset train = head(FashionMnist.train(), trainSamples);
        InMemoryDataset test = head(FashionMnist.test(), testSamples);
        InMemoryDataset digits = head(MnistDigits.load(), oodSamples);
        long t1 = System.nanoTime();
        TrainingStep.Result trained = TrainingStep.trainMlp(train, test, epochs, seed, out);
        long t2 = System.nanoTime();
        AuditResult result = stats.apply(Audit.builder(trained.modelFile())
                        .fit(train.subset(0, Math.min(fitSamples, (int) train.size()))
                                .named("fashion-mnist-train-fit"))
                        .id(test)
                        .ood(digits)
                        .batchSize(run.batchSize)
                        .session(run.session())
                        .parameters(trained.parameters())
                        .progress(run.progress()))
                .run();
        long t3 = System.nanoTime();
        Map<String, Path> files = new LinkedHashMap<>(AuditTables.write(
                result,
                out.resolve("tables"),
                stats.writeOptions(),
                tables -> TrainingStep.writeHistory(trained, tables)));
        Map<String, InMemoryDataset> sources = new LinkedHashMap<>();
        sources.put(test.name(), test);
        sources.put(digits.name(), digits);
        files.put(
                "report",
                ReportAssembler.write(
                        result,
                        FashionMnist.CLASS_NAMES,
                        TrainingStep.epochs(trained),
                        out.resolve("report.html"),
                        sources::get));
        long t4 = System.nanoTime();
        LOG.debug(
                "demo phases: datasets {} ms, training and export {} ms, audit (fit, inspection, detectors, node"
                        + " classifiers) {} ms, tables and report {} ms",
                ms(t1 - t0),
                ms(t2 - t1),
                ms(t3 - t2),
                ms(t4 - t3));
        files.put("model", trained.modelFile());
        Summary.print(System.out, result, trained, files);
        return ExitCodes.OK;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static InMemoryDataset head(InMemoryDataset d, Integer n) {
        if (n == null || n >= d.size()) {
            return d;
        }
        if (n <= 0) {
            throw new OnnxInspectException(
                    "--train-samples, --test-samples and --ood-samples take a positive" + " sample count, got " + n);
        }
        return d.subset(0, n).named(d.name() + ":" + n);
    }
}
