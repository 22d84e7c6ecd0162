package dev.onnxinspect.samples.cli;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.arrow.ArrowWriteOptions;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.stats.NeuronView;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The SPEC parameters of the statistics (tau, eps, bins, alpha), the neuron views and memory budget of the audit's
 * memory rule, and the Arrow compression.
 */
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

    @Option(
            names = "--mask",
            description = "The model input holding the attention mask [N, T] of a sequence model:"
                    + " layers of unit shape [T, d] are then seen through their masked means (NeuronView.MASKED_MEAN).")
    String mask;

    @Option(
            names = "--view",
            split = ",",
            description = "The neuron view of a layer, LAYER=VIEW (flattened,"
                    + " channel_mean, channel_max, masked_mean); default: the memory rule's (see the README).")
    List<String> views = List.of();

    @Option(
            names = "--memory-budget",
            defaultValue = "512",
            description = "The memory budget B of the memory rule in"
                    + " MiB: what each kind of per-layer structure may take in all (default: ${DEFAULT-VALUE}).")
    long memoryBudgetMib;

    @Option(
            names = "--patterns",
            defaultValue = "auto",
            description = "SPEC §7 patterns: auto (the deepest layers"
                    + " that fit the budget), on or off (default: ${DEFAULT-VALUE}).")
    String patterns;

    Audit.Builder apply(Audit.Builder b) {
        for (Integer n : new Integer[] {nodeFitSamples, nodeEvalSamples}) {
            if (n != null && n < 0) {
                throw new OnnxInspectException(
                        "--node-fit-samples and --node-eval-samples take a sample count >= 0" + " (0 = off), got " + n);
            }
        }
        b.tau(tau)
                .eps(eps)
                .bins(bins)
                .alpha(alpha)
                .interactions(interactions)
                .nodeClassifiers(
                        nodeFitSamples == null ? Integer.MAX_VALUE : nodeFitSamples,
                        nodeEvalSamples == null ? Integer.MAX_VALUE : nodeEvalSamples)
                .memoryBudgetBytes(memoryBudgetMib << 20);
        if (mask != null) {
            b.mask(mask);
        }
        for (String v : views) {
            int eq = v.lastIndexOf('=');
            if (eq <= 0) {
                throw new OnnxInspectException("--view " + v + ": expected LAYER=VIEW, e.g. conv1/relu=channel_mean");
            }
            b.view(v.substring(0, eq), view(v.substring(eq + 1)));
        }
        switch (patterns.toLowerCase(Locale.ROOT)) {
            case "auto" -> {}
            case "on" -> b.patterns(true);
            case "off" -> b.patterns(false);
            default -> throw new OnnxInspectException("--patterns " + patterns + ": expected auto, on or off");
        }
        return b;
    }

    private static NeuronView view(String name) {
        try {
            return NeuronView.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new OnnxInspectException("unknown neuron view " + name + "; expected one of "
                    + Arrays.stream(NeuronView.values())
                            .map(x -> x.name().toLowerCase(Locale.ROOT))
                            .toList());
        }
    }

    /** The Arrow files' compression. */
    ArrowWriteOptions writeOptions() {
        return ArrowWriteOptions.builder()
                .compression(Options.compression(compression))
                .build();
    }
}
