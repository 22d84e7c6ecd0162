package dev.onnxinspect.report;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium driven over the DevTools protocol with the JDK's WebSocket client (no extra dependency). Owns
 * the browser process and its temporary profile; {@link #close} always kills the process (forcibly after a grace
 * period) and deletes the profile. One page: {@link #open} attaches to a fresh tab, records every network request
 * the page makes, and waits for the load event. Every wait is bounded by {@code timeout}.
 */
public final class CdpBrowser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Process process;
    private final Path profile;
    private final Duration timeout;
    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
    private String session;

    private CdpBrowser(Process process, Path profile, Duration timeout, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.timeout = timeout;
        this.socket = socket;
    }

    /** Starts Chromium; fails (never skips) with the fix when the browser is not installed. */
    public static CdpBrowser launch(Duration timeout) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new AssertionError(CHROMIUM + " is missing: the report's browser test needs headless Chromium; "
                    + "run scripts/install-browser.sh (as root) and re-run the tests");
        }
        Path profile = Files.createTempDirectory("report-chromium-");
        Process process = new ProcessBuilder(
                        CHROMIUM.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-extensions",
                        "--disable-default-apps",
                        "--hide-scrollbars",
                        "--user-data-dir=" + profile,
                        "--remote-debugging-port=0",
                        "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        try {
            URI endpoint = awaitEndpoint(process, profile, timeout);
            Listener listener = new Listener();
            WebSocket socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .connectTimeout(timeout)
                    .buildAsync(endpoint, listener)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            CdpBrowser browser = new CdpBrowser(process, profile, timeout, socket);
            listener.browser = browser;
            return browser;
        } catch (Exception | AssertionError e) {
            kill(process);
            deleteTree(profile);
            throw e;
        }
    }

    /** Opens {@code uri} in a new tab of {@code width} x {@code height} CSS pixels and waits for its load event. */
    public void open(URI uri, int width, int height) throws Exception {
        Map<String, Object> target = call(null, "Target.createTarget", "{\"url\":\"about:blank\"}");
        String targetId = (String) target.get("targetId");
        session = (String)
                call(null, "Target.attachToTarget", "{\"targetId\":" + MiniJson.quote(targetId) + ",\"flatten\":true}")
                        .get("sessionId");
        call(session, "Network.enable", "{}");
        call(session, "Page.enable", "{}");
        call(session, "Runtime.enable", "{}");
        call(session, "Log.enable", "{}");
        resize(width, height);
        int before = events.size();
        call(session, "Page.navigate", "{\"url\":" + MiniJson.quote(uri.toString()) + "}");
        awaitEvent("Page.loadEventFired", before);
    }

    /** Changes the viewport to {@code width} x {@code height} CSS pixels; the page re-lays itself out. */
    public void resize(int width, int height) throws Exception {
        call(
                session,
                "Emulation.setDeviceMetricsOverride",
                "{\"width\":" + width + ",\"height\":" + height + ",\"deviceScaleFactor\":1,\"mobile\":false}");
    }

    /** Evaluates a JavaScript expression in the page and returns its value (strings, numbers, booleans). */
    public Object evaluate(String expression) throws Exception {
        Map<String, Object> reply = call(
                session,
                "Runtime.evaluate",
                "{\"expression\":" + MiniJson.quote(expression) + ",\"returnByValue\":true}");
        if (reply.containsKey("exceptionDetails")) {
            throw new AssertionError("Script failed in the page: " + reply.get("exceptionDetails"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) reply.get("result");
        return result.get("value");
    }

    /** A PNG of the whole page, {@code width} wide and as tall as the document (at most {@code maxHeight}). */
    public byte[] screenshot(int width, int maxHeight) throws Exception {
        double height = Math.min(maxHeight, ((Number) evaluate("document.documentElement.scrollHeight")).doubleValue());
        Map<String, Object> reply = call(
                session,
                "Page.captureScreenshot",
                "{\"format\":\"png\","
                        + "\"captureBeyondViewport\":true,\"clip\":{\"x\":0,\"y\":0,\"width\":" + width + ",\"height\":"
                        + height + ",\"scale\":1}}");
        return Base64.getDecoder().decode((String) reply.get("data"));
    }

    /**
     * A PNG of the part {@code x, y, width, height} (CSS pixels, document coordinates) of the page.
     */
    public byte[] screenshot(double x, double y, double width, double height) throws Exception {
        Map<String, Object> reply = call(
                session,
                "Page.captureScreenshot",
                "{\"format\":\"png\",\"captureBeyondViewport\":true,\"clip\":{\"x\":" + x + ",\"y\":" + y
                        + ",\"width\":" + width + ",\"height\":" + height + ",\"scale\":1}}");
        return Base64.getDecoder().decode((String) reply.get("data"));
    }

    /**
     * Every error the page's console received: uncaught exceptions ({@code Runtime.exceptionThrown}),
     * {@code console.error} calls, and the browser's own error entries ({@code Log.entryAdded} at level error, e.g. a
     * Content-Security-Policy violation or a resource that failed to load).
     */
    public List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (Map<String, Object> event : events) {
            Map<?, ?> params = (Map<?, ?>) event.get("params");
            String method = String.valueOf(event.get("method"));
            if (method.equals("Runtime.exceptionThrown")) {
                errors.add("exception: " + params.get("exceptionDetails"));
            } else if (method.equals("Runtime.consoleAPICalled") && "error".equals(params.get("type"))) {
                errors.add("console.error: " + params.get("args"));
            } else if (method.equals("Log.entryAdded")) {
                Map<?, ?> entry = (Map<?, ?>) params.get("entry");
                if ("error".equals(entry.get("level"))) {
                    errors.add(entry.get("source") + ": " + entry.get("text"));
                }
            }
        }
        return errors;
    }

    /** The URL of every request the page sent ({@code Network.requestWillBeSent}), in order. */
    public List<String> requestedUrls() {
        List<String> urls = new ArrayList<>();
        for (Map<String, Object> event : events) {
            if ("Network.requestWillBeSent".equals(event.get("method"))) {
                Map<?, ?> params = (Map<?, ?>) event.get("params");
                urls.add((String) ((Map<?, ?>) params.get("request")).get("url"));
            }
        }
        return urls;
    }

    @Override
    public void close() {
        socket.abort();
        kill(process);
        deleteTree(profile);
    }

    private Map<String, Object> call(String sessionId, String method, String params) throws Exception {
        int id = nextId.getAndIncrement();
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        String message = "{\"id\":" + id + (sessionId == null ? "" : ",\"sessionId\":" + MiniJson.quote(sessionId))
                + ",\"method\":" + MiniJson.quote(method) + ",\"params\":" + params + "}";
        socket.sendText(message, true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Object> response;
        try {
            response = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("No answer from Chromium to " + method + " within " + timeout, e);
        } finally {
            pending.remove(id);
        }
        if (response.containsKey("error")) {
            throw new AssertionError("Chromium refused " + method + ": " + response.get("error"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) response.get("result");
        return result;
    }

    private void awaitEvent(String method, int after) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = after; i < events.size(); i++) {
                if (method.equals(events.get(i).get("method"))) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("Chromium sent no " + method + " within " + timeout);
    }

    private void receive(String text) {
        @SuppressWarnings("unchecked")
        Map<String, Object> message = (Map<String, Object>) MiniJson.parse(text);
        Object id = message.get("id");
        if (id instanceof Double number) {
            CompletableFuture<Map<String, Object>> reply = pending.get(number.intValue());
            if (reply != null) {
                reply.complete(message);
            }
        } else {
            events.add(message);
        }
    }

    private static URI awaitEndpoint(Process process, Path profile, Duration timeout) throws Exception {
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Chromium exited with " + process.exitValue() + " before opening its "
                        + "DevTools port; its log: " + Files.readString(profile.resolve("chromium.log")));
            }
            if (Files.exists(portFile)) {
                List<String> lines = Files.readAllLines(portFile);
                if (lines.size() >= 2 && !lines.get(1).isBlank()) {
                    return URI.create("ws://127.0.0.1:" + lines.get(0).trim()
                            + lines.get(1).trim());
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Chromium did not open its DevTools port within " + timeout);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary profile is harmless; the test result does not depend on it
        }
    }

    /** Reassembles fragmented WebSocket messages and hands complete ones to the browser. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder buffer = new StringBuilder();
        private volatile CdpBrowser browser;
        private final List<String> early = new ArrayList<>();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                String message = buffer.toString();
                buffer.setLength(0);
                deliver(message);
            }
            webSocket.request(1);
            return null;
        }

        private synchronized void deliver(String message) {
            if (browser == null) {
                early.add(message);
                return;
            }
            early.forEach(browser::receive);
            early.clear();
            browser.receive(message);
        }
    }
}
