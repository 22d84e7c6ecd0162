package dev.onnxinspect.stats;

/**
 * How an interaction's share of its output neuron's input is measured (SPEC §3). With
 * {@code C_ij = w_ij * x_j} (the bias takes no part):
 * <ul>
 *   <li>{@link #ABSOLUTE} (the default): {@code s_ij = C_ij / sum_k |C_ik|}, 0 where the denominator is 0;</li>
 *   <li>{@link #SIGNED}: {@code s_ij = C_ij / sum_k C_ik}, defined only where {@code sum_k C_ik > 0} (else no
 *       interaction of row i is significant).</li>
 * </ul>
 * An interaction is significant when {@code s_ij > 1 / n_in}.
 */
public enum InteractionShare {
    ABSOLUTE,
    SIGNED;

    /** The label used in tables: {@code "interaction-absolute"} or {@code "interaction-signed"}. */
    public String label() {
        return this == ABSOLUTE ? "interaction-absolute" : "interaction-signed";
    }
}
