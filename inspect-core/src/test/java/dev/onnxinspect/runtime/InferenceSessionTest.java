package dev.onnxinspect.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceSessionTest {
    /** Three samples: [1, 2], [-1, 1], [1, -1]. */
    private static final float[] X = {1, 2, -1, 1, 1, -1};

    /*
     * pre = x W + b with W = [[1, -2], [3, 4]], b = [0.5, -1]:
     *   [1, 2]:  [1 + 6, -2 + 8] + b = [7, 6] + b  = [7.5, 5]
     *   [-1, 1]: [-1 + 3, 2 + 4] + b = [2, 6] + b  = [2.5, 5]
     *   [1, -1]: [1 - 3, -2 - 4] + b = [-2, -6] + b = [-1.5, -7]
     * y = Relu(pre) zeroes the last row. All values are exact in float32.
     */
    private static final float[] PRE = {7.5f, 5, 2.5f, 5, -1.5f, -7};
    private static final float[] Y = {7.5f, 5, 2.5f, 5, 0, 0};

    private static boolean cudaProviderPresent() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    @Test
    void runComputesTheRequestedOutputsExactly() {
        try (InferenceSession session = InferenceSession.open(TestModels.dense(), SessionConfig.defaults())) {
            Map<String, LayerActivations> out =
                    session.run(new Batch(X, 3, new int[] {2}, null), List.of("pre", "y", "pre"));
            assertThat(out.keySet()).containsExactly("pre", "y");
            assertThat(out.get("pre").values()).containsExactly(PRE);
            assertThat(out.get("y").values()).containsExactly(Y);
            assertThat(out.get("y").samples()).isEqualTo(3);
            assertThat(out.get("y").unitShape()).containsExactly(2);
            assertThat(out.get("y").layer()).isEqualTo("y");
            assertThat(session.device()).isEqualTo(Device.CPU);
            assertThat(session.deviceReason()).isEqualTo("CPU requested");
        }
    }

    @Test
    void describesInputAndOutputs() {
        try (InferenceSession session = InferenceSession.open(TestModels.dense(), SessionConfig.defaults())) {
            assertThat(session.inputName()).isEqualTo("x");
            assertThat(session.inputShape()).containsExactly(-1, 2);
            assertThat(session.inputs())
                    .containsExactly(new ModelInput("x", ElementType.FLOAT, new long[] {-1, 2}, List.of("N", "")));
            assertThat(session.outputNames()).containsExactly("y", "pre");
            assertThat(session.outputShape("pre")).containsExactly(-1, 2);
            assertThat(session.toString()).contains("[N, 2]");
        }
    }

    @Test
    void opensModelFilesAndRejectsMissingOnes(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("dense.onnx"), TestModels.dense());
        SessionConfig config = SessionConfig.builder()
                .intraOpThreads(1)
                .interOpThreads(1)
                .optimization(SessionConfig.Optimization.DISABLED)
                .build();
        try (InferenceSession session = InferenceSession.open(file, config)) {
            assertThat(session.run(new Batch(X, 3, new int[] {2}, null), List.of("y"))
                            .get("y")
                            .values())
                    .containsExactly(Y);
        }
        assertThatThrownBy(() -> InferenceSession.open(dir.resolve("none.onnx")))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("none.onnx")
                .hasMessageContaining("exist");
        Path garbage = Files.write(dir.resolve("garbage.onnx"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> InferenceSession.open(garbage))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("garbage.onnx");
    }

    @Test
    void sessionWithoutSpinningThreadsComputesTheSameValues() {
        SessionConfig config =
                SessionConfig.builder().intraOpThreads(2).spinning(false).build();
        try (InferenceSession session = InferenceSession.open(TestModels.dense(), config)) {
            assertThat(session.run(new Batch(X, 3, new int[] {2}, null), List.of("y"))
                            .get("y")
                            .values())
                    .containsExactly(Y);
        }
    }

    @Test
    void sampleShapeThatDoesNotFitNamesBothShapes() {
        try (InferenceSession session = InferenceSession.open(TestModels.dense(), SessionConfig.defaults())) {
            assertThatThrownBy(() -> session.run(new Batch(new float[6], 2, new int[] {3}, null), List.of("y")))
                    .isInstanceOf(InferenceException.class)
                    .hasMessageContaining("[2, 3]")
                    .hasMessageContaining("[N, 2]");
            assertThatThrownBy(() -> session.checkInput(new int[] {1, 2}))
                    .isInstanceOf(InferenceException.class)
                    .hasMessageContaining("[1, 2]")
                    .hasMessageContaining("[N, 2]");
            session.checkInput(new int[] {2});
        }
    }

    @Test
    void fixedBatchSizeMustMatch() {
        try (InferenceSession session = InferenceSession.open(TestModels.fixedBatch(), SessionConfig.defaults())) {
            assertThatThrownBy(() -> session.run(new Batch(new float[4], 2, new int[] {2}, null), List.of("y")))
                    .isInstanceOf(InferenceException.class)
                    .hasMessageContaining("fixed batch size 1")
                    .hasMessageContaining("holds 2 samples");
            assertThat(session.run(new Batch(new float[] {-3, 4}, 1, new int[] {2}, null), List.of("y"))
                            .get("y")
                            .values())
                    .containsExactly(0, 4);
        }
    }

    @Test
    void unknownOutputListsTheAvailableOnes() {
        try (InferenceSession session = InferenceSession.open(TestModels.dense(), SessionConfig.defaults())) {
            Batch batch = new Batch(X, 3, new int[] {2}, null);
            assertThatThrownBy(() -> session.run(batch, List.of("y", "xw")))
                    .isInstanceOf(InferenceException.class)
                    .hasMessageContaining("Unknown output name xw, expected one of [y, pre]");
            assertThatThrownBy(() -> session.run(batch, List.of()))
                    .isInstanceOf(InferenceException.class)
                    .hasMessageContaining("[y, pre]");
            assertThatThrownBy(() -> session.outputShape("z")).isInstanceOf(InferenceException.class);
        }
    }

    @Test
    void aDoubleOutputIsReadAsFloatActivationsAndExactlyAsATypedTensor() {
        try (InferenceSession session = InferenceSession.open(TestModels.doubleOutput(), SessionConfig.defaults())) {
            Batch batch = new Batch(X, 3, new int[] {2}, null);
            assertThat(session.outputType("xd")).isEqualTo(ElementType.DOUBLE);
            // xd = (double) x: small integers, exact in float32 again
            assertThat(session.run(batch, List.of("xd")).get("xd").values()).containsExactly(X);
            TypedTensor typed = session.runTensors(batch, List.of("xd")).get("xd");
            assertThat(typed.type()).isEqualTo(ElementType.DOUBLE);
            assertThat(typed.shape()).containsExactly(3, 2);
            assertThat((double[]) typed.data()).containsExactly(1, 2, -1, 1, 1, -1);
            // no buffers made in advance for a double output: the copying run is used
            assertThat(session.outputBuffers(List.of("xd"), 4)).isEmpty();
        }
    }

    @Test
    void aModelOfTwoFloatInputsIsFedByName() {
        try (InferenceSession session = InferenceSession.open(TestModels.twoInputs(), SessionConfig.defaults())) {
            assertThat(session.inputs()).extracting(ModelInput::name).containsExactly("a", "b");
            // c = a + b = [1 + 10, 2 + 20]
            Batch batch = new Batch(
                    1,
                    List.of(
                            InputTensor.floats("b", new float[] {10, 20}, 1, 2),
                            InputTensor.floats("a", new float[] {1, 2}, 1, 2)),
                    null);
            assertThat(session.run(batch, List.of("c")).get("c").values()).containsExactly(11, 22);
            assertThatThrownBy(session::inputName)
                    .isInstanceOf(InferenceException.class)
                    .hasMessageContaining("2 inputs [a FLOAT [N, 2], b FLOAT [N, 2]]")
                    .hasMessageContaining("inputs()");
            assertThatThrownBy(session::inputShape).isInstanceOf(InferenceException.class);
            // the single-input check names the input it leaves unfed
            assertThatThrownBy(() -> session.checkInput(new int[] {2}))
                    .isInstanceOf(InferenceException.class)
                    .hasMessageContaining("an unnamed tensor")
                    .hasMessageContaining("[a FLOAT [N, 2], b FLOAT [N, 2]]");
        }
    }

    @Test
    void closedSessionRefusesToRunAndCloseIsIdempotent() {
        InferenceSession session = InferenceSession.open(TestModels.dense(), SessionConfig.defaults());
        session.close();
        session.close();
        assertThatThrownBy(() -> session.run(new Batch(X, 3, new int[] {2}, null), List.of("y")))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("closed")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @Test
    void missingModelFileIsAFileError(@TempDir Path dir) {
        assertThatThrownBy(() -> InferenceSession.open(dir.resolve("none.onnx")))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("none.onnx")
                .hasFieldOrPropertyWithValue("kind", Kind.IO);
    }

    @Test
    void activationsWhoseSizeDoesNotFitTheirShapeAreABadInput() {
        // 2 samples of shape [3] need 6 values; 5 came
        assertThatThrownBy(() -> new LayerActivations("h", new float[5], 2, new int[] {3}))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("need 6 values, got 5")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
        assertThatThrownBy(() -> new LayerActivations("h", new float[0], 1, new int[] {-1}))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("negative dimension");
    }

    @Test
    void concurrentRunsGiveTheSameExactResults() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (InferenceSession session = InferenceSession.open(TestModels.dense(), SessionConfig.defaults())) {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(pool.submit(() -> session.run(new Batch(X.clone(), 3, new int[] {2}, null), List.of("pre"))
                        .get("pre")
                        .values()));
            }
            for (Future<float[]> f : futures) {
                assertThat(f.get(30, TimeUnit.SECONDS)).containsExactly(PRE);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void autoFallsBackToCpuWithOneLogLineOnTheCpuBuild() {
        assumeFalse(cudaProviderPresent(), "the CUDA build of ONNX Runtime is on the classpath");
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (InferenceSession session = InferenceSession.open(
                TestModels.dense(), SessionConfig.builder().device(Device.AUTO).build())) {
            assertThat(session.device()).isEqualTo(Device.CPU);
            assertThat(session.deviceReason()).contains("CPU build of ONNX Runtime");
            assertThat(session.run(new Batch(X, 3, new int[] {2}, null), List.of("y"))
                            .get("y")
                            .values())
                    .containsExactly(Y);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log.lines().filter(l -> l.contains("Device AUTO uses CPU"))).hasSize(1);
        assertThat(log).contains("CPU build of ONNX Runtime");
    }

    @Test
    void cudaFailsClearlyOnTheCpuBuild() {
        assumeFalse(cudaProviderPresent(), "the CUDA build of ONNX Runtime is on the classpath");
        assertThatThrownBy(() -> InferenceSession.open(
                        TestModels.dense(),
                        SessionConfig.builder().device(Device.CUDA).build()))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("Device CUDA was requested")
                .hasMessageContaining("CPU build of ONNX Runtime")
                .hasMessageContaining("onnxruntime_gpu");
    }

    @Test
    void cudaRunsTheModelWhereAvailable() {
        assumeTrue(cudaProviderPresent(), "needs the CUDA build of ONNX Runtime (mvn -Pcuda) and a GPU");
        try (InferenceSession session = InferenceSession.open(
                TestModels.dense(), SessionConfig.builder().device(Device.CUDA).build())) {
            assertThat(session.device()).isEqualTo(Device.CUDA);
            assertThat(session.run(new Batch(X, 3, new int[] {2}, null), List.of("pre"))
                            .get("pre")
                            .values())
                    .containsExactly(PRE);
        }
    }

    @Test
    void configValidatesAndHasDefaults() {
        SessionConfig defaults = SessionConfig.defaults();
        assertThat(defaults.device()).isEqualTo(Device.CPU);
        assertThat(defaults.intraOpThreads()).isZero();
        assertThat(defaults.interOpThreads()).isZero();
        assertThat(defaults.optimization()).isEqualTo(SessionConfig.Optimization.ALL);
        assertThat(defaults.spinning()).isTrue();
        assertThat(SessionConfig.builder().spinning(false).build().spinning()).isFalse();
        assertThatThrownBy(() -> SessionConfig.builder().intraOpThreads(-1).build())
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> SessionConfig.builder().device(null).build())
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("device");
    }
}
