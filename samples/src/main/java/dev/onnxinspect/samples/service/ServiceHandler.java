package dev.onnxinspect.samples.service;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.guard.GuardInput;
import dev.onnxinspect.guard.OodGuard;
import dev.onnxinspect.guard.Verdict;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of an {@link OodServer}: {@code POST /predict}, {@code GET}/{@code HEAD /health}, and a JSON error for
 * everything else. Nothing here blocks: a request's body is read as it arrives (a client that stalls holds its
 * connection, no thread), then parsed and scored on the worker pool; {@code /health} is answered on the I/O thread
 * (it only reads the guard's description, so it answers even when the queue is full).
 *
 * <p>Errors: a client's mistake is a 4xx whose message is the service's own ({@link JsonException}, a refusal of
 * the guard's input checks). Any other failure is logged with a stack trace under a random id and answered with a
 * generic message naming that id: 400 when the guard refused the input for a reason found deeper down (ONNX
 * Runtime's message, say), 500 for everything else; no response carries an exception's text.
 */
final class ServiceHandler extends Handler.Abstract.NonBlocking {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceHandler.class);
    private static final String EMPTY_BODY = "empty body; send {\"input\": [...]} or {\"inputs\": [[...], ...]}";

    private final OodGuard guard;
    private final ServiceOptions options;
    private final Executor workers;
    private final HeaderDeadlines headers;
    private final AtomicLong served = new AtomicLong();

    /**
     * @param workers runs {@code /predict}; throws {@link RejectedExecutionException} when its queue is full
     */
    ServiceHandler(OodGuard guard, ServiceOptions options, Executor workers, HeaderDeadlines headers) {
        this.guard = guard;
        this.options = options;
        this.workers = workers;
        this.headers = headers;
    }

    /** Requests answered so far by this handler (any status). */
    long served() {
        return served.get();
    }

    /**
     * The most body bytes read (and discarded) after {@link ServiceOptions#maxBodyBytes()} is exceeded, so that a
     * client that sends its whole body before reading the answer gets the 413 instead of a reset connection.
     * Choice: four times the limit (16 MiB by default); a body declared or found larger is answered 413 at once and
     * its connection closed.
     */
    private long drainLimit() {
        return 4L * options.maxBodyBytes();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        headers.headersArrived(request.getConnectionMetaData().getConnection());
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if ("/predict".equals(path)) {
            if (!method.equals("POST")) {
                send(request, response, callback, Answer.methodNotAllowed(method, "POST"));
            } else if (request.getLength() > drainLimit()
                    || (request.getLength() > options.maxBodyBytes()
                            && request.getHeaders().contains(HttpHeader.EXPECT, "100-continue"))) {
                // too large to read on, or the client waits for "100 Continue" before it sends the body: answer now
                send(
                        request,
                        response,
                        callback,
                        tooLarge(request.getLength() + " bytes").closing());
            } else {
                new BodyReader(request, response, callback).start();
            }
        } else if ("/health".equals(path)) {
            if (method.equals("GET") || method.equals("HEAD")) {
                send(request, response, callback, Answer.json(200, health()));
            } else {
                send(request, response, callback, Answer.methodNotAllowed(method, "GET, HEAD"));
            }
        } else {
            send(
                    request,
                    response,
                    callback,
                    new Answer(404, "no such path " + path + "; use POST /predict or GET /health"));
        }
        return true;
    }

    private Answer tooLarge(String got) {
        return new Answer(
                413,
                "request body of " + got + " is over the limit of " + options.maxBodyBytes()
                        + " bytes; send fewer samples per request");
    }

    /** Parses and scores a whole body (on a worker); the answer, never an exception. */
    private Answer predict(Request request, byte[] body) {
        try {
            PredictRequest parsed =
                    PredictRequest.parse(new String(body, StandardCharsets.UTF_8), options.maxBatch(), guard.inputs());
            List<Verdict> verdicts = parsed.named().isEmpty()
                    ? guard.scoreBatch(parsed.inputs())
                    : parsed.named().stream().map(guard::score).toList();
            return Answer.json(
                    200, parsed.batch() ? JsonWriter.verdicts(verdicts) : JsonWriter.verdict(verdicts.get(0)));
        } catch (JsonException e) {
            return new Answer(400, e.getMessage());
        } catch (OnnxInspectException e) {
            boolean clients = e.kind() == OnnxInspectException.Kind.INVALID_INPUT
                    || e.kind() == OnnxInspectException.Kind.UNSUPPORTED;
            if (clients && e.getCause() == null) {
                return new Answer(400, e.getMessage());
            }
            return clients ? refused(request, e) : failed(request, e);
        } catch (RuntimeException | Error e) {
            return failed(request, e);
        }
    }

    /**
     * A refusal whose reason comes from below the guard (e.g. ONNX Runtime): logged with its message (the client's
     * input, not a bug: no stack trace), answered without its text.
     */
    private static Answer refused(Request request, Throwable e) {
        String id = errorId();
        LOG.warn(
                "{} {} refused, error {}: {}",
                request.getMethod(),
                request.getHttpURI().getPath(),
                id,
                e.toString());
        return Answer.withId(
                400,
                "the model cannot run on this input (error " + id + ", details in the server's log); check the"
                        + " input's names, lengths and values against GET /health",
                id);
    }

    /** A bug or a failure no input explains: logged with its stack trace, answered 500 without its text. */
    private static Answer failed(Request request, Throwable e) {
        String id = errorId();
        LOG.error(
                "{} {} failed, error {}",
                request.getMethod(),
                request.getHttpURI().getPath(),
                id,
                e);
        return Answer.withId(500, "internal error " + id + "; the server's log has the details under this id", id);
    }

    /** 12 random hex digits that tie an answer to its log line. */
    private static String errorId() {
        return HexFormat.of()
                .toHexDigits(ThreadLocalRandom.current().nextLong())
                .substring(4);
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

    /**
     * Writes an answer; for {@code HEAD} the same headers without the body. On a connection that stays open, the
     * header timeout for its next request starts when the answer has been written.
     */
    private void send(Request request, Response response, Callback callback, Answer answer) {
        // counted before the answer leaves, so that a client that has its answer sees it counted
        served.incrementAndGet();
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        HttpFields.Mutable h = response.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, OodServer.JSON);
        h.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        if (answer.allow() != null) {
            h.put(HttpHeader.ALLOW, answer.allow());
        }
        if (answer.status() == 503) {
            h.put(HttpHeader.RETRY_AFTER, "1");
        }
        if (answer.close()) {
            h.put(HttpHeader.CONNECTION, "close");
        }
        Connection connection = request.getConnectionMetaData().getConnection();
        Callback then = Callback.from(
                () -> {
                    if (!answer.close()) {
                        headers.arm(connection);
                    }
                    callback.succeeded();
                },
                callback::failed);
        boolean head = request.getMethod().equals("HEAD");
        response.write(true, head ? null : ByteBuffer.wrap(bytes), then);
    }

    /**
     * One {@code POST /predict} body, read as it arrives: the demand callback of Jetty (one at a time), raced only
     * by the body timeout, which {@link #finish} settles (whichever comes first answers).
     */
    private final class BodyReader implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean finished = new AtomicBoolean();
        private byte[] body;
        private long received;
        private Scheduler.Task deadline;

        BodyReader(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            long length = request.getLength();
            this.body = new byte[(int) Math.min(options.maxBodyBytes(), length >= 0 ? length : 1 << 14)];
        }

        void start() {
            deadline = request.getComponents()
                    .getScheduler()
                    .schedule(this::timedOut, options.bodyTimeout().toMillis(), TimeUnit.MILLISECONDS);
            run();
        }

        @Override
        public void run() {
            while (!finished.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    failed(chunk.getFailure());
                    return;
                }
                boolean last = chunk.isLast();
                keep(chunk.getByteBuffer());
                chunk.release();
                if (received > drainLimit()) {
                    if (finish()) {
                        send(
                                request,
                                response,
                                callback,
                                tooLarge("more than " + drainLimit() + " bytes").closing());
                    }
                    return;
                }
                if (last) {
                    if (finish()) {
                        complete();
                    }
                    return;
                }
            }
        }

        /** Copies the bytes while the body is within the limit; counts (and drops) them beyond. */
        private void keep(ByteBuffer bytes) {
            int n = bytes.remaining();
            long end = received + n;
            if (end <= options.maxBodyBytes()) {
                if (end > body.length) {
                    body = Arrays.copyOf(body, (int) Math.min(options.maxBodyBytes(), Math.max(end, 2L * body.length)));
                }
                bytes.get(body, (int) received, n);
            } else {
                body = null;
            }
            received = end;
        }

        private void complete() {
            if (received > options.maxBodyBytes()) {
                send(request, response, callback, tooLarge("more than " + options.maxBodyBytes() + " bytes"));
            } else if (received == 0) {
                send(request, response, callback, new Answer(400, EMPTY_BODY));
            } else {
                byte[] whole = Arrays.copyOf(body, (int) received);
                body = null;
                try {
                    workers.execute(() -> send(request, response, callback, predict(request, whole)));
                } catch (RejectedExecutionException e) {
                    send(
                            request,
                            response,
                            callback,
                            new Answer(
                                    503,
                                    "the service is busy: " + options.queue() + " requests are waiting for its "
                                            + options.threads() + " workers; retry after 1 s"));
                }
            }
        }

        private void failed(Throwable failure) {
            if (!finish()) {
                return;
            }
            if (failure instanceof TimeoutException) {
                // Jetty's idle timeout: the client went silent mid-body
                send(
                        request,
                        response,
                        callback,
                        new Answer(
                                        408,
                                        "the request body stalled for "
                                                + options.idleTimeout().toMillis()
                                                + " ms; send the whole body without pauses")
                                .closing());
            } else {
                // the client closed the connection or sent a broken body: nobody to answer
                LOG.debug(
                        "request body of {} failed: {}",
                        request.getConnectionMetaData().getRemoteSocketAddress(),
                        failure.toString());
                callback.failed(failure);
            }
        }

        private void timedOut() {
            if (finish()) {
                send(
                        request,
                        response,
                        callback,
                        new Answer(
                                        408,
                                        "the request body did not arrive within "
                                                + options.bodyTimeout().toMillis()
                                                + " ms; send it faster or in smaller requests")
                                .closing());
            }
        }

        /** True for the first caller only: the one that answers. */
        private boolean finish() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            if (deadline != null) {
                deadline.cancel();
            }
            return true;
        }
    }

    /** An answer's status, JSON body and extra headers. */
    private record Answer(int status, String body, String allow, boolean close) {
        /** An error {@code {"status", "error"}} with a message of the service's own. */
        Answer(int status, String message) {
            this(status, JsonWriter.error(status, message), null, false);
        }

        static Answer json(int status, String json) {
            return new Answer(status, json, null, false);
        }

        static Answer withId(int status, String message, String id) {
            return json(
                    status,
                    "{\"status\":" + status + ",\"error\":" + JsonWriter.string(message) + ",\"error_id\":"
                            + JsonWriter.string(id) + "}");
        }

        static Answer methodNotAllowed(String method, String allow) {
            return new Answer(
                    405,
                    JsonWriter.error(405, "method " + method + " is not allowed here; use " + allow),
                    allow,
                    false);
        }

        /** The same answer, after which the connection is closed. */
        Answer closing() {
            return new Answer(status, body, allow, true);
        }
    }
}
