package dev.onnxinspect.samples.service;

import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.guard.GuardOptions;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.samples.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Example: embedding OOD detection in a Java service. Loads a model and its fitted guard and serves
 * {@code POST /predict} and {@code GET /health} ({@link OodServer}) until stopped (Ctrl-C): the command line's
 * {@code serve} command, whose options (the data of a guard to fit, its input mapping) every command shares.
 *
 * <pre>
 * OodService &lt;model.onnx&gt; &lt;guard-dir&gt; [port (default 8080)] [host (default 127.0.0.1)] [serve options]
 * </pre>
 * When {@code guard-dir} holds no guard yet, one is fitted for a Fashion-MNIST classifier from the dataset cache
 * (fit on training samples 0..49,999, thresholds calibrated on the held-out training samples 50,000..59,999) and
 * saved there, so the next start only loads it.
 */
public final class OodService {
    private static final Logger LOG = LoggerFactory.getLogger(OodService.class);

    private OodService() {}

    /** Runs {@code onnx-inspect serve} with these arguments (its options: {@code serve --help}). */
    public static void main(String[] args) {
        String[] serve = new String[args.length + 1];
        serve[0] = "serve";
        System.arraycopy(args, 0, serve, 1, args.length);
        System.exit(Main.run(serve));
    }

    /** Loads the guard saved in {@code dir}, or fits one on Fashion-MNIST and saves it there. */
    public static OodGuard openGuard(Path model, Path dir) throws IOException {
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
