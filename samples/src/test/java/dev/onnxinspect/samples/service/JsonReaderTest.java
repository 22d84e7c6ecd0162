package dev.onnxinspect.samples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.guard.GuardInput;
import dev.onnxinspect.onnx.ElementType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
    @Test
    @SuppressWarnings("unchecked")
    void parsesEveryKindOfValue() {
        Object v = JsonReader.parse(" {\"a\": [1, -2.5e2, 0.125, true, false, null], \"s\": \"q\\\"\\\\\\n\\u0041\"} ");
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat((List<Object>) m.get("a")).containsExactly(1.0, -250.0, 0.125, true, false, null);
        assertThat(m.get("s")).isEqualTo("q\"\\\nA");
        assertThat(JsonReader.parse("[]")).isEqualTo(List.of());
        assertThat(JsonReader.parse("{}")).isEqualTo(Map.of());
        assertThat(JsonReader.parse("-0.0")).isEqualTo(-0.0);
    }

    @Test
    void rejectsMalformedJsonNamingThePosition() {
        assertThatThrownBy(() -> JsonReader.parse("{\"input\": [1, 2,"))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("character 16")
                .hasMessageContaining("unexpected end");
        assertThatThrownBy(() -> JsonReader.parse("[1 2]")).hasMessageContaining("expected ',' or ']'");
        assertThatThrownBy(() -> JsonReader.parse("[NaN]")).hasMessageContaining("NaN and Infinity");
        assertThatThrownBy(() -> JsonReader.parse("[01]")).hasMessageContaining("expected ',' or ']'");
        assertThatThrownBy(() -> JsonReader.parse("[1.]")).hasMessageContaining("digits after '.'");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("duplicate key");
        assertThatThrownBy(() -> JsonReader.parse("\"abc")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> JsonReader.parse("[1] x")).hasMessageContaining("after the JSON value");
        assertThatThrownBy(() -> JsonReader.parse("")).hasMessageContaining("unexpected end");
        char[] deep = new char[200];
        Arrays.fill(deep, 0, 100, '[');
        Arrays.fill(deep, 100, 200, ']');
        assertThatThrownBy(() -> JsonReader.parse(new String(deep))).hasMessageContaining("nested deeper than 32");
    }

    @Test
    void predictRequestShapes() {
        PredictRequest one = PredictRequest.parse("{\"input\": [1, 0.5, -2]}", 8, List.of());
        assertThat(one.batch()).isFalse();
        assertThat(one.inputs()).hasSize(1);
        assertThat(one.inputs().get(0)).containsExactly(1f, 0.5f, -2f);
        PredictRequest many = PredictRequest.parse("{\"inputs\": [[1], [2, 3]]}", 8, List.of());
        assertThat(many.batch()).isTrue();
        assertThat(many.inputs().get(1)).containsExactly(2f, 3f);

        assertThatThrownBy(() -> PredictRequest.parse("[1, 2]", 8, List.of())).hasMessageContaining("got an array");
        assertThatThrownBy(() -> PredictRequest.parse("{\"x\": [1]}", 8, List.of()))
                .hasMessageContaining("unknown field \"x\"");
        assertThatThrownBy(() -> PredictRequest.parse("{\"input\": [1], \"inputs\": [[1]]}", 8, List.of()))
                .hasMessageContaining("exactly one of");
        assertThatThrownBy(() -> PredictRequest.parse("{\"input\": [1, \"2\"]}", 8, List.of()))
                .hasMessageContaining("value 1 of \"input\" is a string");
        assertThatThrownBy(() -> PredictRequest.parse("{\"input\": [1e39]}", 8, List.of()))
                .hasMessageContaining("outside the float32 range");
        assertThatThrownBy(() -> PredictRequest.parse("{\"input\": 3}", 8, List.of()))
                .hasMessageContaining("must be an array of numbers, got the number 3.0");
        assertThatThrownBy(() -> PredictRequest.parse("{\"inputs\": []}", 8, List.of()))
                .hasMessageContaining("non-empty");
        assertThatThrownBy(() -> PredictRequest.parse("{\"inputs\": [[1], [1], [1]]}", 2, List.of()))
                .hasMessageContaining("at most 2 per request");
        assertThatThrownBy(() -> PredictRequest.parse("{\"inputs\": [[1], null]}", 8, List.of()))
                .hasMessageContaining("\"inputs[1]\" must be an array of numbers, got null");
    }

    @Test
    void nestedArraysMustBeRectangular() {
        List<GuardInput> x = List.of(new GuardInput("x", ElementType.FLOAT, new long[] {-1, -1}, new long[] {-1, -1}));
        // [[1, 2], [3, 4]]: shape [1, 2, 2] with the batch dimension, the values row-major
        InputTensor square = (InputTensor) PredictRequest.parse("{\"inputs\": {\"x\": [[1, 2], [3, 4]]}}", 8, x)
                .named()
                .get(0)
                .get("x");
        assertThat(square.shape()).containsExactly(1, 2, 2);
        assertThat((float[]) square.data()).containsExactly(1f, 2f, 3f, 4f);
        // numbers at depth 1, then an array at depth 2: was accepted with a wrong shape, or (with more values) a
        // DatasetException that the service answered 500 with the exception's text
        for (String ragged : new String[] {"[[1], [[2]]]", "[[1, 1], [[2]]]", "[[1, [2]]]", "[[[1]], [2]]"}) {
            assertThatThrownBy(() -> PredictRequest.parse("{\"inputs\": {\"x\": " + ragged + "}}", 8, x))
                    .as(ragged)
                    .isInstanceOf(JsonException.class)
                    .hasMessageContaining("\"inputs.x\" is not rectangular");
        }
        assertThatThrownBy(() -> PredictRequest.parse("{\"inputs\": {\"x\": [[1, 2], [3]]}}", 8, x))
                .hasMessageContaining("arrays at depth 1 have 2 and 1 elements");
    }

    @Test
    void unicodeEscapesTakeFourHexDigitsOnly() {
        assertThat(JsonReader.parse("\"\\u00e9\\u00C9\"")).isEqualTo("\u00e9\u00c9");
        // Integer.parseInt(.., 16) took a sign: "\\u-001" was read as U+FFFF
        for (String bad :
                new String[] {"\"\\u-001\"", "\"\\u+041\"", "\"\\u00g1\"", "\"\\u\uff10\uff10\uff14\uff11\""}) {
            assertThatThrownBy(() -> JsonReader.parse(bad)).as(bad).hasMessageContaining("expected 4 hex digits");
        }
    }

    @Test
    void serviceOptionsValidate() {
        ServiceOptions d = ServiceOptions.defaults();
        assertThat(d.maxBodyBytes()).isEqualTo(4 << 20);
        assertThat(d.maxBatch()).isEqualTo(256);
        assertThat(d.queue()).isEqualTo(64);
        assertThatThrownBy(() -> ServiceOptions.builder().threads(0).build()).hasMessageContaining("threads 0");
    }

    @Test
    void writerEscapesAndWritesNonFiniteAsStrings() {
        assertThat(JsonWriter.string("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
        assertThat(JsonWriter.number(0.1)).isEqualTo("0.1");
        assertThat(JsonWriter.number(Double.POSITIVE_INFINITY)).isEqualTo("\"Infinity\"");
        assertThat(JsonWriter.number(Double.NEGATIVE_INFINITY)).isEqualTo("\"-Infinity\"");
        assertThat(JsonWriter.error(404, "no \"x\"")).isEqualTo("{\"status\":404,\"error\":\"no \\\"x\\\"\"}");
        assertThat(JsonWriter.strings(List.of("a", "b[c]"))).isEqualTo("[\"a\",\"b[c]\"]");
    }
}
