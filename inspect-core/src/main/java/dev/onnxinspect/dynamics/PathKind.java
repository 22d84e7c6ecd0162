package dev.onnxinspect.dynamics;

/**
 * The three path similarities of SPEC §9, as the {@code kind} column of the {@code path_similarity} table (SPEC §12).
 */
public enum PathKind {
    /** cos(p_i^{t-1}, p_i^t): one value per probe sample; the row's {@code sample_j} is -1. */
    SELF("self"),
    /** cos(p_i^t * p_j^t, p_i^{t-1} * p_j^{t-1}) on S1 patterns: one value per pair. */
    CROSS_PATTERN("cross_pattern"),
    /** cos(a_i^t * a_j^t, a_i^{t-1} * a_j^{t-1}) on activations (float64): one value per pair. */
    CROSS_ACTIVATION("cross_activation");

    private final String tableName;

    PathKind(String tableName) {
        this.tableName = tableName;
    }

    /** The value written to the {@code kind} column of the {@code path_similarity} table (SPEC §12). */
    public String tableName() {
        return tableName;
    }
}
