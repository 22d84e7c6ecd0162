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

    @Option(names = "--spin", description = "Let ONNX Runtime's idle threads spin-wait (its own default). Off by default:"
            + " on few cores spinning threads take the cores the statistics need (3x slower MLP inspection measured on"
            + " 2 cores).")
    boolean spin;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    SessionConfig session() {
        return SessionConfig.builder().device(Options.device(device)).intraOpThreads(threads).spinning(spin).build();
    }

    ConsoleProgress progress() {
        return new ConsoleProgress(quiet);
    }
}
