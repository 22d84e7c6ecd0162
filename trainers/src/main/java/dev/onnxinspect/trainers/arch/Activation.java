package dev.onnxinspect.trainers.arch;

/**
 * The element-wise nonlinearities an architecture may use; each is computed identically by the DJL block and by the
 * exported ONNX graph.
 */
public enum Activation {
    /** max(0, x). */
    RELU("relu"),
    /** x for x > 0, else alpha (exp(x) - 1) with alpha = 1. */
    ELU("elu"),
    /**
     * The exact GELU x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)). DJL's PyTorch engine computes this erf form (not
     * the tanh approximation): gelu(-1) = -0.15866 (the tanh form gives -0.15881).
     */
    GELU("gelu"),
    /** 1 / (1 + exp(-x)). */
    SIGMOID("sigmoid"),
    /** tanh(x). */
    TANH("tanh");

    /** The alpha of ELU. */
    public static final float ELU_ALPHA = 1.0f;

    private final String tag;

    Activation(String tag) {
        this.tag = tag;
    }

    /** The lower-case name used in layer names, e.g. {@code dense1/relu}. */
    public String tag() {
        return tag;
    }
}
