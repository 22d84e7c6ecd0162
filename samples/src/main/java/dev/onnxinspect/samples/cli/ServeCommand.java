package dev.onnxinspect.samples.cli;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.guard.GuardInput;
import dev.onnxinspect.guard.GuardOptions;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.samples.service.OodServer;
import dev.onnxinspect.samples.service.OodService;
import dev.onnxinspect.samples.service.ServiceOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Starts the HTTP example service (samples' {@link OodServer}) for a model and its guard, fitting the guard once. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        footer = DataSpecs.SYNTAX,
        description = {
            "Serve POST /predict and GET /health for a model with OOD detection (the HTTP example of the"
                    + " samples). Loads the guard saved in GUARD_DIR; without one, fits it on --data (calibrated on"
                    + " --calibration) and saves it there first; without --data on Fashion-MNIST (training samples"
                    + " 0..49,999, calibrated on 50,000..59,999).",
            "Requests: {\"input\": [floats]} for a model of one input, {\"inputs\": {\"input_ids\": [...],"
                    + " \"attention_mask\": [...]}} for named inputs (a free dimension, e.g. the sequence length,"
                    + " from the array's length), or a list of either under \"inputs\" for a batch."
        })
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model file.")
    Path model;

    @Parameters(index = "1", paramLabel = "GUARD_DIR", description = "The guard's directory (written by 'fit').")
    Path guardDir;

    @Parameters(
            index = "2",
            arity = "0..1",
            paramLabel = "PORT",
            defaultValue = "8080",
            description = "The port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Parameters(
            index = "3",
            arity = "0..1",
            paramLabel = "HOST",
            defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--data",
            paramLabel = "DATA",
            description = "The labelled ID fit set when GUARD_DIR holds no guard yet: " + DataSpecs.HELP + ".")
    String data;

    @Option(
            names = "--calibration",
            paramLabel = "DATA",
            description = "A labelled ID set held out for the thresholds: " + DataSpecs.HELP + ".")
    String calibration;

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "Threads that parse and score requests (default: the number of processors).")
    Integer workers;

    @Option(
            names = "--queue",
            paramLabel = "N",
            defaultValue = "64",
            description =
                    "Requests that may wait for a worker; beyond, 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            defaultValue = "256",
            description = "Open connections at most; beyond, new ones wait to be accepted (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--header-timeout",
            paramLabel = "S",
            defaultValue = "10",
            description = "Seconds a connection may take to send a request's headers, from its opening or its previous"
                    + " answer; then it is closed (default: ${DEFAULT-VALUE}).")
    double headerTimeout;

    @Option(
            names = "--body-timeout",
            paramLabel = "S",
            defaultValue = "30",
            description = "Seconds a request's body may take after its headers; then 408 (default: ${DEFAULT-VALUE}).")
    double bodyTimeout;

    @Option(
            names = "--idle-timeout",
            paramLabel = "S",
            defaultValue = "30",
            description = "Seconds a connection may stay silent mid-request; then 408 (default: ${DEFAULT-VALUE}).")
    double idleTimeout;

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
        ServiceOptions.Builder limits = ServiceOptions.builder()
                .queue(queue)
                .maxConnections(maxConnections)
                .headerTimeout(seconds("--header-timeout", headerTimeout))
                .bodyTimeout(seconds("--body-timeout", bodyTimeout))
                .idleTimeout(seconds("--idle-timeout", idleTimeout));
        if (workers != null) {
            limits.threads(workers);
        }
        ServiceOptions options = limits.build(); // checked before the guard is loaded or fitted
        try (OodGuard guard = openGuard();
                OodServer server = OodServer.start(guard, new InetSocketAddress(host, port), options)) {
            StringBuilder inputs = new StringBuilder();
            for (GuardInput in : guard.inputs()) {
                inputs.append(inputs.length() == 0 ? "" : ", ")
                        .append('"')
                        .append(in.name())
                        .append("\": ")
                        .append(in.type())
                        .append(' ')
                        .append(Arrays.toString(in.sampleShape()));
            }
            System.out.println("serving " + model.getFileName() + " on http://" + host + ":" + server.port()
                    + "  (POST /predict {\"inputs\": {" + inputs + "}}"
                    + (guard.inputs().size() == 1 ? " or {\"input\": [...]}" : "") + ", GET /health; Ctrl-C stops)");
            CountDownLatch stop = new CountDownLatch(1);
            // Ctrl-C / SIGTERM: the try block closes the server (finishing requests in progress), then the guard
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "ood-service-stop"));
            stop.await();
        }
        return ExitCodes.OK;
    }

    private static Duration seconds(String option, double value) {
        if (!(value >= 0.001 && value <= 86_400)) {
            throw new OnnxInspectException(option + " " + value
                    + " is out of range; give seconds from 0.001 to 86400, e.g. " + option + " 10");
        }
        return Duration.ofNanos(Math.round(value * 1e9));
    }

    private OodGuard openGuard() throws IOException {
        if (Files.isRegularFile(guardDir.resolve("guard.properties")) || data == null) {
            if (calibrationOptions.falseAlarmRate != 0 || calibrationOptions.holdoutEvery != 0) {
                System.err.println("note: --false-alarm-rate and --holdout-every apply when a guard is fitted; the"
                        + " guard in " + guardDir + " (or the Fashion-MNIST one) keeps what it was saved with");
            }
            return OodService.openGuard(model, guardDir);
        }
        try (DataSpecs specs = DataSpecs.forModel(model, dataOptions)) {
            GuardOptions.Builder options = GuardOptions.builder()
                    .batchSize(run.batchSize)
                    .nonFinite(dataOptions.nonFinite())
                    .session(run.session());
            tensors.apply(options);
            calibrationOptions.apply(options);
            if (calibration != null) {
                options.calibration(specs.resolve(calibration));
            }
            OodGuard guard = OodGuard.fit(model, specs.resolve(data), options.build());
            try {
                guard.save(guardDir);
            } catch (IOException | RuntimeException e) {
                guard.close();
                throw e;
            }
            return guard;
        }
    }
}
