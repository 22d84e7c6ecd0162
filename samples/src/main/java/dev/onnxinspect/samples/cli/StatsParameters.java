package dev.onnxinspect.samples.cli;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.audit.Audit;
import picocli.CommandLine.Option;

/** The SPEC parameters of the statistics (tau, eps, bins, alpha) and the Arrow compression. */
final class StatsParameters {
    @Option(names = "--tau", defaultValue = "0", description = "S1 threshold tau, SPEC §1 (default: ${DEFAULT-VALUE}).")
    double tau;

    @Option(names = "--eps", defaultValue = "1000", description = "S2 ratio eps, SPEC §1 (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(
            names = "--bins",
            defaultValue = "100",
            description = "Frequency histogram bins, SPEC §2 (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(
            names = "--alpha",
            defaultValue = "1e-6",
            description = "KL smoothing alpha, SPEC §4 (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(
            names = "--compression",
            defaultValue = "none",
            description = "Arrow compression: none, lz4 or zstd (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(
            names = "--no-interactions",
            negatable = true,
            defaultValue = "true",
            description = "Count the SPEC §3 weight-neuron interactions of the dense layers reading an inspected"
                    + " layer (default: on).")
    boolean interactions;

    @Option(
            names = "--node-fit-samples",
            description = "SPEC §8 nodes as classifiers: fit on the first N samples of"
                    + " the fit set, 0 = off (default: the whole fit set).")
    Integer nodeFitSamples;

    @Option(
            names = "--node-eval-samples",
            description = "SPEC §8 nodes as classifiers: evaluate on the first N ID"
                    + " samples (default: the whole ID set).")
    Integer nodeEvalSamples;

    Audit.Builder apply(Audit.Builder b) {
        for (Integer n : new Integer[] {nodeFitSamples, nodeEvalSamples}) {
            if (n != null && n < 0) {
                throw new OnnxInspectException(
                        "--node-fit-samples and --node-eval-samples take a sample count >= 0" + " (0 = off), got " + n);
            }
        }
        return b.tau(tau)
                .eps(eps)
                .bins(bins)
                .alpha(alpha)
                .interactions(interactions)
                .nodeClassifiers(
                        nodeFitSamples == null ? Integer.MAX_VALUE : nodeFitSamples,
                        nodeEvalSamples == null ? Integer.MAX_VALUE : nodeEvalSamples);
    }

    /** The Arrow files' compression. */
    ArrowWriteOptions writeOptions() {
        return ArrowWriteOptions.builder()
                .compression(Options.compression(compression))
                .build();
    }
}
