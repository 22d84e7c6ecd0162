package dev.onnxinspect.samples.report;

/**
 * One line of the run-parameter table, e.g. {@code ("tau", "0")} or {@code ("model", "mlp.onnx")}.
 *
 * @param name  non-blank
 * @param value shown as given (may be empty)
 */
public record RunParameter(String name, String value) {
    public RunParameter {
        Require.text(name, "RunParameter.name");
        if (value == null) {
            throw new ReportException("RunParameter.value of '" + name + "' must not be null; pass \"\" for none");
        }
    }
}
