package dev.onnxinspect.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.onnxinspect.OnnxInspectException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing (Jazzer) of model loading and what a loaded model answers: {@code OnnxModel.fromBytes},
 * {@code load} (with external data), {@code describe}, {@code instrument}, weight queries, {@code lastDenseLayer} and
 * {@code classifierTensors}. The invariant for every input: the model loads and answers every query, or the library
 * refuses it with an {@link OnnxInspectException} (or an {@link IOException} at the file boundary); never another
 * exception, never a hang ({@link Timeout} per input) and never an {@link OutOfMemoryError} from a size the model
 * declares (the fuzzing JVM has a small heap, see {@code scripts/fuzz.sh}). Besides, for a model that loads: it holds
 * no bytes of a file outside its directory and no reference to external data, its nodes come in an order in which
 * each reads only tensors computed before (no cycle got through), no value count is negative, and the instrumented
 * model it writes loads again.
 *
 * <p>{@code mvn verify} runs each target once per committed input (regression mode: {@code
 * src/test/resources/dev/onnxinspect/onnx/ModelLoadingFuzzTestInputs/<target>/}, the seeds written by
 * {@link FuzzSeeds} and every crash input found so far). {@code scripts/fuzz.sh} fuzzes them (environment variable
 * {@code JAZZER_FUZZ} set, through Jazzer's command line); a crash input it finds lands in the same directory.
 */
class ModelLoadingFuzzTest {
    /** Bytes of a file outside the model's directory: no loaded model may contain them. */
    static final byte[] SECRET = "onnx-inspect fuzz: outside the model directory!!".getBytes(StandardCharsets.US_ASCII);

    private static final Path ROOT = createRoot();

    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory("onnx-inspect-fuzz");
            Files.createDirectories(root.resolve("model"));
            Files.write(root.resolve("secret.bin"), SECRET);
            Files.createSymbolicLink(root.resolve("model/link.bin"), root.resolve("secret.bin"));
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

    /** Any bytes as a serialized model. */
    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({
        "Gemm",
        "MatMul",
        "Add",
        "Conv",
        "Flatten",
        "Reshape",
        "Squeeze",
        "Softmax",
        "Constant",
        "Transpose",
        "If",
        "Loop",
        "GlobalAveragePool",
        "transB",
        "alpha",
        "beta",
        "perm",
        "axis",
        "value",
        "sparse_value",
        "then_branch",
        "else_branch",
        "body"
    })
    void modelBytes(byte[] data) {
        OnnxModel model;
        try {
            model = OnnxModel.fromBytes(data);
        } catch (OnnxInspectException refused) {
            return;
        }
        exercise(model);
    }

    /**
     * A model file and a data file {@code data.bin} next to it, loaded from their directory: external data is read
     * from there, never from outside (a file {@code ../secret.bin} and a link {@code link.bin} to it are there to be
     * tried). Input: 2 bytes (big-endian) n, then n bytes of {@code data.bin}, then the model.
     */
    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({
        "location",
        "offset",
        "length",
        "data.bin",
        "../secret.bin",
        "link.bin",
        "./data.bin",
        "sparse_value",
        "value"
    })
    void modelDirectory(byte[] input) throws IOException {
        int n = input.length < 2 ? 0 : Math.min(((input[0] & 0xff) << 8) | (input[1] & 0xff), input.length - 2);
        byte[] dataFile = Arrays.copyOfRange(input, Math.min(2, input.length), Math.min(2, input.length) + n);
        byte[] modelFile = Arrays.copyOfRange(input, Math.min(2, input.length) + n, input.length);
        Path dir = ROOT.resolve("model");
        Files.write(dir.resolve("data.bin"), dataFile);
        Path file = Files.write(dir.resolve("model.onnx"), modelFile);
        OnnxModel model;
        try {
            model = OnnxModel.load(file);
        } catch (OnnxInspectException | IOException refused) {
            return;
        }
        if (contains(model.proto().toByteArray(), SECRET)) {
            throw new AssertionError("the model read a file outside its directory");
        }
        exercise(model);
    }

    /**
     * A graph made of the operators and attributes the head finding looks at ({@link FuzzGraphs}), so that the fuzzer
     * spends its time in graph validation, {@code describe}, {@code instrument} and the dense-layer rules rather than
     * in finding the protobuf wire format.
     */
    @FuzzTest
    @Timeout(10)
    void generatedGraph(FuzzedDataProvider data) {
        ModelProto proto = FuzzGraphs.model(data);
        OnnxModel model;
        try {
            model = OnnxModel.fromProto(proto);
        } catch (OnnxInspectException refused) {
            return;
        }
        exercise(model);
    }

    /** The seeds are valid models (so the fuzzer starts from inputs that get past loading) and answer everything. */
    @Test
    void theSeedsLoad() throws IOException {
        for (ModelProto seed : FuzzSeeds.models().values()) {
            exercise(OnnxModel.fromProto(seed));
        }
        Path dir = ROOT.resolve("model");
        Files.write(dir.resolve("data.bin"), FuzzSeeds.DATA);
        for (ModelProto seed : FuzzSeeds.externalModels().values()) {
            OnnxModel model = OnnxModel.load(Files.write(dir.resolve("model.onnx"), seed.toByteArray()));
            assertThat(ExternalDataEverywhereTest.allTensors(model.proto())).noneMatch(ExternalData::isExternal);
            exercise(model);
        }
    }

    /**
     * Asks a loaded model everything the fuzz targets cover. Refusals ({@link OnnxInspectException}) are answers;
     * anything else propagates and is a finding.
     */
    static void exercise(OnnxModel model) {
        // self-contained: nothing left for a runtime to read from a file (found independently of the library's walk)
        for (TensorProto t : ExternalDataEverywhereTest.allTensors(model.proto())) {
            if (ExternalData.isExternal(t)) {
                throw new AssertionError("a loaded model still refers to external data: " + t.getExternalDataList());
            }
        }
        ModelDescription d = model.describe();
        d.format();
        for (InitializerInfo i : d.initializers()) {
            if (i.elementCount() < 0) {
                throw new AssertionError("initializer " + i.name() + " " + i.shape() + " counts " + i.elementCount());
            }
        }
        if (d.parameterCount() < 0) {
            throw new AssertionError("a negative parameter count: " + d.parameterCount());
        }
        // the nodes come in an order in which each reads only what is there already: no cycle got through
        Set<String> available = new HashSet<>(model.index().graphInputs());
        available.addAll(model.index().initializers());
        available.add("");
        for (NodeInfo n : d.nodes()) {
            for (String in : n.inputs()) {
                if (!available.contains(in)) {
                    throw new AssertionError("node " + n.name() + " reads '" + in + "' before it is computed");
                }
            }
            available.addAll(n.outputs());
        }
        model.intermediateTensors();
        InstrumentedModel all = model.instrument(TensorSelector.all());
        // what the library writes, it reads back
        OnnxModel reloaded = OnnxModel.fromBytes(all.model().toBytes());
        if (reloaded.proto().getGraph().getOutputCount()
                != model.proto().getGraph().getOutputCount()
                        + all.addedOutputs().size()) {
            throw new AssertionError("the instrumented model lost or gained outputs");
        }
        attempt(() -> model.instrument(TensorSelector.opType("Relu")));
        for (String name : List.copyOf(model.index().initializers())) {
            attempt(() -> model.initializer(name));
        }
        attempt(model::lastDenseLayer);
        attempt(model::penultimateFeatures);
        attempt(() -> model.classifierTensors(null, null, null));
        List<String> outputs = new ArrayList<>();
        for (ValueInfoProto v : model.proto().getGraph().getOutputList()) {
            outputs.add(v.getName());
        }
        for (String output : outputs.subList(0, Math.min(4, outputs.size()))) {
            attempt(() -> model.lastDenseLayer(output));
            attempt(() -> model.classifierTensors(output, null, null));
        }
        List<String> tensors = model.intermediateTensors();
        for (String t : tensors.subList(0, Math.min(8, tensors.size()))) {
            attempt(() -> model.denseLayer(t));
            attempt(() -> model.classifierTensors(null, t, null));
            for (String h : tensors.subList(0, Math.min(4, tensors.size()))) {
                attempt(() -> model.denseLayer(h, t));
            }
        }
    }

    private static void attempt(Runnable query) {
        try {
            query.run();
        } catch (OnnxInspectException answer) {
            // a refusal with a message is a valid answer
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
