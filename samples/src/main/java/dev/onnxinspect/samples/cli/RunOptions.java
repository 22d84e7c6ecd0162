package dev.onnxinspect.samples.cli;

import dev.onnxinspect.runtime.SessionConfig;
import picocli.CommandLine.Option;

/** Options shared by the commands that run a model: device, threads, batch size, progress. */
final class RunOptions {
    @Option(names = "--device", defaultValue = "auto",
            description = "auto (CUDA when it loads, else CPU), cuda or cpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0",
            description = "ONNX Runtime intra-op threads, 0 = its default (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--batch-size", defaultValue = "256",
            description = "Samples per ONNX Runtime call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    SessionConfig session() {
        return SessionConfig.builder().device(Options.device(device)).intraOpThreads(threads).build();
    }

    ConsoleProgress progress() {
        return new ConsoleProgress(quiet);
    }
}
