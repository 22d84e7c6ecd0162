package dev.onnxinspect.samples.service;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.guard.GuardOptions;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Example: embedding OOD detection in a Java service. Loads a model and its fitted guard and serves
 * {@code POST /predict} and {@code GET /health} ({@link OodServer}) until stopped (Ctrl-C).
 *
 * <pre>
 * OodService &lt;model.onnx&gt; &lt;guard-dir&gt; [port (default 8080)] [host (default 127.0.0.1)]
 * </pre>
 * When {@code guard-dir} holds no guard yet, one is fitted for a Fashion-MNIST classifier from the dataset cache
 * (fit on training samples 0..49,999, thresholds calibrated on the held-out training samples 50,000..59,999) and
 * saved there, so the next start only loads it.
 */
public final class OodService {
    private static final Logger LOG = LoggerFactory.getLogger(OodService.class);

    private OodService() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println(
                    "usage: OodService <model.onnx> <guard-dir> [port (default 8080)]" + " [host (default 127.0.0.1)]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        Path guardDir = Path.of(args[1]);
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 8080;
        String host = args.length > 3 ? args[3] : "127.0.0.1";
        OodGuard guard;
        OodServer server;
        try {
            guard = openGuard(model, guardDir);
            try {
                server = OodServer.start(guard, new InetSocketAddress(host, port), ServiceOptions.defaults());
            } catch (IOException | RuntimeException e) {
                guard.close();
                throw e;
            }
        } catch (OnnxInspectException | IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        // Ctrl-C / SIGTERM: stop accepting, finish requests in progress, then release the model
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try (guard) {
                                server.close();
                            }
                        },
                        "ood-service-stop"));
        System.out.println("serving " + model.getFileName() + " on http://" + host + ":" + server.port()
                + "  (POST /predict {\"input\": [" + guard.sampleSize() + " floats]}, GET /health; Ctrl-C stops)");
        new CountDownLatch(1).await();
    }

    /** Loads the guard saved in {@code dir}, or fits one on Fashion-MNIST and saves it there. */
    static OodGuard openGuard(Path model, Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("guard.properties"))) {
            LOG.info("loading the guard saved in {}", dir);
            return OodGuard.load(model, dir);
        }
        LOG.info("no guard in {} yet: fitting one on Fashion-MNIST (this takes a while once)", dir);
        InMemoryDataset train = FashionMnist.train().reshaped(sampleShape(model));
        OodGuard guard = OodGuard.fit(
                model,
                train.subset(0, 50_000).named("fashion-mnist-train[0,50000)"),
                GuardOptions.builder()
                        .calibration(train.subset(50_000, 60_000).named("fashion-mnist-train[50000,60000)"))
                        .build());
        try {
            guard.save(dir);
        } catch (IOException | RuntimeException e) {
            guard.close();
            throw e;
        }
        return guard;
    }

    /** The model input's shape without the batch dimension, e.g. [784] or [1, 28, 28]; [784] when not fixed. */
    private static int[] sampleShape(Path model) throws IOException {
        TensorShape shape = OnnxModel.load(model).describe().inputs().get(0).shape();
        List<Dim> dims = shape.rankKnown() ? shape.dims() : List.of();
        if (dims.size() < 2 || !dims.subList(1, dims.size()).stream().allMatch(d -> d instanceof Dim.Fixed)) {
            return new int[] {784};
        }
        return dims.subList(1, dims.size()).stream()
                .mapToInt(d -> Math.toIntExact(((Dim.Fixed) d).size()))
                .toArray();
    }
}
