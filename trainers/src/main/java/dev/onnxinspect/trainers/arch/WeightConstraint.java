package dev.onnxinspect.trainers.arch;

/** How a dense layer turns its raw trainable weight w into the weight it multiplies with. */
public enum WeightConstraint {
    /** w' = w. */
    NONE,
    /**
     * SPEC §11 IOC network: w' = exp(w - 5) where w &lt; 0, w' = w otherwise, so every effective weight is positive.
     * The bias is not transformed.
     */
    IOC_EXP_NEGATIVE;

    /** The offset 5 of exp(w - 5). */
    public static final float IOC_OFFSET = 5f;

    /** Applies the constraint to one raw weight, in float32 as the engines do. */
    public float apply(float w) {
        return switch (this) {
            case NONE -> w;
            case IOC_EXP_NEGATIVE -> w < 0f ? (float) Math.exp(w - IOC_OFFSET) : w;
        };
    }
}
