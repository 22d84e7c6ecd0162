package dev.onnxinspect.onnx;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates models of the ONNX backend test data ({@code onnx-testdata}) in the dataset cache. */
final class BackendModels {
    private BackendModels() {}

    /**
     * {@code $ONNX_INSPECT_DATA/onnx-testdata/<test>} (default {@code ~/.cache/onnx-inspect/datasets}).
     *
     * @throws IllegalStateException telling how to fetch the data when it is missing
     */
    static Path dir(String test) {
        String env = System.getenv("ONNX_INSPECT_DATA");
        Path base = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "onnx-inspect", "datasets");
        Path dir = base.resolve("onnx-testdata").resolve(test);
        if (!Files.isRegularFile(dir.resolve("model.onnx"))) {
            throw new IllegalStateException("ONNX backend test model " + dir.resolve("model.onnx") + " not found; "
                    + "run scripts/fetch-data.sh onnx-testdata (or set ONNX_INSPECT_DATA to the datasets directory)");
        }
        return dir;
    }
}
