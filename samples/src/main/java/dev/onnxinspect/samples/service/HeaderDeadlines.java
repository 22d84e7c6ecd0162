package dev.onnxinspect.samples.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The header timeout of {@link ServiceOptions#headerTimeout()}: a connection is closed unless a request's headers
 * have all arrived within that time of its opening ({@link #onOpened}) or of its previous answer ({@link #arm}).
 * Jetty's idle timeout alone lets a client that sends a header byte now and then hold its connection forever.
 *
 * <p>Thread-safe: a bean of the connector ({@link Connection.Listener}), called by Jetty's threads, the handler and
 * the scheduler. Every deadline is cancelled when its connection closes.
 */
final class HeaderDeadlines implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadlines.class);

    private final Scheduler scheduler;
    private final long millis;
    private final Map<Connection, Task> pending = new ConcurrentHashMap<>();

    HeaderDeadlines(Scheduler scheduler, long millis) {
        this.scheduler = scheduler;
        this.millis = millis;
    }

    @Override
    public void onOpened(Connection connection) {
        arm(connection);
    }

    @Override
    public void onClosed(Connection connection) {
        headersArrived(connection);
    }

    /** Starts the wait for the next request's headers on {@code connection} (after an answer). */
    void arm(Connection connection) {
        Task task = new Task(connection);
        Task previous = pending.put(connection, task);
        if (previous != null) {
            previous.cancel();
        }
        task.scheduled = scheduler.schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    /** A request's headers have arrived on {@code connection}: its deadline no longer applies. */
    void headersArrived(Connection connection) {
        Task task = pending.remove(connection);
        if (task != null) {
            task.cancel();
        }
    }

    /** Connections waiting for headers now (for tests). */
    int waiting() {
        return pending.size();
    }

    private final class Task implements Runnable {
        private final Connection connection;
        private volatile Scheduler.Task scheduled;

        Task(Connection connection) {
            this.connection = connection;
        }

        /** Stops the timer; a run that has begun finds itself removed from {@code pending} and does nothing. */
        void cancel() {
            Scheduler.Task s = scheduled;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void run() {
            // only if this deadline is still the connection's (not replaced by a later answer, not cancelled)
            if (pending.remove(connection, this)) {
                LOG.debug(
                        "closing {}: no complete request headers within {} ms",
                        connection.getEndPoint().getRemoteSocketAddress(),
                        millis);
                connection.getEndPoint().close();
            }
        }
    }
}
