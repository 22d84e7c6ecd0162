package dev.onnxinspect.samples.studies;

/** Whether a study's measured figure supports its claim, as a results page states it. */
public enum Verdict {
    SUPPORTED("supported"),
    NOT_SUPPORTED("not supported"),
    /** The run was too small or too noisy to tell (e.g. a {@code --quick} run, a confidence interval across 0). */
    INCONCLUSIVE("inconclusive");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    /** The word on the page. */
    public String label() {
        return label;
    }

    /** {@link #SUPPORTED} when {@code holds}, else {@link #NOT_SUPPORTED}. */
    public static Verdict of(boolean holds) {
        return holds ? SUPPORTED : NOT_SUPPORTED;
    }
}
