package dev.onnxinspect.samples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.guard.GuardOptions;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.samples.cli.CliTestModels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What careless and hostile clients do to the service (issue 13): stall mid-body, drip headers or a body, hold
 * connections, overfill the queue, send a body over the limit before reading, send HEAD, and send inputs that make
 * the layers below fail. Each test ran against the JDK-HttpServer version of the service and failed there (hang,
 * reset, 200 instead of 503, 405 for HEAD, exception text in the answer).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ServiceHardeningTest {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceHardeningTest.class);
    private static final String ONE = "{\"input\": [2, 0, 0, 0]}";
    private static final int PHASE_REQUESTS = 1600;

    private OodGuard guard;
    private HttpClient client;

    @BeforeAll
    void fit(@TempDir Path dir) throws IOException {
        guard = ServiceFixtures.guard(ServiceFixtures.model(dir));
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    void close() {
        guard.close();
    }

    private OodServer start(ServiceOptions.Builder options) throws IOException {
        return OodServer.start(guard, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options.build());
    }

    private HttpResponse<String> post(OodServer server, String body, Duration timeout)
            throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                        .timeout(timeout)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Opens a connection that sends headers and the first bytes of a 1,000-byte body, then nothing. */
    private static RawHttp stallMidBody(OodServer server, int readTimeoutMillis) throws IOException {
        RawHttp raw = new RawHttp(server.port(), readTimeoutMillis);
        raw.send(RawHttp.postHead("/predict", 1000) + "{\"input\": [1, 2,");
        return raw;
    }

    /** One request first, so that the timing tests do not count the JIT's first pass through the server. */
    private void warmUp(OodServer server) throws IOException, InterruptedException {
        assertThat(post(server, ONE, Duration.ofSeconds(10)).statusCode()).isEqualTo(200);
    }

    @Test
    void clientsStalledMidBodyHoldNoWorker() throws Exception {
        // issue 13, failure 2: two stalled clients (= the workers) froze every other request
        try (OodServer server = start(ServiceOptions.builder().threads(2))) {
            List<RawHttp> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    stalled.add(stallMidBody(server, 10_000));
                }
                Thread.sleep(200); // the server has read what they sent
                HttpResponse<String> ok = post(server, ONE, Duration.ofSeconds(5));
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            } finally {
                for (RawHttp r : stalled) {
                    r.close();
                }
            }
        }
    }

    /**
     * Issue 13's "done when": while 8 clients stall mid-body, 8 other clients' requests all succeed, and their p99
     * latency stays near that of the run without stalled clients. Asserted: every request of every phase is answered
     * 200 (the JDK server hung) and the stalled clients get no answer; the p99 figures are logged for the benchmark
     * notes, not asserted (no timing assertions in tests). Phases alternate (without, with, without, with) on one
     * server of 2 workers.
     */
    @Test
    void normalClientsKeepTheirLatencyWhileEightClientsStallMidBody() throws Exception {
        try (OodServer server = start(ServiceOptions.builder().threads(2))) {
            Random random = new Random(5);
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                float[] x = ServiceFixtures.input(random);
                bodies.add("{\"input\": [" + x[0] + "," + x[1] + "," + x[2] + "," + x[3] + "]}");
            }
            loadPhase(server, bodies, 400); // warm-up (the JIT)
            long[][] p99 = new long[2][2];
            for (int round = 0; round < 2; round++) {
                p99[round][0] = percentile99(loadPhase(server, bodies, PHASE_REQUESTS));
                List<RawHttp> stalled = new ArrayList<>();
                try {
                    for (int i = 0; i < 8; i++) {
                        stalled.add(stallMidBody(server, 200));
                    }
                    p99[round][1] = percentile99(loadPhase(server, bodies, PHASE_REQUESTS));
                    for (RawHttp r : stalled) {
                        // stalled through the whole phase: no answer, connection open
                        assertThatThrownBy(() -> r.read(false)).isInstanceOf(SocketTimeoutException.class);
                    }
                } finally {
                    for (RawHttp r : stalled) {
                        r.close();
                    }
                }
            }
            for (int round = 0; round < 2; round++) {
                LOG.info(
                        "stall test round {}: p99 latency of 8 clients x {} requests: {} ms without, {} ms with 8"
                                + " clients stalled mid-body (ratio {}); load average {}",
                        round + 1,
                        PHASE_REQUESTS / 8,
                        String.format(Locale.ROOT, "%.2f", p99[round][0] / 1e6),
                        String.format(Locale.ROOT, "%.2f", p99[round][1] / 1e6),
                        String.format(Locale.ROOT, "%.2f", (double) p99[round][1] / p99[round][0]),
                        String.format(
                                Locale.ROOT,
                                "%.2f",
                                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            }
        }
    }

    /** 8 clients send {@code requests} requests in all; every answer must be 200. The latencies in ns. */
    private long[] loadPhase(OodServer server, List<String> bodies, int requests) throws Exception {
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                done.add(clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = post(server, bodies.get(i % bodies.size()), Duration.ofSeconds(10));
                        latencies[i] = System.nanoTime() - t0;
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        return latencies;
    }

    /** The 99th percentile, nearest rank (SPEC-free: a test figure only). */
    private static long percentile99(long[] latencies) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
    }

    @Test
    void aBodyThatStallsIsAnswered408AfterTheIdleTimeoutAndClosed() throws Exception {
        try (OodServer server = start(ServiceOptions.builder().idleTimeout(Duration.ofSeconds(1)))) {
            warmUp(server);
            try (RawHttp raw = stallMidBody(server, 5_000)) {
                RawHttp.Answer answer = raw.read(false);
                assertThat(answer.status()).isEqualTo(408);
                assertThat(answer.headers()).containsEntry("connection", "close");
                assertThat(answer.body()).contains("stalled for 1000 ms");
                assertThat(raw.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void aBodyThatDripsIsCutByTheBodyTimeout() throws Exception {
        // one byte every 50 ms keeps the connection from ever being idle for the 10 s idle timeout
        try (OodServer server = start(ServiceOptions.builder()
                        .bodyTimeout(Duration.ofMillis(500))
                        .idleTimeout(Duration.ofSeconds(10)));
                RawHttp raw = new RawHttp(server.port(), 100)) {
            warmUp(server);
            raw.send(RawHttp.postHead("/predict", 1000));
            RawHttp.Answer answer = null;
            for (int i = 0; i < 80 && answer == null; i++) {
                raw.send(" ");
                try {
                    answer = raw.read(false);
                } catch (SocketTimeoutException e) {
                    // not yet
                }
            }
            assertThat(answer).as("an answer within 8 s").isNotNull();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.body()).contains("did not arrive within 500 ms");
        }
    }

    @Test
    void headersThatDripAreCutByTheHeaderTimeout() throws Exception {
        try (OodServer server = start(ServiceOptions.builder()
                        .headerTimeout(Duration.ofMillis(500))
                        .idleTimeout(Duration.ofSeconds(10)));
                RawHttp raw = new RawHttp(server.port(), 100)) {
            warmUp(server);
            raw.send("POST /predict HTTP/1.1\r\nHost: localhost\r\n");
            boolean closed = false;
            for (int i = 0; i < 80 && !closed; i++) {
                try {
                    raw.send("X");
                    closed = raw.closedByServer();
                } catch (SocketTimeoutException e) {
                    // still open
                } catch (IOException e) {
                    closed = true; // the write failed: closed
                }
            }
            assertThat(closed).as("closed within 8 s").isTrue();
        }
    }

    @Test
    void aKeepAliveConnectionServesRequestsAfterTheHeaderDeadlineWasReset() throws Exception {
        // the header timeout restarts after every answer, so a busy keep-alive connection is never cut
        try (OodServer server = start(ServiceOptions.builder().headerTimeout(Duration.ofMillis(400)));
                RawHttp raw = new RawHttp(server.port(), 5_000)) {
            for (int i = 0; i < 6; i++) {
                raw.send(RawHttp.postHead("/predict", ONE.length()) + ONE);
                assertThat(raw.read(false).status()).isEqualTo(200);
                Thread.sleep(150); // 6 x 150 ms > 400 ms in all, < 400 ms between answer and next request
            }
            // idle past the header timeout: closed
            Thread.sleep(700);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionsBeyondTheLimitWaitUntilOneCloses() throws Exception {
        try (OodServer server =
                        start(ServiceOptions.builder().maxConnections(2).headerTimeout(Duration.ofMillis(1500)));
                RawHttp idle1 = new RawHttp(server.port(), 5_000);
                RawHttp idle2 = new RawHttp(server.port(), 5_000)) {
            idle1.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(idle1.read(false).status()).isEqualTo(200);
            idle2.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(idle2.read(false).status()).isEqualTo(200);
            long start = System.nanoTime();
            CompletableFuture<HttpResponse<String>> third = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(700);
            assertThat(third)
                    .as("answered while 2 connections are open, limit 2")
                    .isNotDone();
            // the header timeout closes the two idle connections after 1.5 s; then the third is accepted
            assertThat(third.get(8, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aFullQueueIsAnswered503WithRetryAfter() throws Exception {
        // issue 13, failure 7: with its queue full the JDK server ran requests on its dispatcher thread
        try (OodServer server = start(ServiceOptions.builder().threads(1).queue(1))) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            server.workers().execute(() -> {
                running.countDown();
                await(release);
            });
            running.await();
            server.workers().execute(() -> await(release)); // fills the queue of 1
            HttpResponse<String> busy = post(server, ONE, Duration.ofSeconds(5));
            assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            assertThat((String) ((Map<?, ?>) JsonReader.parse(busy.body())).get("error"))
                    .contains("busy")
                    .contains("retry after 1 s");
            release.countDown();
            assertThat(post(server, ONE, Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aBodyOverTheLimitSentWholeBeforeReadingGetsA413AndTheConnectionServesOn() throws Exception {
        // issue 13, failure 7: a body over 4 MiB ended in a connection reset instead of the documented 413
        int size = 6 << 20;
        try (OodServer server = start(ServiceOptions.builder());
                RawHttp raw = new RawHttp(server.port(), 10_000)) {
            byte[] body = new byte[size];
            Arrays.fill(body, (byte) ' ');
            raw.send(RawHttp.postHead("/predict", size)).send(body); // all of it, then read
            RawHttp.Answer answer = raw.read(false);
            assertThat(answer.status()).isEqualTo(413);
            assertThat((String) ((Map<?, ?>) JsonReader.parse(answer.body())).get("error"))
                    .contains("over the limit of 4194304 bytes");
            raw.send(RawHttp.postHead("/predict", ONE.length()) + ONE);
            assertThat(raw.read(false).status()).isEqualTo(200);
        }
    }

    @Test
    void aBodyOverTheLimitAnnouncedWithExpectContinueGetsA413BeforeItIsSent() throws Exception {
        // what curl does for bodies over 1 KiB: it waits for "100 Continue" (or an answer) before sending the body
        try (OodServer server = start(ServiceOptions.builder());
                RawHttp raw = new RawHttp(server.port(), 5_000)) {
            raw.send("POST /predict HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: " + (5 << 20)
                    + "\r\n\r\n");
            RawHttp.Answer answer = raw.read(false);
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.body()).contains("request body of 5242880 bytes is over the limit of 4194304 bytes");
        }
    }

    @Test
    void aChunkedBodyOverTheLimitGetsA413() throws Exception {
        try (OodServer server = start(ServiceOptions.builder().maxBodyBytes(64 * 1024))) {
            byte[] body = ("{\"input\": [" + "0,".repeat(100_000) + "0]}").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
            assertThat(r.body()).contains("over the limit of 65536 bytes");
        }
    }

    @Test
    void headIsAnsweredWithGetsHeadersAndNoBody() throws Exception {
        try (OodServer server = start(ServiceOptions.builder());
                RawHttp raw = new RawHttp(server.port(), 5_000)) {
            raw.send("HEAD /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawHttp.Answer head = raw.read(true);
            // the next bytes on the connection are the next answer: HEAD sent no body
            raw.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawHttp.Answer get = raw.read(false);
            assertThat(head.status()).isEqualTo(200);
            assertThat(get.status()).isEqualTo(200);
            assertThat(head.headers().get("content-type")).isEqualTo("application/json; charset=utf-8");
            assertThat(head.headers()).isEqualTo(get.headers());
            // served 0 -> 1 between them: the same number of digits, so the same length
            assertThat(Integer.parseInt(head.headers().get("content-length")))
                    .isEqualTo(get.body().getBytes(StandardCharsets.UTF_8).length);
            raw.send("HEAD /predict HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawHttp.Answer headPredict = raw.read(true);
            assertThat(headPredict.status()).isEqualTo(405);
            assertThat(headPredict.headers()).containsEntry("allow", "POST");
            raw.send("HEAD /nope HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(raw.read(true).status()).isEqualTo(404);
            raw.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(raw.read(false).status())
                    .as("nothing left over from the HEAD answers")
                    .isEqualTo(200);
        }
    }

    @Test
    void answersCarryNoExceptionText(@TempDir Path dir) throws Exception {
        // the two-input token model: a mask shorter than the ids makes ONNX Runtime fail inside the model
        Path model = CliTestModels.tokens(dir);
        Path npz = CliTestModels.tokensData(dir.resolve("tokens.npz"), 60);
        DataSpec spec = DataSpec.builder()
                .input(InputMapping.column("input_ids", npz, "ids"))
                .input(InputMapping.column("attention_mask", npz, "mask"))
                .labels(npz, "y")
                .build()
                .fitTo(OnnxModel.load(model).describe().inputs());
        try (FileSource fit = spec.open();
                OodGuard tokens = OodGuard.fit(model, fit, GuardOptions.defaults());
                OodServer server = OodServer.start(
                        tokens,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        ServiceOptions.defaults())) {
            HttpResponse<String> ort = post(
                    server,
                    "{\"inputs\": {\"input_ids\": [2, 1, 3], \"attention_mask\": [1, 1]}}",
                    Duration.ofSeconds(10));
            assertThat(ort.statusCode()).isEqualTo(400);
            Map<?, ?> body = (Map<?, ?>) JsonReader.parse(ort.body());
            assertThat((String) body.get("error_id")).matches("[0-9a-f]{12}");
            assertThat((String) body.get("error"))
                    .contains("error " + body.get("error_id"))
                    .doesNotContainIgnoringCase("onnxruntime")
                    .doesNotContain("ORT_")
                    .doesNotContain("Exception");
            // a ragged nested array: was a 500 carrying "DatasetException: ..." (a 400 of the parser now)
            HttpResponse<String> ragged = post(
                    server,
                    "{\"inputs\": {\"input_ids\": [[1, 1], [[2]]], \"attention_mask\": [1]}}",
                    Duration.ofSeconds(10));
            assertThat(ragged.statusCode()).as(ragged.body()).isEqualTo(400);
            assertThat(ragged.body()).doesNotContain("Exception").contains("not rectangular");
        }
    }

    @Test
    void requestsJettyRefusesGetTheServicesJsonError() throws Exception {
        try (OodServer server = start(ServiceOptions.builder());
                RawHttp raw = new RawHttp(server.port(), 5_000)) {
            raw.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
            RawHttp.Answer answer = raw.read(false);
            assertThat(answer.status()).isEqualTo(431);
            assertThat(answer.headers().get("content-type")).isEqualTo("application/json; charset=utf-8");
            assertThat(((Map<?, ?>) JsonReader.parse(answer.body())).get("status"))
                    .isEqualTo(431.0);
        }
    }
}
