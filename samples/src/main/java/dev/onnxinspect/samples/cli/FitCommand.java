package dev.onnxinspect.samples.cli;

import dev.onnxinspect.guard.GuardOptions;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.io.OutputPaths;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Fits the OOD detectors and their thresholds for a model and saves them (an {@code OodGuard}). */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        footer = DataSpecs.SYNTAX,
        description = {
            "Fit every SPEC §5 detector on a labelled ID set, choose each detector's threshold so that the"
                    + " target share of held-out ID data is accepted (SPEC §6 fpr95_id convention), keep the"
                    + " calibration scores for conformal p-values (SPEC §6b; --false-alarm-rate decides by them), and"
                    + " save them in a directory tied to the model's SHA-256. 'score' uses the result."
        })
final class FitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model file.")
    Path model;

    @Option(
            names = "--data",
            paramLabel = "DATA",
            required = true,
            description = "The labelled ID fit set: " + DataSpecs.HELP + ".")
    String data;

    @Option(
            names = "--calibration",
            paramLabel = "DATA",
            description = "A labelled ID set held out for the thresholds (default: the fit"
                    + " set, optimistic for fitted detectors): " + DataSpecs.HELP + ".")
    String calibration;

    @Option(
            names = "--primary",
            defaultValue = "energy",
            description = "The detector whose threshold decides the OOD flag, any score column of the standard suite"
                    + " (e.g. knn, vim, gen, scale, msp_temperature; default: ${DEFAULT-VALUE}).")
    String primary;

    @Option(
            names = "--tpr",
            defaultValue = "0.95",
            description = "Share of ID samples accepted at the threshold (default: ${DEFAULT-VALUE}).")
    double tpr;

    @Option(
            names = {"-o", "--out"},
            required = true,
            description = "Directory to save the fitted detectors in.")
    Path out;

    @Mixin
    CalibrationOptions calibrationOptions;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    TensorOptions tensors;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        OutputPaths.checkDirectory(out); // before the fit, not after it
        try (DataSpecs specs = DataSpecs.forModel(model, dataOptions)) {
            GuardOptions.Builder options = GuardOptions.builder()
                    .primaryDetector(primary)
                    .targetTpr(tpr)
                    .batchSize(run.batchSize)
                    .nonFinite(dataOptions.nonFinite())
                    .session(run.session());
            tensors.apply(options);
            calibrationOptions.apply(options);
            if (calibration != null) {
                options.calibration(specs.resolve(calibration));
            }
            try (OodGuard guard = OodGuard.fit(model, specs.resolve(data), options.build())) {
                guard.save(out);
                System.out.printf(
                        Locale.ROOT,
                        "Fitted %d detectors for %s; thresholds at %.0f%% ID acceptance" + " (primary: %s):%n",
                        guard.detectorNames().size(),
                        model.getFileName(),
                        tpr * 100,
                        guard.primaryDetector());
                System.out.printf(
                        Locale.ROOT,
                        "p-values against %d calibration scores of %s (%s)%s%n",
                        guard.calibration().samples(),
                        guard.calibration().calibrationSet(),
                        guard.calibration().heldOut() ? "held out" : "the fit set itself: no guarantee",
                        guard.falseAlarmRate() == 0
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        "; decision: p <= %s (score > %.6g)",
                                        guard.falseAlarmRate(),
                                        guard.threshold()));
                guard.thresholds()
                        .values()
                        .forEach((name, t) -> System.out.printf(Locale.ROOT, "  %-34s %.6g%n", name, t));
                guard.skippedNonFinite()
                        .forEach((set, n) -> System.out.printf(
                                Locale.ROOT, "%s: %d samples skipped (NaN or infinite activations)%n", set, n));
                System.out.println("Saved in " + out.toAbsolutePath());
            }
        }
        return ExitCodes.OK;
    }
}
