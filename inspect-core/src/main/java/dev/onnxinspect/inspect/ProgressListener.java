package dev.onnxinspect.inspect;

/** Told after each batch has been processed by every hook, e.g. to draw a progress bar. Called on the caller's thread.
 * */
@FunctionalInterface
public interface ProgressListener {
    /**
     * @param samplesDone  samples processed so far
     * @param samplesTotal the data source's size, or -1 when it does not know it
     */
    void onProgress(long samplesDone, long samplesTotal);

    /** The listener that ignores progress ({@link #none()}). */
    ProgressListener NONE = (done, total) -> {};

    /**
     * A listener that ignores progress: always {@link #NONE}, so that an inspection can tell that nobody displays
     * its progress (it then logs it itself).
     */
    static ProgressListener none() {
        return NONE;
    }
}
