package dev.onnxinspect.report;

/**
 * One line of the run-parameter table, e.g. {@code ("run", "tau", "0")} or {@code ("model", "model", "mlp.onnx")}.
 *
 * @param group the table the line belongs to (the report shows one per group, names sorted within it)
 * @param name  non-blank
 * @param value shown as given (may be empty)
 */
public record RunParameter(String group, String name, String value) {
    public RunParameter {
        Require.text(group, "RunParameter.group");
        Require.text(name, "RunParameter.name");
        if (value == null) {
            throw new ReportException("RunParameter.value of '" + name + "' must not be null; pass \"\" for none");
        }
    }

    /** A parameter in the group its name implies: {@link #groupOf}. */
    public RunParameter(String name, String value) {
        this(groupOf(name), name, value);
    }

    /**
     * The group of a parameter name. Choice: a dotted name ({@code neuron_view.dense1/relu},
     * {@code memory_estimate.patterns}, {@code arch.hidden_widths}) belongs to the group named by what comes before the
     * first dot; an undotted name with a {@code _skipped} or {@code _samples} part likewise to its first word group
     * ({@code patterns_skipped.x} is dotted anyway); any other name to "run".
     */
    public static String groupOf(String name) {
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : "run";
    }
}
