package dev.onnxinspect.samples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.guard.Verdict;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service on loopback: concurrent clients get exactly the single-threaded guard's verdicts, and malformed
 * requests get a 4xx with a JSON message while the server keeps serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OodServerTest {
    private static final Logger LOG = LoggerFactory.getLogger(OodServerTest.class);
    private static final int CLIENTS = 8;
    private static final int REQUESTS = 10_000;
    private static final int DISTINCT = 2_000;

    private Path dir;
    private OodGuard guard;
    private OodServer server;
    private HttpClient client;
    private URI base;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        dir = tmp;
        guard = ServiceFixtures.guard(ServiceFixtures.model(dir));
        server = OodServer.start(
                guard,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServiceOptions.builder()
                        .threads(4)
                        .queue(16)
                        .maxBodyBytes(64 * 1024)
                        .maxBatch(4)
                        .build());
        base = URI.create("http://127.0.0.1:" + server.port());
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    void stop() {
        server.close();
        server.close();
        guard.close();
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String inputJson(float[] x) {
        StringBuilder out = new StringBuilder("{\"input\":[");
        for (int j = 0; j < x.length; j++) {
            out.append(j == 0 ? "" : ",").append(x[j]);
        }
        return out.append("]}").toString();
    }

    /** Compares one answer with the guard's verdict, every number exactly (Double.toString reads back exactly). */
    private static void assertSameVerdict(Map<?, ?> answer, Verdict expected) {
        assertThat(answer.get("prediction")).isEqualTo((double) expected.predictedClass());
        assertThat(answer.get("confidence")).isEqualTo(expected.confidence());
        assertThat(answer.get("ood")).isEqualTo(expected.ood());
        assertThat(answer.get("detector")).isEqualTo(expected.primaryDetector());
        assertThat(answer.get("score")).isEqualTo(expected.score());
        assertThat(answer.get("threshold")).isEqualTo(expected.threshold());
        // SPEC §6b: the primary detector's p-value, and every detector's; n = 200 calibration samples
        assertThat(answer.get("p_value")).isEqualTo(expected.pValue());
        assertThat(expected.pValue() * 201).isCloseTo(Math.rint(expected.pValue() * 201), within(1e-9));
        Map<?, ?> pValues = (Map<?, ?>) answer.get("p_values");
        assertThat(new ArrayList<Object>(pValues.keySet()))
                .containsExactlyElementsOf(expected.pValues().keySet());
        expected.pValues().forEach((name, p) -> assertThat(pValues.get(name)).isEqualTo(p));
        Map<?, ?> scores = (Map<?, ?>) answer.get("scores");
        assertThat(new ArrayList<Object>(scores.keySet()))
                .containsExactlyElementsOf(expected.scores().keySet());
        expected.scores()
                .forEach((name, s) -> assertThat(scores.get(name))
                        .isEqualTo(
                                Double.isFinite(s)
                                        ? (Object) s
                                        : JsonWriter.number(s).replace("\"", "")));
    }

    @Test
    void concurrentClientsGetTheSingleThreadedVerdicts() throws Exception {
        // 2,000 distinct inputs, each sent 5 times (the reference verdicts are computed once, on this thread)
        Random random = new Random(11);
        List<float[]> distinct = new ArrayList<>();
        List<Verdict> reference = new ArrayList<>();
        for (int i = 0; i < DISTINCT; i++) {
            float[] x = ServiceFixtures.input(random);
            distinct.add(x);
            reference.add(guard.score(x));
        }
        assertThat(reference.stream().filter(Verdict::ood).count()).isBetween(1L, DISTINCT - 1L);
        List<float[]> inputs = new ArrayList<>();
        List<Verdict> expected = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            inputs.add(distinct.get(i % DISTINCT));
            expected.add(reference.get(i % DISTINCT));
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long start = System.nanoTime();
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                done.add(clients.submit(() -> {
                    int count = 0;
                    for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
                        HttpResponse<String> r = post("/predict", inputJson(inputs.get(i)));
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
                        assertSameVerdict((Map<?, ?>) JsonReader.parse(r.body()), expected.get(i));
                        count++;
                    }
                    return count;
                }));
            }
            int total = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
                int sum = 0;
                for (Future<Integer> f : done) {
                    sum += f.get();
                }
                return sum;
            });
            assertThat(total).isEqualTo(REQUESTS);
        } finally {
            clients.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info(
                "load test: {} requests from {} clients in {} s = {} requests/s",
                REQUESTS,
                CLIENTS,
                String.format("%.2f", seconds),
                Math.round(REQUESTS / seconds));
        assertThat(server.served()).isGreaterThanOrEqualTo(REQUESTS);
    }

    @Test
    void batchRequestAnswersEveryInputInOrder() throws Exception {
        List<float[]> inputs = List.of(new float[] {2, 0, 0, 0}, new float[] {0, 2, 0, 0}, new float[] {0, 0, 0, 8});
        HttpResponse<String> r = post("/predict", "{\"inputs\": [[2,0,0,0], [0,2,0,0], [0,0,0,8]]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<?> results = (List<?>) ((Map<?, ?>) JsonReader.parse(r.body())).get("results");
        List<Verdict> expected = guard.scoreBatch(inputs);
        assertThat(results).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertSameVerdict((Map<?, ?>) results.get(i), expected.get(i));
        }
        // z = x: classes 0, 1 and (all logits 0) the lowest index 0
        assertThat(expected).extracting(Verdict::predictedClass).containsExactly(0, 1, 0);
    }

    @Test
    void healthDescribesTheGuard() throws Exception {
        HttpResponse<String> r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<?, ?> health = (Map<?, ?>) JsonReader.parse(r.body());
        assertThat(health.get("status")).isEqualTo("ok");
        assertThat(health.get("model_sha256")).isEqualTo(guard.modelSha256());
        assertThat(health.get("input_size")).isEqualTo(4.0);
        assertThat(health.get("classes")).isEqualTo(3.0);
        assertThat(health.get("detector")).isEqualTo("energy");
        assertThat(health.get("threshold")).isEqualTo(guard.thresholds().threshold("energy"));
        assertThat(health.get("calibration_samples")).isEqualTo(200.0);
        assertThat(health.get("calibration_held_out")).isEqualTo(true);
        assertThat(health.containsKey("false_alarm_rate")).isTrue();
        assertThat(health.get("false_alarm_rate")).isNull();
        assertThat(new ArrayList<Object>((List<?>) health.get("detectors")))
                .containsExactlyElementsOf(guard.detectorNames());
    }

    @Test
    void malformedRequestsGetA4xxWithAMessageAndTheServerLivesOn() throws Exception {
        expectError(post("/predict", "{\"input\": [1, 2,"), 400, "malformed JSON");
        expectError(post("/predict", "{\"input\": [1, 2]}"), 400, "has 2 values, expected 4");
        expectError(post("/predict", "{\"input\": [NaN, 0, 0, 0]}"), 400, "NaN and Infinity are not JSON numbers");
        expectError(post("/predict", "{\"input\": [1e39, 0, 0, 0]}"), 400, "outside the float32 range");
        expectError(post("/predict", "{\"input\": [\"1\", 0, 0, 0]}"), 400, "expected a number");
        expectError(
                post("/predict", "{\"inputs\": [[1,0,0,0],[1,0,0,0],[1,0,0,0],[1,0,0,0],[1,0,0,0]]}"),
                400,
                "at most 4 per request");
        expectError(post("/predict", "{\"inputs\": [[1,0,0,0],[1,0,0]]}"), 400, "input 1 has 3 values");
        expectError(post("/predict", ""), 400, "empty body");
        expectError(post("/predict", "[".repeat(1000)), 400, "nested deeper");
        expectError(post("/predict", "{\"input\": [" + "0,".repeat(40_000) + "0]}"), 413, "over the limit of 65536");
        HttpResponse<String> wrongMethod = get("/predict");
        expectError(wrongMethod, 405, "use POST");
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        expectError(post("/health", "{}"), 405, "use GET");
        expectError(get("/nope"), 404, "no such path /nope");
        expectError(post("/predictx", "{}"), 404, "no such path /predictx");
        // still alive and correct
        HttpResponse<String> ok = post("/predict", "{\"input\": [2, 0, 0, 0]}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertSameVerdict((Map<?, ?>) JsonReader.parse(ok.body()), guard.score(new float[] {2, 0, 0, 0}));
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    private static void expectError(HttpResponse<String> r, int status, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        Map<?, ?> body = (Map<?, ?>) JsonReader.parse(r.body());
        assertThat(body.get("status")).isEqualTo((double) status);
        assertThat((String) body.get("error")).contains(message);
    }

    @Test
    void openGuardLoadsASavedGuard() throws Exception {
        Path saved = dir.resolve("saved-guard");
        guard.save(saved);
        Path model = dir.resolve("service-test.onnx");
        try (OodGuard loaded = OodService.openGuard(model, saved)) {
            float[] x = {0.5f, 1.5f, 0, -1};
            assertThat(loaded.score(x)).isEqualTo(guard.score(x));
        }
    }
}
