package dev.onnxinspect.data;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.onnxinspect.OnnxInspectException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing (Jazzer) of the readers of users' data files in inspect-core: NumPy {@code .npy} and
 * {@code .npz}, and image folders (PNG and JPEG through ImageIO and TwelveMonkeys). Each target writes the input as
 * a file, opens it as a {@link DataSpec} would for the command line and reads every batch. The invariant: the file
 * is read, or refused with an {@link OnnxInspectException} (a corrupt file is a {@link DatasetException} naming it);
 * never another exception (an {@link IOException} of a corrupt file included), never a hang ({@link Timeout}) and
 * never an {@link OutOfMemoryError} from a size the file declares (the fuzzing JVM has a 1 GiB heap, see
 * {@code scripts/fuzz.sh}).
 *
 * <p>{@code mvn verify} runs each target once per committed input under
 * {@code src/test/resources/dev/onnxinspect/data/DataFilesFuzzTestInputs/<target>/} (seeds and past crashes);
 * {@code scripts/fuzz.sh} fuzzes them.
 */
class DataFilesFuzzTest {
    private static final Path ROOT = createRoot();

    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory("onnx-inspect-data-fuzz");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }

    /** Reads every batch of {@code spec}; a refusal is an answer, anything else propagates and is a finding. */
    static void readAll(DataSpec spec) throws IOException {
        try (FileSource source = spec.open()) {
            Iterator<Batch> batches = source.batches(3);
            long rows = 0;
            while (batches.hasNext()) {
                rows += batches.next().size();
            }
            if (rows != source.size()) {
                throw new AssertionError("read " + rows + " rows of " + source.size());
            }
        } catch (OnnxInspectException refused) {
            // a one-line refusal is a valid answer
        }
    }

    /** Any bytes as an {@code .npy} file feeding one input. */
    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({"NUMPY", "'descr':", "'fortran_order':", "'shape':", "<f4", ">f8", "|u1", "|b1", "<i8"})
    void npy(byte[] data) throws IOException {
        Path file = Files.write(ROOT.resolve("x.npy"), data);
        readAll(DataSpec.builder().input(InputMapping.file("x", file)).build());
    }

    /** Any bytes as an {@code .npz} file feeding input x from array {@code x} and the labels from array {@code y}. */
    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({"PK", "x.npy", "y.npy", "NUMPY", "'descr':", "'shape':"})
    void npz(byte[] data) throws IOException {
        Path file = Files.write(ROOT.resolve("x.npz"), data);
        readAll(DataSpec.builder()
                .input(InputMapping.column("x", file, "x"))
                .labels(file, "y")
                .build());
    }

    /**
     * An image folder with one class holding the input as an image file: the first byte chooses the name ending
     * ({@code .png} or {@code .jpg}) and whether the image is resized to 8 x 8 (which runs the resampler) or taken
     * as it is.
     */
    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({"PNG", "IHDR", "IDAT", "IEND", "PLTE", "tRNS", "JFIF", "Exif", "Adobe"})
    void imageFolder(byte[] data) throws IOException {
        int choice = data.length == 0 ? 0 : data[0] & 0xff;
        byte[] image = data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);
        Path folder = ROOT.resolve("images");
        deleteTree(folder);
        Path file = folder.resolve("class_a").resolve((choice & 1) == 0 ? "x.png" : "x.jpg");
        Files.createDirectories(file.getParent());
        Files.write(file, image);
        ImagePreprocessing.Builder p = ImagePreprocessing.builder();
        if ((choice & 2) != 0) {
            p.resize(8, 8);
        }
        readAll(DataSpec.builder()
                .input(InputMapping.imageFolder("image", folder, p.build()))
                .build());
    }
}
