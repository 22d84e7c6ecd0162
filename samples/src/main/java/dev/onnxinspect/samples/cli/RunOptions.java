package dev.onnxinspect.samples.cli;

import dev.onnxinspect.runtime.SessionConfig;
import picocli.CommandLine.Option;

/** Options shared by the commands that run a model: device, threads, batch size, progress. */
final class RunOptions {
    @Option(
            names = "--device",
            defaultValue = "auto",
            description = "auto (CUDA when it loads, else CPU), cuda or cpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description = "ONNX Runtime intra-op threads, 0 = its default (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--batch-size",
            defaultValue = "auto",
            converter = BatchSizeConverter.class,
            description = "Samples per ONNX Runtime call, or auto: the largest power of two up to 256 whose"
                    + " activations fit in 2 MiB, 8 MiB with --blocked-channels (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--spin",
            description = "Let ONNX Runtime's idle threads spin-wait (its own default). Off by default:"
                    + " on few cores spinning threads take the cores the statistics need (3x slower MLP inspection measured on"
                    + " 2 cores).")
    boolean spin;

    @Option(
            names = "--blocked-channels",
            description = "On the CPU, hand the inspected convolution outputs over in ONNX Runtime's blocked channel"
                    + " layout instead of reordering them inside the model run: every statistic is identical at the same"
                    + " batch size (the automatic one is larger with this option), and"
                    + " the S1/S2 counts and patterns of a CNN are faster (measured: b/a 0.76-0.77 -> 0.92-0.94 on"
                    + " the LeNet-like CNN). Nodes as classifiers and detectors reorder each row in Java instead.")
    boolean blockedChannels;

    @Option(
            names = "--quiet",
            description = "No progress display and no informational lines: warnings, errors and the results only.")
    boolean quiet;

    SessionConfig session() {
        return SessionConfig.builder()
                .device(Options.device(device))
                .intraOpThreads(threads)
                .spinning(spin)
                .blockedChannels(blockedChannels)
                .build();
    }

    /** "auto" as 0 (the library's automatic batch size), else a positive number. */
    static final class BatchSizeConverter implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.equalsIgnoreCase("auto")) {
                return 0;
            }
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "'" + value + "' is not a batch size: use a" + " positive number or auto");
        }
    }

    ConsoleProgress progress() {
        return new ConsoleProgress(quiet);
    }
}
