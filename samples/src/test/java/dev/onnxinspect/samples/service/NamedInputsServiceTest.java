package dev.onnxinspect.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.guard.GuardOptions;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.samples.cli.CliTestModels;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /predict} with named inputs, for the two-input token model of {@link CliTestModels#tokens} (logits
 * (s, len): s = sum of the masked ids, len = the mask's sum; MaxLogit = -max(s, len)), its guard fitted on an .npz
 * through a {@link FileSource}.
 */
class NamedInputsServiceTest {
    @TempDir
    Path dir;

    @Test
    void predictTakesNamedInputsOfAnyLength() throws Exception {
        Path model = CliTestModels.tokens(dir);
        Path npz = CliTestModels.tokensData(dir.resolve("tokens.npz"), 60);
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("input_ids", npz, "ids"))
                .input(InputMapping.column("attention_mask", npz, "mask"))
                .labels(npz, "y")
                .build()
                .fitTo(OnnxModel.load(model).describe().inputs());
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (FileSource fit = spec.open();
                OodGuard guard = OodGuard.fit(model, fit, GuardOptions.defaults());
                OodServer server = OodServer.start(
                        guard, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ServiceOptions.defaults())) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            // ids (2, 1, 3), mask (1, 1, 0): s = 3, len = 2, z = (3, 2): class 0, MaxLogit -3
            Map<?, ?> one = (Map<?, ?>) JsonReader.parse(
                    post(client, base, "{\"inputs\": {\"input_ids\": [2, 1, 3]," + " \"attention_mask\": [1, 1, 0]}}")
                            .body());
            assertThat(one.get("prediction")).isEqualTo(0.0);
            assertThat(((Map<?, ?>) one.get("scores")).get("max_logit")).isEqualTo(-3.0);
            // a batch of two samples of different lengths; the second: s = 0, len = 5, class 1, MaxLogit -5
            HttpResponse<String> batch = post(
                    client,
                    base,
                    "{\"inputs\": [{\"input_ids\": [2, 1, 3],"
                            + " \"attention_mask\": [1, 1, 0]}, {\"input_ids\": [0, 0, 0, 0, 0], \"attention_mask\": [1, 1, 1,"
                            + " 1, 1]}]}");
            List<?> results = (List<?>) ((Map<?, ?>) JsonReader.parse(batch.body())).get("results");
            assertThat(results).hasSize(2);
            assertThat(((Map<?, ?>) results.get(1)).get("prediction")).isEqualTo(1.0);
            assertThat(((Map<?, ?>) ((Map<?, ?>) results.get(1)).get("scores")).get("max_logit"))
                    .isEqualTo(-5.0);

            HttpResponse<String> missing = post(client, base, "{\"inputs\": {\"input_ids\": [1]}}");
            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(missing.body()).contains("input attention_mask is missing");
            HttpResponse<String> fraction =
                    post(client, base, "{\"inputs\": {\"input_ids\": [1.5]," + " \"attention_mask\": [1]}}");
            assertThat(fraction.statusCode()).isEqualTo(400);
            assertThat(fraction.body()).contains("whole numbers");
            HttpResponse<String> health = client.send(
                    HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.body())
                    .contains("{\"name\":\"input_ids\",\"type\":\"INT64\",\"shape\":[-1]}")
                    .doesNotContain("input_size");
        }
    }

    private static HttpResponse<String> post(HttpClient client, URI base, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(base.resolve("/predict"))
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
