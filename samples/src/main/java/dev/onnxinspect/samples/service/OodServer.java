package dev.onnxinspect.samples.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.guard.GuardException;
import dev.onnxinspect.guard.GuardInput;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.guard.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP service around an {@link OodGuard}, on the JDK's built-in {@link HttpServer}:
 * <ul>
 *   <li>{@code POST /predict} with {@code {"input": [floats]}} answers one verdict
 *   {@code {"prediction", "confidence", "ood", "detector", "score", "threshold", "p_value", "scores": {...},
 *   "p_values": {...}}} (the p-values of SPEC §6b; null for a guard saved without calibration scores); with
 *   {@code {"inputs": [[floats], ...]}} it answers {@code {"results": [verdict, ...]}};</li>
 *   <li>{@code GET /health} answers the guard's description and the number of requests served.</li>
 * </ul>
 * Every bad request gets a 4xx with {@code {"status", "error"}}: 400 malformed JSON, wrong length, NaN or values
 * outside float32; 404 unknown path; 405 wrong method (with {@code Allow}); 413 body over the limit. A 500 means a
 * bug and is logged; the server keeps running after any request.
 *
 * <p>Lifecycle: {@link #start} binds and starts; {@link #close()} stops accepting, waits up to a second for
 * exchanges in progress and stops the worker pool (idempotent). The server does not own the guard: whoever created
 * the guard closes it, after the server. Requests run on a bounded pool ({@link ServiceOptions}).
 *
 * <p>Choice: {@link #start} sets the system property {@code sun.net.httpserver.nodelay=true} unless it is set
 * already (TCP_NODELAY; without it every keep-alive answer waits ~40 ms for a delayed ACK). The JDK reads it when the
 * first {@link HttpServer} of the process is created.
 */
public final class OodServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OodServer.class);
    private static final String JSON = "application/json; charset=utf-8";

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final OodGuard guard;
    private final ServiceOptions options;
    private final AtomicLong served = new AtomicLong();
    private boolean closed;

    private OodServer(HttpServer server, ThreadPoolExecutor pool, OodGuard guard, ServiceOptions options) {
        this.server = server;
        this.pool = pool;
        this.guard = guard;
        this.options = options;
    }

    /**
     * Binds to {@code address} (port 0 picks a free port) and starts serving.
     *
     * @throws IOException when the address cannot be bound
     */
    public static OodServer start(OodGuard guard, InetSocketAddress address, ServiceOptions options)
            throws IOException {
        // the JDK server writes headers and body as two segments; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK add ~40 ms to every keep-alive response. Read once, when the first server starts.
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
        HttpServer http = HttpServer.create(address, 0);
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                options.threads(),
                options.threads(),
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(options.queue()),
                r -> {
                    Thread t = new Thread(r, "ood-service-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.CallerRunsPolicy());
        OodServer server = new OodServer(http, pool, guard, options);
        http.createContext("/", server::handle);
        http.setExecutor(pool);
        http.start();
        LOG.info(
                "OOD service listening on http://{}:{} ({} threads, primary detector {})",
                address.getHostString(),
                server.port(),
                options.threads(),
                guard.primaryDetector());
        return server;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests answered so far (any status). */
    public long served() {
        return served.get();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            Response r;
            try {
                r = route(exchange);
            } catch (RequestException e) {
                r = new Response(e.status, JsonWriter.error(e.status, e.getMessage()), e.allow);
            } catch (JsonException | GuardException e) {
                // malformed JSON, or the guard rejects the input (length, NaN, ...): the client's fault
                r = new Response(400, JsonWriter.error(400, e.getMessage()), null);
            } catch (RuntimeException | Error e) {
                LOG.error("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                r = new Response(500, JsonWriter.error(500, "internal error: " + e), null);
            }
            // counted before the answer leaves, so that a client that has its answer sees it counted
            served.incrementAndGet();
            send(exchange, r);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug(
                    "could not answer {} {}: {}",
                    exchange.getRequestMethod(),
                    exchange.getRequestURI(),
                    e.getMessage());
        }
    }

    private Response route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/predict" -> {
                requireMethod(method, "POST");
                String body = readBody(exchange);
                PredictRequest request = PredictRequest.parse(body, options.maxBatch(), guard.inputs());
                List<Verdict> verdicts = request.named().isEmpty()
                        ? guard.scoreBatch(request.inputs())
                        : request.named().stream().map(guard::score).toList();
                return new Response(
                        200,
                        request.batch() ? JsonWriter.verdicts(verdicts) : JsonWriter.verdict(verdicts.get(0)),
                        null);
            }
            case "/health" -> {
                requireMethod(method, "GET");
                return new Response(200, health(), null);
            }
            default ->
                throw new RequestException(404, "no such path " + path + "; use POST /predict or GET /health", null);
        }
    }

    private String health() {
        return "{\"status\":\"ok\",\"model_sha256\":" + JsonWriter.string(guard.modelSha256())
                + inputs() + ",\"classes\":" + guard.classes()
                + ",\"detector\":" + JsonWriter.string(guard.primaryDetector())
                + ",\"threshold\":" + JsonWriter.number(guard.threshold())
                + ",\"target_tpr\":" + guard.thresholds().targetTpr()
                + ",\"false_alarm_rate\":" + (guard.falseAlarmRate() == 0 ? "null" : guard.falseAlarmRate())
                + ",\"calibration_samples\":" + guard.thresholds().calibrationSamples()
                + ",\"calibration_held_out\":"
                + (guard.calibration() == null ? "null" : guard.calibration().heldOut())
                + ",\"detectors\":" + JsonWriter.strings(guard.detectorNames())
                + ",\"served\":" + served.get() + "}";
    }

    /** {@code "input_size":784,} for a one-input model of fixed shape, then every input's name, type and shape. */
    private String inputs() {
        StringBuilder s = new StringBuilder();
        List<GuardInput> inputs = guard.inputs();
        if (inputs.size() == 1 && Arrays.stream(inputs.get(0).fitShape()).allMatch(d -> d > 0)) {
            s.append(",\"input_size\":").append(guard.sampleSize());
        }
        s.append(",\"inputs\":[");
        for (int i = 0; i < inputs.size(); i++) {
            GuardInput in = inputs.get(i);
            s.append(i == 0 ? "" : ",")
                    .append("{\"name\":")
                    .append(JsonWriter.string(in.name()))
                    .append(",\"type\":")
                    .append(JsonWriter.string(in.type().name()))
                    .append(",\"shape\":")
                    .append(Arrays.toString(in.sampleShape()).replace(" ", ""))
                    .append('}');
        }
        return s.append(']').toString();
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new RequestException(405, "method " + method + " is not allowed here; use " + allowed, allowed);
        }
    }

    /** The body as UTF-8, at most {@link ServiceOptions#maxBodyBytes()}; 413 beyond. */
    private String readBody(HttpExchange exchange) throws IOException {
        int limit = options.maxBodyBytes();
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > limit) {
                    throw tooLarge(Long.parseLong(length.trim()) + " bytes");
                }
            } catch (NumberFormatException e) {
                throw new RequestException(400, "bad Content-Length '" + length + "'", null);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 1 << 16));
        byte[] buffer = new byte[1 << 14];
        try (InputStream in = exchange.getRequestBody()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > limit) {
                    throw tooLarge("more than " + limit + " bytes");
                }
                out.write(buffer, 0, n);
            }
        }
        if (out.size() == 0) {
            throw new RequestException(400, "empty body; send {\"input\": [...]} or {\"inputs\": [[...], ...]}", null);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private RequestException tooLarge(String got) {
        return new RequestException(
                413,
                "request body of " + got + " is over the limit of " + options.maxBodyBytes()
                        + " bytes; send fewer samples per request",
                null);
    }

    private static void send(HttpExchange exchange, Response r) throws IOException {
        byte[] bytes = r.body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", JSON);
        if (r.allow != null) {
            exchange.getResponseHeaders().set("Allow", r.allow);
        }
        exchange.sendResponseHeaders(r.status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops the server and its worker pool; does not close the guard. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(1);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("OOD service stopped after {} requests", served.get());
    }

    private record Response(int status, String body, String allow) {}

    /** A client error with its HTTP status. */
    private static final class RequestException extends OnnxInspectException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String allow;

        RequestException(int status, String message, String allow) {
            super(message);
            this.status = status;
            this.allow = allow;
        }
    }
}
