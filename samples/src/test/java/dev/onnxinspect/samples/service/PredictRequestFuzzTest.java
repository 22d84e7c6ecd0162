package dev.onnxinspect.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.guard.GuardInput;
import dev.onnxinspect.onnx.ElementType;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing (Jazzer) of the service's request parser: {@link JsonReader} and
 * {@link PredictRequest#parse} on any body. The invariant for every input: the body parses into a request that
 * holds what the service promises (finite float32 values, at most the batch limit, named values of their input's
 * type), or it is refused with a {@link JsonException} or another {@link OnnxInspectException} of kind
 * {@code INVALID_INPUT} without a cause (what the service answers as a 400 with its message); never another
 * exception, never a hang ({@link Timeout} per input), never a {@link StackOverflowError}.
 *
 * <p>{@code mvn verify} runs the target once per committed input (regression mode: {@code
 * src/test/resources/dev/onnxinspect/samples/service/PredictRequestFuzzTestInputs/predictBody/}, hand-written seeds
 * and every crash input found so far). Fuzzing runs through Jazzer's command line, as {@code scripts/fuzz.sh} does
 * for onnx-io (target class {@code dev.onnxinspect.samples.service.PredictRequestFuzzTest}, method
 * {@code predictBody}); a crash input it finds lands in the same directory.
 */
class PredictRequestFuzzTest {
    private static final int MAX_BATCH = 4;

    /** A model of several inputs of different types and shapes, as {@code GET /health} would list them. */
    private static final List<GuardInput> INPUTS = List.of(
            new GuardInput("input_ids", ElementType.INT64, new long[] {-1}, new long[] {-1}),
            new GuardInput("attention_mask", ElementType.INT32, new long[] {-1}, new long[] {-1}),
            new GuardInput("pixels", ElementType.FLOAT, new long[] {3, -1, -1}, new long[] {3, 8, 8}),
            new GuardInput("flags", ElementType.BOOL, new long[] {4}, new long[] {4}),
            new GuardInput("small", ElementType.INT8, new long[] {2}, new long[] {2}),
            new GuardInput("wide", ElementType.DOUBLE, new long[] {2}, new long[] {2}));

    /** Any text as a {@code POST /predict} body. */
    @FuzzTest
    @Timeout(10)
    @DictionaryEntries({
        "{\"input\": [",
        "{\"inputs\": [",
        "{\"inputs\": {",
        "\"input_ids\"",
        "\"attention_mask\"",
        "\"pixels\"",
        "\"flags\"",
        "\"small\"",
        "\"wide\"",
        "[[",
        "]]",
        "1e39",
        "-0.0",
        "\\u00e9",
        "true",
        "null"
    })
    void predictBody(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        PredictRequest request;
        try {
            request = PredictRequest.parse(body, MAX_BATCH, INPUTS);
        } catch (JsonException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        } catch (OnnxInspectException e) {
            // what the service answers as a 400 with the message: a refusal of the library's own, nothing wrapped
            assertThat(e.kind()).isEqualTo(OnnxInspectException.Kind.INVALID_INPUT);
            assertThat(e.getCause()).isNull();
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(request.inputs().isEmpty() || request.named().isEmpty()).isTrue();
        assertThat(request.inputs().size() + request.named().size()).isBetween(1, MAX_BATCH);
        for (float[] x : request.inputs()) {
            for (float v : x) {
                assertThat(Float.isFinite(v)).as("a finite float32").isTrue();
            }
        }
        for (Map<String, Object> sample : request.named()) {
            sample.forEach((name, value) -> {
                if (value instanceof InputTensor t) {
                    long n = 1;
                    for (long d : t.shape()) {
                        n *= d;
                    }
                    assertThat(t.shape()[0]).isEqualTo(1);
                    assertThat(Array.getLength(t.data())).isEqualTo((int) n);
                }
            });
        }
    }
}
