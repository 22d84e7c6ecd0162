package dev.onnxinspect.samples.service;

import dev.onnxinspect.OnnxInspectException;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits of an {@link OodServer}. Made by {@link #builder()}; every value has a default.
 *
 * @param threads        worker threads that run {@code /predict} (parsing and scoring); default: the number of
 *                       processors. Reading requests and writing answers needs no worker: a client that sends slowly
 *                       holds a connection, never a thread
 * @param queue          read requests that may wait for a worker; default 64. When the queue is full, a request is
 *                       answered 503 with {@code Retry-After} (nothing runs on the server's I/O threads)
 * @param maxBodyBytes   the largest request body accepted; default 4 MiB (a 784-float sample is about 10 KB of
 *                       JSON). A larger one is answered 413 without being parsed (see {@link OodServer} for how the
 *                       rest of it is read)
 * @param maxBatch       the most samples in one {@code "inputs"} request; default 256
 * @param maxConnections the most open connections; default 256. Beyond it the server stops accepting (new
 *                       connections wait in the operating system's queue) until one closes
 * @param headerTimeout  the longest a connection may take to send a request's headers, counted from when it opened
 *                       or its previous answer was sent; default 10 s. Past it the connection is closed (so an idle
 *                       keep-alive connection is closed after this time too)
 * @param bodyTimeout    the longest a request's body may take to arrive, counted from its headers; default 30 s.
 *                       Past it the request is answered 408 and the connection closed
 * @param idleTimeout    the longest a connection may stay silent while a request is read or answered; default 30 s.
 *                       Past it an unfinished request is answered 408 and the connection closed
 */
public record ServiceOptions(
        int threads,
        int queue,
        int maxBodyBytes,
        int maxBatch,
        int maxConnections,
        Duration headerTimeout,
        Duration bodyTimeout,
        Duration idleTimeout) {
    public ServiceOptions {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (threads < 1 || queue < 1 || maxBodyBytes < 16 || maxBatch < 1 || maxConnections < 1) {
            throw new OnnxInspectException("service limits must be positive (threads " + threads + ", queue " + queue
                    + ", max body bytes " + maxBodyBytes + " (at least 16), max batch " + maxBatch
                    + ", max connections " + maxConnections + ")");
        }
        for (Duration d : new Duration[] {headerTimeout, bodyTimeout, idleTimeout}) {
            if (d.toMillis() < 1) {
                throw new OnnxInspectException("service timeouts must be at least 1 ms (header " + headerTimeout
                        + ", body " + bodyTimeout + ", idle " + idleTimeout + ")");
            }
        }
    }

    public static ServiceOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ServiceOptions}; not thread-safe. */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private int queue = 64;
        private int maxBodyBytes = 4 << 20;
        private int maxBatch = 256;
        private int maxConnections = 256;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration bodyTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(30);

        private Builder() {}

        public Builder threads(int value) {
            this.threads = value;
            return this;
        }

        public Builder queue(int value) {
            this.queue = value;
            return this;
        }

        public Builder maxBodyBytes(int value) {
            this.maxBodyBytes = value;
            return this;
        }

        public Builder maxBatch(int value) {
            this.maxBatch = value;
            return this;
        }

        public Builder maxConnections(int value) {
            this.maxConnections = value;
            return this;
        }

        public Builder headerTimeout(Duration value) {
            this.headerTimeout = value;
            return this;
        }

        public Builder bodyTimeout(Duration value) {
            this.bodyTimeout = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        public ServiceOptions build() {
            return new ServiceOptions(
                    threads, queue, maxBodyBytes, maxBatch, maxConnections, headerTimeout, bodyTimeout, idleTimeout);
        }
    }
}
