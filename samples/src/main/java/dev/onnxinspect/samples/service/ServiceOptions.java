package dev.onnxinspect.samples.service;

import dev.onnxinspect.OnnxInspectException;

/**
 * Limits of an {@link OodServer}. Made by {@link #builder()}; every value has a default.
 *
 * @param threads      worker threads that run requests; default: the number of processors
 * @param queue        requests that may wait for a worker; default 64. Choice: when the queue is full the HTTP
 *                     server's own dispatcher thread runs the request (back-pressure: it stops accepting new
 *                     connections meanwhile), so memory stays bounded and no request is dropped
 * @param maxBodyBytes the largest request body accepted; default 4 MiB (a 784-float sample is about 10 KB of JSON).
 *                     A larger one is answered 413 without being parsed
 * @param maxBatch     the most samples in one {@code "inputs"} request; default 256
 */
public record ServiceOptions(int threads, int queue, int maxBodyBytes, int maxBatch) {
    public ServiceOptions {
        if (threads < 1 || queue < 1 || maxBodyBytes < 16 || maxBatch < 1) {
            throw new OnnxInspectException("service limits must be positive (threads " + threads + ", queue " + queue
                    + ", max body bytes " + maxBodyBytes + " (at least 16), max batch " + maxBatch + ")");
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

        public ServiceOptions build() {
            return new ServiceOptions(threads, queue, maxBodyBytes, maxBatch);
        }
    }
}
