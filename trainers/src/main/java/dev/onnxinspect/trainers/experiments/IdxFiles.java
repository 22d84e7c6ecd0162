package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.train.TrainingData;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A minimal reader of gzipped IDX image/label files (Fashion-MNIST layout) for the runnable samples of this
 * module only; library code takes {@link TrainingData} from the shared dataset readers. Pixels are scaled to
 * [0, 1] by dividing by 255.
 */
final class IdxFiles {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxFiles() {
    }

    /** The data directory: $ONNX_INSPECT_DATA or ~/.cache/onnx-inspect/datasets. */
    static Path datasetRoot() {
        String env = System.getenv("ONNX_INSPECT_DATA");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "onnx-inspect",
                "datasets");
    }

    /** Fashion-MNIST "train" or "t10k" as [784] samples with 10 classes. */
    static TrainingData fashionMnist(String split) throws IOException {
        Path dir = datasetRoot().resolve("fashion-mnist");
        float[] x = images(dir.resolve(split + "-images-idx3-ubyte.gz"));
        int[] y = labels(dir.resolve(split + "-labels-idx1-ubyte.gz"));
        return new TrainingData(x, y, new int[] {784}, 10);
    }

    private static float[] images(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new TrainingException(file + ": not an IDX image file (magic " + Integer.toHexString(magic)
                        + ", expected 803); re-fetch the data with scripts/fetch-data.sh");
            }
            int n = in.readInt();
            int size = in.readInt() * in.readInt();
            byte[] raw = in.readNBytes(n * size);
            if (raw.length != n * size) {
                throw new TrainingException(file + ": truncated, expected " + n * size + " pixels");
            }
            float[] x = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                x[i] = (raw[i] & 0xFF) / 255f;
            }
            return x;
        }
    }

    private static int[] labels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new TrainingException(file + ": not an IDX label file (magic " + Integer.toHexString(magic)
                        + ", expected 801); re-fetch the data with scripts/fetch-data.sh");
            }
            int n = in.readInt();
            byte[] raw = in.readNBytes(n);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = raw[i] & 0xFF;
            }
            return y;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new TrainingException("missing " + file + "; fetch the data sets with scripts/fetch-data.sh");
        }
        InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(in);
    }
}
