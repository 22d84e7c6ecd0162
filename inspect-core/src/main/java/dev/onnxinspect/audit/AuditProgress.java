package dev.onnxinspect.audit;

import dev.onnxinspect.inspect.ProgressListener;

/** Makes the progress listener of each pass of an audit, e.g. one console bar per pass. */
@FunctionalInterface
public interface AuditProgress {
    /** Reports nothing. */
    AuditProgress NONE = (task, total) -> ProgressListener.none();

    /**
     * The listener of one pass.
     *
     * @param task  what the pass does, e.g. {@code "fit on fashion-mnist-train"} or {@code "inspect mnist-digits"}
     * @param total the pass's samples, or -1 when the data source does not know
     */
    ProgressListener start(String task, long total);
}
