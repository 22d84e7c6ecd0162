package dev.onnxinspect.inspect;

/** Told after each batch has been processed by every hook, e.g. to draw a progress bar. Called on the caller's thread. */
@FunctionalInterface
public interface ProgressListener {
    /**
     * @param samplesDone  samples processed so far
     * @param samplesTotal the data source's size, or -1 when it does not know it
     */
    void onProgress(long samplesDone, long samplesTotal);

    /** A listener that ignores progress. */
    static ProgressListener none() {
        return (done, total) -> {};
    }
}
