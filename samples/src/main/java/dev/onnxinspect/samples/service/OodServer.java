package dev.onnxinspect.samples.service;

import dev.onnxinspect.guard.OodGuard;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 service around an {@link OodGuard}, on Jetty 12's core server (no servlets):
 * <ul>
 *   <li>{@code POST /predict} with {@code {"input": [floats]}} answers one verdict
 *   {@code {"prediction", "confidence", "ood", "detector", "score", "threshold", "p_value", "scores": {...},
 *   "p_values": {...}}} (the p-values of SPEC §6b; null for a guard saved without calibration scores); with
 *   {@code {"inputs": [[floats], ...]}} it answers {@code {"results": [verdict, ...]}};</li>
 *   <li>{@code GET /health} answers the guard's description and the number of requests served; {@code HEAD /health}
 *   the same headers without the body.</li>
 * </ul>
 * Every bad request gets a 4xx with {@code {"status", "error"}}: 400 malformed JSON, wrong length, NaN or values
 * outside float32; 404 unknown path; 405 wrong method (with {@code Allow}); 408 a body that stalls or takes too long
 * (the connection is then closed); 413 body over the limit. 503 with {@code Retry-After: 1} when the work queue is
 * full. A 500 means a bug: it is logged with an id, and the answer carries only that id ({@code "error_id"}), never
 * an exception's text. The server keeps running after any request.
 *
 * <p>Slow or stalled clients cannot starve the others: bodies are read without holding a thread, and the timeouts
 * and the connection limit of {@link ServiceOptions} bound what each connection may hold. A body over the limit is
 * read on and discarded up to four times the limit and then answered 413 on a connection that stays usable, so that
 * a client that sends its whole body before it reads gets the 413 rather than a reset.
 *
 * <p>Lifecycle: {@link #start} binds and starts; {@link #close()} stops accepting, waits up to a second for requests
 * in progress, closes the connections and stops the worker pool (idempotent). The server does not own the guard:
 * whoever created the guard closes it, after the server.
 */
public final class OodServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OodServer.class);
    static final String JSON = "application/json; charset=utf-8";

    private final Server server;
    private final ServerConnector connector;
    private final ThreadPoolExecutor pool;
    private final ServiceHandler handler;
    private boolean closed;

    private OodServer(Server server, ServerConnector connector, ThreadPoolExecutor pool, ServiceHandler handler) {
        this.server = server;
        this.connector = connector;
        this.pool = pool;
        this.handler = handler;
    }

    /**
     * Binds to {@code address} (port 0 picks a free port) and starts serving.
     *
     * @throws IOException when the address cannot be bound or the server cannot start
     */
    public static OodServer start(OodGuard guard, InetSocketAddress address, ServiceOptions options)
            throws IOException {
        QueuedThreadPool io = new QueuedThreadPool(16, 2);
        io.setName("ood-http");
        io.setDaemon(true);
        Server server = new Server(io);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // one acceptor and one selector: the I/O only moves bytes, the workers below do the scoring
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(options.idleTimeout().toMillis());
        HeaderDeadlines headers = new HeaderDeadlines(
                server.getScheduler(), options.headerTimeout().toMillis());
        connector.addBean(headers);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));
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
                new ThreadPoolExecutor.AbortPolicy());
        ServiceHandler handler = new ServiceHandler(guard, options, pool, headers);
        server.setHandler(new GracefulHandler(handler));
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(1000);
        OodServer started = new OodServer(server, connector, pool, handler);
        try {
            server.start();
        } catch (Exception e) {
            started.close();
            if (e instanceof IOException io2) {
                throw io2;
            }
            throw new IOException("cannot start the service on " + address + ": " + e.getMessage(), e);
        }
        LOG.info(
                "OOD service listening on http://{}:{} ({} threads, primary detector {})",
                address.getHostString(),
                started.port(),
                options.threads(),
                guard.primaryDetector());
        return started;
    }

    /** The bound port. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Requests answered so far (any status; not counting those Jetty refuses before the service sees them). */
    public long served() {
        return handler.served();
    }

    /** The worker pool (tests fill it to see the 503). */
    ThreadPoolExecutor workers() {
        return pool;
    }

    /** Stops the server and its worker pool; does not close the guard. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stop();
        } catch (Exception e) {
            // the graceful stop gave up after a second (requests still in progress): the connections are closed
            LOG.info("stopped the HTTP server without waiting longer: {}", e.toString());
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("OOD service stopped after {} requests", handler.served());
    }
}
