package dev.onnxinspect.runtime;

/**
 * How an {@link InferenceSession} runs a model. Made by {@link #builder()}; {@link #defaults()} is CPU, ONNX
 * Runtime's own thread counts and all graph optimisations.
 *
 * @param device         where to run: CPU (the default), CUDA, or AUTO (CUDA when it loads, else CPU)
 * @param intraOpThreads threads ONNX Runtime uses inside one operator; 0 = ONNX Runtime's default (one per
 *                       physical core)
 * @param interOpThreads threads ONNX Runtime uses across independent operators; 0 = ONNX Runtime's default
 * @param optimization   the graph optimisation level
 * @param spinning       whether ONNX Runtime's intra-op threads spin while they wait for work (ONNX Runtime's
 *                       default, true). Spinning shortens the hand-over between operators but burns the cores
 *                       other threads need, e.g. an inspection's statistics thread when the cores are few; false
 *                       lets them sleep
 * @param blockedChannels whether graph outputs that ONNX Runtime computes in its blocked channel layout (NCHWc, on
 *                       CPUs with AVX2 or AVX-512, optimisation ALL) are handed over in that layout instead of
 *                       being reordered into NCHW inside the model run (default false; see {@link ChannelBlocks}).
 *                       Every reader of the activations still sees NCHW order; the statistics of
 *                       {@code dev.onnxinspect.stats} count such rows in their stored order and reorder the counts
 *                       once, which takes the reorder off the inference thread
 */
public record SessionConfig(
        Device device,
        int intraOpThreads,
        int interOpThreads,
        Optimization optimization,
        boolean spinning,
        boolean blockedChannels) {
    /** ONNX Runtime graph optimisation levels. */
    public enum Optimization {
        /** No graph optimisation. */
        DISABLED,
        /** Semantics-preserving rewrites such as constant folding. */
        BASIC,
        /** BASIC plus operator fusions. */
        EXTENDED,
        /** Everything, including layout changes (ONNX Runtime's default). */
        ALL
    }

    public SessionConfig {
        if (device == null || optimization == null) {
            throw new InferenceException("session config needs a device and an optimization level, got device " + device
                    + ", optimization " + optimization);
        }
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new InferenceException("thread counts must be 0 (ONNX Runtime's default) or positive, got intra-op "
                    + intraOpThreads + ", inter-op " + interOpThreads);
        }
    }

    /** As before blocked channel outputs existed: without them. */
    public SessionConfig(
            Device device, int intraOpThreads, int interOpThreads, Optimization optimization, boolean spinning) {
        this(device, intraOpThreads, interOpThreads, optimization, spinning, false);
    }

    /** CPU, default thread counts, all optimisations, spinning threads. */
    public static SessionConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SessionConfig}; every value has a default. */
    public static final class Builder {
        private Device device = Device.CPU;
        private int intraOpThreads;
        private int interOpThreads;
        private Optimization optimization = Optimization.ALL;
        private boolean spinning = true;
        private boolean blockedChannels;

        private Builder() {}

        public Builder device(Device value) {
            this.device = value;
            return this;
        }

        public Builder intraOpThreads(int value) {
            this.intraOpThreads = value;
            return this;
        }

        public Builder interOpThreads(int value) {
            this.interOpThreads = value;
            return this;
        }

        public Builder optimization(Optimization value) {
            this.optimization = value;
            return this;
        }

        /** Whether intra-op threads spin while waiting for work (default true, as ONNX Runtime). */
        public Builder spinning(boolean value) {
            this.spinning = value;
            return this;
        }

        /**
         * Whether outputs ONNX Runtime computes in its blocked channel layout are handed over in it (default
         * false). Takes effect on the CPU with optimisation ALL where ONNX Runtime uses that layout; anywhere else
         * the session is the plain one.
         */
        public Builder blockedChannels(boolean value) {
            this.blockedChannels = value;
            return this;
        }

        public SessionConfig build() {
            return new SessionConfig(device, intraOpThreads, interOpThreads, optimization, spinning, blockedChannels);
        }
    }
}
