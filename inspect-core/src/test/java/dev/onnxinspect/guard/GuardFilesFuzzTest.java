package dev.onnxinspect.guard;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.io.Sha256;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.onnx.ValueKind;
import dev.onnxinspect.ood.DetectorFiles;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.EnergyDetector;
import dev.onnxinspect.ood.MaxSoftmaxDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing (Jazzer) of guard loading: the saved detectors ({@code detectors.bin}, {@link
 * DetectorFiles}) and the guard's properties ({@code guard.properties}, {@link GuardFiles}), the files
 * {@code OodGuard.load} reads before it opens the model. The invariant: a saved guard loads, or is refused with an
 * {@link OnnxInspectException} naming the file; never another exception, never a hang, never an
 * {@link OutOfMemoryError} from a count or size the file declares (1 GiB heap in {@code scripts/fuzz.sh}).
 *
 * <p>{@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/dev/onnxinspect/guard/GuardFilesFuzzTestInputs/<target>/}: the seeds (written by
 * {@code scripts/fuzz-seeds/guard_seeds.py} and {@code dev.onnxinspect.ood.FuzzSeedWriter}) and every crash found.
 */
class GuardFilesFuzzTest {
    /** The model hash the fuzzed files are loaded for (and the seeds name). */
    static final String SHA = "ab12cd34";

    private static final Path ROOT = createRoot();
    /** A valid detector file of {@code msp} and {@code energy}: the properties target loads against it. */
    private static final Path DETECTORS = ROOT.resolve("guard").resolve(GuardFiles.DETECTORS);

    private static final List<ValueInfo> MODEL_INPUTS =
            List.of(new ValueInfo("input", ValueKind.TENSOR, ElementType.FLOAT, TensorShape.batched("N", 4)));

    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory("onnx-inspect-guard-fuzz");
            root.toFile().deleteOnExit();
            Files.createDirectories(root.resolve("guard"));
            DetectorFiles.save(
                    root.resolve("guard").resolve(GuardFiles.DETECTORS),
                    SHA,
                    List.of(MaxSoftmaxDetector.msp(), EnergyDetector.create()));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Any bytes as a detector file ({@code detectors.bin}). */
    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({"OODD", "msp", "energy", "knn", "mahalanobis", "vim", "nap_hamming", "pattern_distance"})
    void detectorFile(byte[] data) throws IOException {
        Path file = Files.write(ROOT.resolve("detectors.bin"), data);
        try {
            DetectorSuite suite = DetectorSuite.load(file, SHA);
            suite.names();
            suite.requiredInputs();
            suite.layers();
        } catch (OnnxInspectException refused) {
            // a one-line refusal is a valid answer
        }
    }

    /**
     * Any bytes as the guard's properties, next to a valid detector file. Its hash and the model's are appended as
     * the last entries (they win over earlier ones), so that the fuzzer gets past the two hash checks, which a
     * mutation would almost never satisfy, into the layout, input and threshold entries.
     */
    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({
        "format=2",
        "format=1",
        "input.count=",
        "input.0.name=",
        "input.0.type=FLOAT",
        "input.0.shape=",
        "input.0.fit_shape=",
        "sample_shape=",
        "detector.count=",
        "pattern_layer.count=",
        "threshold.0=",
        "classes=",
        "target_tpr=",
        "\\u"
    })
    void guardProperties(byte[] data) throws IOException {
        Path dir = DETECTORS.getParent();
        String hashes = "\n\n# appended by the fuzz target\nmodel_sha256=" + SHA + "\ndetectors_sha256="
                + Sha256.of(DETECTORS) + "\n";
        byte[] appended = hashes.getBytes(StandardCharsets.ISO_8859_1);
        byte[] properties = Arrays.copyOf(data, data.length + appended.length);
        System.arraycopy(appended, 0, properties, data.length, appended.length);
        Files.write(dir.resolve(GuardFiles.PROPERTIES), properties);
        try {
            GuardFiles.load(dir, SHA, MODEL_INPUTS);
        } catch (OnnxInspectException refused) {
            // a one-line refusal is a valid answer
        }
    }
}
